/**
 * App entry: installs the privacy hook and gets the signed-in user ready, without needing signal.
 *
 * - With a token and a saved /me on the phone (utils/cache.js), the app does NOT log in again: the
 *   saved /me is used at once and refreshed in the background. Logging in happens only when there
 *   is no token, or when a call answers 401 (api/client.js then logs in quietly and repeats it).
 * - The first start ever without signal leaves `launchError` (a network error) for the home page,
 *   which says so and offers 重试 (signIn).
 * - When the signal returns (wx.onNetworkStatusChange) the app refreshes /me, the campaign, the
 *   schools one may report at and the to-do, and the outboxes (hazard reports, utils/outbox.js;
 *   patrol rounds, utils/patrol-outbox.js) send what waits; they also send each time the app shows.
 * - The tab badges: 消息 follows the unread count (utils/unread.js), 待办 the to-do total
 *   (utils/todo.js); both are refreshed each time the app shows.
 *
 * Pages read the user with `getApp().getMe()`; `getApp().watchMe(fn)` tells them of a newer /me or
 * that the one shown is a saved copy (`{me, savedAt}`: savedAt '' when fresh). Pages that change
 * grants or children call `getApp().getMe({ refresh: true })`.
 */
const api = require('./api/client');
const session = require('./utils/session');
const cache = require('./utils/cache');
const privacy = require('./utils/privacy');
const outbox = require('./utils/outbox');
const patrolOutbox = require('./utils/patrol-outbox');
const unread = require('./utils/unread');
const todo = require('./utils/todo');
const badges = require('./utils/badges');
const { fetchCampaign } = require('./utils/campaign');
const { fetchSchools } = require('./utils/hazard-report');

const can = (me, capability) => Boolean(me) && (me.capabilities || []).includes(capability);

App({
  globalData: {
    me: null,
    meSavedAt: '',
    launchError: null,
  },

  onLaunch() {
    this.meListeners = [];
    privacy.install();
    unread.subscribe((n) => badges.setUnread(n));
    todo.subscribe((n) => badges.setTodo(n));
    this.ready = this.start();
    outbox.installAutoFlush();
    if (typeof wx.onNetworkStatusChange === 'function') {
      wx.onNetworkStatusChange((res) => {
        if (res && res.isConnected) this.refreshAll();
      });
    }
  },

  onShow() {
    this.flushOutbox();
    this.refreshUnread();
    this.refreshTodo();
  },

  /** The saved /me at once when a token is stored (refreshed behind), else a sign-in. */
  start() {
    const saved = session.getToken() ? cache.load('me') : null;
    if (!saved) return this.signIn();
    this.setMe(saved.value, '');
    this.getMe({ refresh: true })
      .then(() => this.refreshReportData())
      .catch(() => null);
    return Promise.resolve(saved.value);
  },

  /** Load /me (logging in first when there is no token); resolves with /me, or null after storing the error. */
  signIn() {
    this.globalData.launchError = null;
    return this.getMe({ refresh: true })
      .then((me) => {
        this.refreshReportData();
        return me;
      })
      .catch((err) => {
        this.globalData.launchError = err;
        return null;
      });
  },

  /**
   * The /me in memory, or the one being fetched; `refresh` asks the server (after a change). A
   * refresh that fails for want of network resolves with the saved copy, marked stale.
   */
  getMe({ refresh = false } = {}) {
    if (!refresh && this.globalData.me) return Promise.resolve(this.globalData.me);
    if (this.mePromise) return this.mePromise;
    const request = cache.fetch('me', () => api.call('me')).then(
      ({ value, savedAt }) => {
        this.mePromise = null;
        this.setMe(value, savedAt);
        return value;
      },
      (err) => {
        this.mePromise = null;
        throw err;
      },
    );
    this.mePromise = request;
    return request;
  },

  /** Keep /me (and whether it is a saved copy) and tell the pages watching. */
  setMe(me, savedAt) {
    this.globalData.me = me;
    this.globalData.meSavedAt = savedAt || '';
    if (me) this.globalData.launchError = null;
    (this.meListeners || []).slice().forEach((fn) => fn({ me, savedAt: savedAt || '' }));
  },

  /** Call `fn({me, savedAt})` whenever /me changes; returns the function that stops it. */
  watchMe(fn) {
    this.meListeners = this.meListeners || [];
    this.meListeners.push(fn);
    return () => {
      this.meListeners = this.meListeners.filter((f) => f !== fn);
    };
  },

  /** Save the campaign and the schools for reporters, so the report page opens offline. */
  refreshReportData() {
    if (!can(this.globalData.me, 'hazard.report')) return Promise.resolve(null);
    return Promise.all([fetchCampaign(), fetchSchools()]).catch(() => null);
  },

  /** The signal is back: refresh what is kept on the phone and send the outbox; never rejects. */
  refreshAll() {
    return Promise.resolve(this.ready)
      .then(() => this.getMe({ refresh: true }))
      .then(() => Promise.all([
        this.refreshReportData(),
        this.flushOutbox(),
        this.refreshTodo(),
        this.refreshUnread(),
      ]))
      .catch(() => null);
  },

  /** After the launch, the unread count for users with an inbox; never rejects. */
  refreshUnread() {
    return Promise.resolve(this.ready)
      .then(() => (can(this.globalData.me, 'inbox.view') ? unread.refresh() : null))
      .catch(() => null);
  },

  /** After the launch, the to-do (its total goes to the 待办 badge); never rejects. */
  refreshTodo() {
    return Promise.resolve(this.ready)
      .then((me) => (me || this.globalData.me ? todo.load() : null))
      .catch(() => null);
  },

  /** Send what waits in the outboxes (reports, then patrol rounds), after the launch; never rejects. */
  flushOutbox() {
    if (!outbox.count() && !patrolOutbox.count()) return Promise.resolve(null);
    return Promise.resolve(this.ready)
      .then(() => (outbox.count() ? outbox.flush() : null))
      .then((result) => patrolOutbox.flush().then(() => result))
      .catch(() => null);
  },
});
