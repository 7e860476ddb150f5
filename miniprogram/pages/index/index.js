/**
 * 首页: who the user is (roles as people say them, children), a 待办 card (counts from the saved
 * or fresh to-do, tapping opens the 待办 tab), 待发送 cards when reports or patrol rounds wait, and
 * the tiles their capabilities allow (utils/tiles.js). It opens at once from the /me kept on the
 * phone; when that copy shows because the network failed, the stale banner says since when. The
 * first start ever without signal says so in words, with 重试.
 */
const outbox = require('../../utils/outbox');
const patrolOutbox = require('../../utils/patrol-outbox');
const todo = require('../../utils/todo');
const nav = require('../../utils/nav');
const { hasReceived } = require('../../utils/notices');
const {
  meView, todoCard, outboxCard, patrolOutboxCard, launchErrorText,
} = require('../../utils/home');

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    savedAt: '',
    greeting: '',
    roles: [],
    children: [],
    tiles: [],
    newUser: false,
    todo: null,
    todoSavedAt: '',
    outbox: null,
    patrolOutbox: null,
  },

  onShow() {
    const app = getApp();
    this.unsubscribe = this.unsubscribe || outbox.subscribe(() => this.showMe(this.me));
    this.unsubscribePatrols = this.unsubscribePatrols || patrolOutbox.subscribe(() => this.showMe(this.me));
    this.unwatch = this.unwatch || (app.watchMe ? app.watchMe(({ me, savedAt }) => this.showMe(me, savedAt)) : null);
    return this.load();
  },

  onHide() {
    if (this.unsubscribe) this.unsubscribe();
    if (this.unsubscribePatrols) this.unsubscribePatrols();
    if (this.unwatch) this.unwatch();
    this.unsubscribe = null;
    this.unsubscribePatrols = null;
    this.unwatch = null;
  },

  onUnload() {
    this.onHide();
  },

  onPullDownRefresh() {
    return this.load({ refresh: true }).then(() => wx.stopPullDownRefresh());
  },

  /** /me (saved or fresh), then the to-do. */
  load({ refresh = false } = {}) {
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => app.getMe({ refresh }))
      .then((me) => {
        this.showMe(me, app.globalData ? app.globalData.meSavedAt : '');
        return this.loadTodo();
      })
      .catch((err) => {
        const launch = app.globalData && app.globalData.launchError;
        const failure = launch || err;
        this.setData({ state: 'error', error: launchErrorText(failure), offline: failure.code === 'network_error' });
      });
  },

  /** Show a /me answer (and the outbox); `savedAt` set when it is a copy kept on the phone. */
  showMe(me, savedAt) {
    if (!me) return;
    this.me = me;
    const patch = {
      state: '',
      error: '',
      ...meView(me, { received: hasReceived(), outboxCount: outbox.count(), patrolOutboxCount: patrolOutbox.count() }),
      outbox: outboxCard(outbox.summary()),
      patrolOutbox: patrolOutboxCard(patrolOutbox.summary()),
    };
    if (savedAt !== undefined) patch.savedAt = savedAt || '';
    this.setData(patch);
  },

  /** The saved to-do at once, then the fresh one; a failure keeps the saved one. */
  loadTodo() {
    const saved = todo.cached();
    if (saved) this.setData({ todo: todoCard(saved.value) });
    return todo.load()
      .then(({ value, savedAt }) => this.setData({ todo: todoCard(value), todoSavedAt: savedAt }))
      .catch(() => null);
  },

  retry() {
    const app = getApp();
    this.setData({ state: 'loading', error: '' });
    if (app.signIn && !app.globalData.me) app.ready = app.signIn();
    return this.load({ refresh: true });
  },

  openTile(event) {
    nav.open(event.currentTarget.dataset.url);
  },

  openTodo() {
    nav.open('/pages/todo/index');
  },

  openOutbox() {
    nav.open('/pages/hazards/outbox');
  },

  /** The patrol rounds waiting to be sent are listed on 今日巡查. */
  openPatrolOutbox() {
    nav.open('/pages/patrol/today');
  },
});
