/**
 * A round's summary (`?id=`): where and by whom, its answers (a fail with its photos and the
 * hazard it became), the times (扫码 / 提交 / 服务器收到, 补传 when it was sent later), and for
 * supervisors (patrol.view) the flags the server raised (a photo used before...).
 */
const api = require('../../api/client');
const nav = require('../../utils/nav');
const { patrolView } = require('../../utils/patrols');
const { messageIn } = require('../../api/messages');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    ...loadingState(),
    patrol: null,
  },

  /** The round's id from the URL. */
  onLoad(query = {}) {
    this.id = query.id;
    return this.load();
  },

  /** Pull down: load again. */
  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** The error's 重试. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** GET /patrols/{id}, and whether the caller supervises (sees the flags). */
  load() {
    const app = getApp();
    const me = Promise.resolve(app && app.getMe ? app.getMe() : null).catch(() => null);
    return Promise.all([api.call('patrol', { params: { id: this.id } }), me])
      .then(([patrol, user]) => {
        const supervisor = Boolean(user && (user.capabilities || []).includes('patrol.view'));
        this.setData({ ...readyState(1), patrol: patrolView(patrol, { supervisor }) });
      })
      .catch((err) => this.setData(errorState({ code: err.code, message: messageIn('patrol', err) })));
  },

  /** A failed item's hazard. */
  openHazard(event) {
    nav.open(event.currentTarget.dataset.url);
  },

  /** A photo full screen. */
  previewPhoto(event) {
    const { answer, photo } = event.currentTarget.dataset;
    const urls = this.data.patrol.answers[Number(answer)].photos.map((p) => p.url);
    wx.previewImage({ urls, current: urls[Number(photo)] });
  },
});
