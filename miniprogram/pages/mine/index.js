/**
 * 我的: one's name (editable), mobile number, roles with their units, the ways to join a unit
 * (邀请码) and, for staff, to bind a child, which WeChat subscription messages are on (only those
 * whose messages reach this person: one-time grants left, long-term, used up or off, with 开启 to
 * ask again for the ones off), and logging out (which forgets what the phone kept: utils/cache.js).
 * Without signal it shows the /me kept on the phone, with the stale banner.
 */
const api = require('../../api/client');
const session = require('../../utils/session');
const cache = require('../../utils/cache');
const { loadingState, errorState } = require('../../utils/page-state');
const { grantLabel } = require('../../utils/format');
const profile = require('../../utils/profile');
const subscribe = require('../../utils/subscribe');
const { alert } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');

/**
 * "剩余 2 次" / "已开启（长期）" / "已用完" / "未开启" for one of utils/subscribe.js applicable(),
 * as rows of the page.
 */
function subscriptionRows() {
  return subscribe.applicable().map((s) => {
    let text = '未开启';
    if (s.on) text = s.remaining > 0 ? `剩余 ${s.remaining} 次` : '已开启（长期）';
    else if (s.usedUp) text = '已用完';
    return { key: s.key, title: s.title, on: s.on, text };
  });
}

/** Page data for a /me answer. */
function viewOf(me) {
  const user = me.user || {};
  return {
    name: user.display_name || '',
    nameUnderReview: Boolean(user.name_under_review),
    phone: user.phone || '',
    grants: (me.grants || []).map((grant) => ({ id: grant.id, label: grantLabel(grant) })),
    // Parents and people new to the app bind children from the home page; staff from here.
    bindHere: (me.grants || []).length > 0,
  };
}

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    savedAt: '',
    bindHere: false,
    avatarUrl: '',
    name: '',
    nameUnderReview: false,
    phone: '',
    grants: [],
    subscriptions: [],
    anyOff: false,
    subscribing: false,
    editing: false,
    draftName: '',
    draftPhone: '',
    nameError: '',
    phoneError: '',
    saving: false,
    loggedOut: false,
  },

  onShow() {
    if (this.data.loggedOut) return Promise.resolve();
    this.setData({ avatarUrl: profile.savedAvatar() });
    return this.load();
  },

  load() {
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => Promise.all([
        app.getMe({ refresh: true }),
        subscribe.load().catch(() => null),
      ]))
      .then(([me, loaded]) => {
        const savedAt = (app.globalData && app.globalData.meSavedAt) || '';
        this.setData({ state: '', error: '', savedAt, ...viewOf(me), ...this.subscriptionsView(loaded) });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** The subscription rows and whether 开启 shows; none when the templates did not load. */
  subscriptionsView(loaded = true) {
    const subscriptions = loaded ? subscriptionRows() : [];
    return { subscriptions, anyOff: subscriptions.some((s) => !s.on) };
  },

  /**
   * 开启 (a tap: WeChat is asked before anything is awaited): the templates reaching this person
   * that are off or used up, at most 3 at a time (a second tap asks for the rest).
   */
  turnOn() {
    if (this.data.subscribing) return Promise.resolve();
    const asking = subscribe.request(subscribe.offKeys());
    this.setData({ subscribing: true });
    return asking.then((outcome) => {
      this.setData({ subscribing: false });
      if (!outcome.supported) return alert('无法开启提醒', '当前微信版本不支持订阅消息，请升级微信后再试。');
      if (!outcome.ready) {
        wx.showToast({ title: '正在准备，请稍后再点一次', icon: 'none' });
        return null;
      }
      if (outcome.asked.length && !outcome.accepted) {
        wx.showToast({ title: '没有开启提醒，可在右上角“…”→设置中修改', icon: 'none' });
      }
      return outcome.reported.then(() => this.setData(this.subscriptionsView()));
    });
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  retry() {
    this.setData(loadingState());
    return this.load();
  },

  onChooseAvatar(event) {
    this.setData({ avatarUrl: profile.saveAvatar(event.detail.avatarUrl) });
  },

  edit() {
    this.setData({
      editing: true, draftName: this.data.name, draftPhone: this.data.phone, nameError: '', phoneError: '',
    });
  },

  cancelEdit() {
    this.setData({ editing: false });
  },

  onNameInput(event) {
    this.setData({ draftName: event.detail.value, nameError: '' });
  },

  onNameReview(event) {
    if (event.detail && event.detail.pass === false) {
      this.setData({ draftName: '', nameError: '这个名字未通过微信审核，请换一个' });
    }
  },

  onPhoneInput(event) {
    this.setData({ draftPhone: event.detail, phoneError: '' });
  },

  /** PATCH /me with the new name and phone (an emptied phone is removed). */
  save() {
    const name = String(this.data.draftName || '').trim();
    const phone = String(this.data.draftPhone || '').trim();
    const nameError = profile.nameProblem(name);
    const phoneError = profile.phoneProblem(phone);
    if (nameError || phoneError) {
      this.setData({ nameError, phoneError });
      return Promise.resolve();
    }
    this.setData({ saving: true });
    return api.call('profileUpdate', { body: { display_name: name, phone: phone || null } })
      .then((user) => {
        this.setData({
          saving: false,
          editing: false,
          name: user.display_name || '',
          nameUnderReview: Boolean(user.name_under_review),
          phone: user.phone || '',
        });
        // A name held by WeChat's content check: others see it once the school's admin releases it.
        wx.showToast({ title: user.name_under_review ? '已保存，姓名审核中' : '已保存', icon: user.name_under_review ? 'none' : 'success' });
        return getApp().getMe({ refresh: true }).catch(() => null);
      })
      .catch((err) => this.setData({ saving: false, nameError: err.message }));
  },

  /** Revoke this token on the server, then forget it here as utils/session.js does. */
  logout() {
    wx.showModal({
      title: '退出登录',
      content: '退出后需要重新打开小程序登录。确定退出吗？',
      confirmText: '退出',
      confirmColor: COLORS.danger,
      success: (res) => {
        if (!res.confirm) return;
        api.call('logout')
          .catch(() => null) // An expired token is logged out already.
          .then(() => {
            session.clearToken();
            cache.clearAll();
            const app = getApp();
            app.globalData.me = null;
            this.setData({ loggedOut: true });
          });
      },
    });
  },

  /** Sign in again (a fresh wx.login) from the home page. */
  signInAgain() {
    const app = getApp();
    if (app.signIn) app.ready = app.signIn();
    wx.reLaunch({ url: '/pages/index/index' });
  },
});
