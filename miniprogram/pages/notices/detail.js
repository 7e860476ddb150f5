/**
 * Parents: one notice — title, issuing unit, time, text, the attached image — and a
 * "确认已阅（孩子名）" button per child (a parent with two children confirms for each). Opening it
 * marks it read for every child. The first confirmation also asks for the notice and reminder
 * pushes, in the same tap (WeChat only asks from a tap).
 */
const api = require('../../api/client');
const subscribe = require('../../utils/subscribe');
const { messageIn } = require('../../api/messages');
const { noticeView, childStatus, markReceived } = require('../../utils/notices');
const { alert } = require('../../utils/wxp');

Page({
  data: {
    loading: true,
    error: '',
    notice: null,
    acking: {},
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

  load() {
    return api.call('notice', { params: { id: this.id } })
      .then((notice) => {
        markReceived();
        this.setData({ loading: false, error: '', notice: noticeView(notice) });
      })
      .catch((err) => this.setData({ loading: false, error: messageIn('notice', err) }));
  },

  previewAttachment() {
    const url = this.data.notice.attachment;
    if (url) wx.previewImage({ current: url, urls: [url] });
  },

  /** A tap on a child's button: acknowledge for that child (once; a repeat is ignored). */
  acknowledge(event) {
    const childId = Number(event.currentTarget.dataset.childId);
    const child = (this.data.notice.children || []).find((c) => c.childId === childId);
    if (!child || child.acknowledged || this.data.acking[childId]) return Promise.resolve();
    this.setData({ [`acking.${childId}`]: true });
    const sending = api.call('noticeAcknowledge', { params: { id: this.id }, body: { child_id: childId } });
    // Still inside the tap: ask for the pushes now (once per visit); the answer doesn't matter here.
    if (!this.asked) {
      this.asked = true;
      subscribe.request(subscribe.NOTICE_KEYS);
    }
    return sending
      .then((status) => {
        const children = this.data.notice.children.map((c) => (c.childId === childId ? childStatus(status) : c));
        this.setData({ 'notice.children': children, 'notice.pending': children.some((c) => !c.acknowledged) });
        wx.showToast({ title: '已确认', icon: 'success' });
      })
      .catch((err) => alert('确认没有成功', messageIn('notice', err)))
      .then(() => this.setData({ [`acking.${childId}`]: false }));
  },
});
