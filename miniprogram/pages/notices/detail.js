/**
 * Parents: one notice — title, issuing unit, time, text, the attached image — with each child's
 * state (已确认 / 未确认), and the acknowledge action in the bar at the bottom: "确认已阅读并知晓"
 * confirms for every child not yet confirmed (one request per child, as the server wants); with
 * several children waiting, each can also be confirmed alone from its row. Once all are confirmed
 * the bar shows it. Opening the notice marks it read. The first confirmation also asks for the
 * notice and reminder pushes, in the same tap (WeChat only asks from a tap). Without signal a
 * notice opened before shows as kept on the phone, under a banner saying when.
 */
const api = require('../../api/client');
const subscribe = require('../../utils/subscribe');
const { messageIn } = require('../../api/messages');
const { noticeView, childStatus, ackBar, markReceived } = require('../../utils/notices');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const cache = require('../../utils/notice-cache');
const { alert } = require('../../utils/wxp');

Page({
  data: {
    ...loadingState(),
    savedAt: '',
    notice: null,
    acking: {},
    ackingAll: false,
  },

  onLoad(options) {
    this.noticeId = Number(options && options.id);
    this.asked = false;
    subscribe.prepare();
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** 重试 after an error: show the loading state, then load again. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** The notice with each child's state (the server marks it read); without signal, as kept. */
  load() {
    return api.call('notice', { params: { id: this.noticeId } })
      .then((notice) => {
        markReceived();
        this.raw = notice;
        cache.saveNotice(notice);
        this.setData({ ...readyState(1), savedAt: '', notice: noticeView(notice) });
      })
      .catch((err) => {
        const kept = cache.isOffline(err) ? cache.loadNotice(this.noticeId) : null;
        if (kept) {
          this.raw = kept.notice;
          this.setData({ ...readyState(1), savedAt: kept.savedAt, notice: noticeView(kept.notice) });
        } else {
          this.setData({ ...errorState(err), error: messageIn('notice', err), savedAt: '' });
        }
      });
  },

  previewAttachment() {
    const url = this.data.notice.attachment;
    if (url) wx.previewImage({ current: url, urls: [url] });
  },

  /** Still inside the tap: ask for the pushes now (once per visit); the answer doesn't matter here. */
  askPushes() {
    if (this.asked) return;
    this.asked = true;
    subscribe.request(subscribe.NOTICE_KEYS);
  },

  /** The bar's button: confirm for every child still waiting, one request each, in turn. */
  async acknowledgeAll() {
    const notice = this.data.notice;
    if (!notice || this.data.ackingAll) return;
    const ids = notice.bar.pendingIds.filter((id) => !this.data.acking[id]);
    if (!ids.length) return;
    this.setData({ ackingAll: true });
    this.askPushes();
    let failed = null;
    for (const childId of ids) {
      failed = await this.sendAck(childId);
      if (failed) break;
    }
    this.setData({ ackingAll: false });
    if (failed) await alert('确认没有成功', messageIn('notice', failed));
    else wx.showToast({ title: '已确认', icon: 'success' });
  },

  /** A child's own button (several children waiting): confirm for that child only. */
  async acknowledge(event) {
    const childId = Number(event.currentTarget.dataset.childId);
    const child = ((this.data.notice && this.data.notice.children) || []).find((c) => c.childId === childId);
    if (!child || child.acknowledged || this.data.acking[childId] || this.data.ackingAll) return;
    this.askPushes();
    const failed = await this.sendAck(childId);
    if (failed) await alert('确认没有成功', messageIn('notice', failed));
    else wx.showToast({ title: '已确认', icon: 'success' });
  },

  /** One acknowledgment; updates the child and the bar. Resolves the error, or null. */
  sendAck(childId) {
    this.setData({ [`acking.${childId}`]: true });
    return api.call('noticeAcknowledge', { params: { id: this.noticeId }, body: { child_id: childId } })
      .then((status) => {
        this.keep(status);
        const children = this.data.notice.children.map((c) => (c.childId === childId ? childStatus(status) : c));
        this.setData({
          'notice.children': children,
          'notice.pending': children.some((c) => !c.acknowledged),
          'notice.bar': ackBar(children),
        });
        return null;
      })
      .catch((err) => err)
      .then((err) => {
        this.setData({ [`acking.${childId}`]: false });
        return err;
      });
  },

  /** The kept copy learns a child's acknowledgment, so it shows offline too. */
  keep(status) {
    if (!this.raw) return;
    const children = (this.raw.children || []).map((c) => (c.child_id === status.child_id ? { ...c, ...status } : c));
    this.raw = { ...this.raw, children };
    cache.saveNotice(this.raw);
  },
});
