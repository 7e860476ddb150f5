/**
 * Parents: one notice — title, issuing unit, time, text, the attached image — with each child's
 * state (已确认 / 未确认), and the acknowledge action in the bar at the bottom: "确认已阅读并知晓"
 * confirms for every child not yet confirmed (one request per child, as the server wants); with
 * several children waiting, each can also be confirmed alone from its row. Once all are confirmed
 * the bar shows it. Opening the notice marks it read. The first confirmation also asks for the
 * notice and reminder pushes, in the same tap (WeChat only asks from a tap).
 */
const api = require('../../api/client');
const subscribe = require('../../utils/subscribe');
const { messageIn } = require('../../api/messages');
const { noticeView, childStatus, ackBar, markReceived } = require('../../utils/notices');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const { alert } = require('../../utils/wxp');

Page({
  data: {
    ...loadingState(),
    notice: null,
    acking: {},
    ackingAll: false,
  },

  onLoad(options) {
    this.id = Number(options && options.id);
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

  /** The notice with each child's state (the server marks it read). */
  load() {
    return api.call('notice', { params: { id: this.id } })
      .then((notice) => {
        markReceived();
        this.setData({ ...readyState(1), notice: noticeView(notice) });
      })
      .catch((err) => this.setData({ ...errorState(err), error: messageIn('notice', err) }));
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
    return api.call('noticeAcknowledge', { params: { id: this.id }, body: { child_id: childId } })
      .then((status) => {
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
});
