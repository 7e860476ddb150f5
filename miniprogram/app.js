/**
 * App entry: installs the privacy hook and signs the user in at launch
 * (wx.login -> POST /api/v1/auth/login -> token stored -> GET /api/v1/me).
 * Sends the hazard reports waiting in the outbox (utils/outbox.js) each time the app shows and
 * whenever the network comes back, and refreshes the inbox's unread count (utils/unread.js) each
 * time the app shows.
 *
 * Pages read the signed-in user with `getApp().getMe()`; pages that change grants or children call
 * `getApp().getMe({ refresh: true })` so the home page shows the change on return.
 */
const api = require('./api/client');
const privacy = require('./utils/privacy');
const outbox = require('./utils/outbox');
const unread = require('./utils/unread');

App({
  globalData: {
    me: null,
    launchError: null,
  },

  onLaunch() {
    privacy.install();
    this.ready = this.signIn();
    outbox.installAutoFlush();
  },

  onShow() {
    this.flushOutbox();
    this.refreshUnread();
  },

  /** After the launch sign-in, the unread count for users with an inbox; never rejects. */
  refreshUnread() {
    return Promise.resolve(this.ready)
      .then(() => {
        const me = this.globalData.me;
        return me && (me.capabilities || []).includes('inbox.view') ? unread.refresh() : null;
      })
      .catch(() => null);
  },

  /** Send what waits in the outbox, after the launch sign-in; never rejects. */
  flushOutbox() {
    if (!outbox.count()) return Promise.resolve(null);
    return Promise.resolve(this.ready)
      .then(() => outbox.flush())
      .catch(() => null);
  },

  /** Log in and load /me; resolves with /me, or with null after storing the error for pages. */
  signIn() {
    this.globalData.launchError = null;
    return api.login()
      .then(() => this.getMe({ refresh: true }))
      .catch((err) => {
        this.globalData.launchError = err;
        return null;
      });
  },

  /**
   * The cached /me, or the one being fetched; `refresh` fetches a new one (after a change).
   */
  getMe({ refresh = false } = {}) {
    if (!refresh && this.globalData.me) return Promise.resolve(this.globalData.me);
    if (!refresh && this.mePromise) return this.mePromise;
    const request = api.call('me').then(
      (me) => {
        if (this.mePromise === request) this.mePromise = null;
        this.globalData.me = me;
        this.globalData.launchError = null;
        return me;
      },
      (err) => {
        if (this.mePromise === request) this.mePromise = null;
        throw err;
      },
    );
    this.mePromise = request;
    return request;
  },
});
