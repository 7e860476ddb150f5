/**
 * 首页: who the user is (roles as people say them, children), then what their role does first
 * (utils/home.js homeRoles): a patrol person's 今日巡查 card (today's counts, the round due next,
 * 扫码巡查 and 上报隐患), a safety officer's 待办 card (counts from the saved or fresh to-do,
 * tapping opens the 待办 tab), a parent's notices still to acknowledge; 待发送 cards when reports
 * or patrol rounds wait, and the tiles their capabilities allow (utils/tiles.js). It opens at once
 * from the /me (and today's patrols) kept on the phone; when a copy shows because the network
 * failed, the stale banner says since when. The first start ever without signal says so in words,
 * with 重试.
 */
const api = require('../../api/client');
const cache = require('../../utils/cache');
const subscribe = require('../../utils/subscribe');
const { scanAndOpen } = require('../../utils/patrol-scan');
const outbox = require('../../utils/outbox');
const patrolOutbox = require('../../utils/patrol-outbox');
const todo = require('../../utils/todo');
const nav = require('../../utils/nav');
const { hasReceived } = require('../../utils/notices');
const {
  meView, todoCard, noticesCard, patrolCard, outboxCard, patrolOutboxCard, launchErrorText,
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
    cards: [],
    patrolHome: false,
    parentHome: false,
    patrol: null,
    patrolSavedAt: '',
    notices: null,
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
    // Each showing asks afresh at its first tap (a grant may have been used up meanwhile).
    this.pushAsked = null;
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

  /** /me (saved or fresh), then the to-do and, for a patrol person, today's patrols. */
  load({ refresh = false } = {}) {
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => app.getMe({ refresh }))
      .then((me) => {
        this.showMe(me, app.globalData ? app.globalData.meSavedAt : '');
        return Promise.all([this.loadTodo(), this.data.patrolHome ? this.loadPatrols() : null]);
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
    subscribe.prepare(); // so that the 待办 card can ask for the pushes inside the tap
    const saved = todo.cached();
    if (saved) this.setData({ todo: todoCard(saved.value), notices: noticesCard(saved.value) });
    return todo.load()
      .then(({ value, savedAt }) => this.setData({ todo: todoCard(value), notices: noticesCard(value), todoSavedAt: savedAt }))
      .catch(() => null);
  },

  /** GET /patrols/today, or the copy on the phone when the network failed (stale banner). */
  loadPatrols() {
    subscribe.prepare(); // so that 扫码巡查 can ask for the patrol pushes inside the tap
    if (!this.data.patrol) this.setData({ patrol: patrolCard(null) });
    return cache.fetch('patrols_today', () => api.call('patrolsToday'))
      .then(({ value, savedAt }) => this.setData({ patrol: patrolCard(value), patrolSavedAt: savedAt || '' }))
      .catch(() => this.setData({ patrol: patrolCard(null, { failed: true }), patrolSavedAt: '' }));
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

  /** The 待办 card; its tap asks for the pushes of what awaits this person (as 待办's entries do). */
  openTodo() {
    subscribe.askOnce(this, subscribe.AWAITING_KEYS);
    nav.open('/pages/todo/index');
  },

  /** The 今日巡查 card opens the day's list. */
  openPatrol() {
    nav.open('/pages/patrol/today');
  },

  /** 扫码巡查 on the card: the same flow as 今日巡查's button. */
  scan() {
    return scanAndOpen(this);
  },

  /** 上报隐患 on the card. */
  report() {
    nav.open('/pages/hazards/report');
  },

  /** The notices card: the one notice waiting, or the list. */
  openNotices() {
    nav.open(this.data.notices.url);
  },

  /** Stops a tap on the card's buttons from also opening the card. */
  noop() {},

  openOutbox() {
    nav.open('/pages/hazards/outbox');
  },

  /** The patrol rounds waiting to be sent are listed on 今日巡查. */
  openPatrolOutbox() {
    nav.open('/pages/patrol/today');
  },
});
