/**
 * The outbox: hazard reports kept on the phone until they are sent (utils/outbox.js), with their
 * state and error, "立即发送", and retry or delete for each.
 */
const outbox = require('../../utils/outbox');
const { formatDateTime } = require('../../utils/format');
const { modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');

function entryRow(entry) {
  let statusText = '等待发送';
  let statusType = 'warning';
  if (entry.sending) {
    statusText = '发送中';
    statusType = 'primary';
  } else if (entry.status === 'failed') {
    statusText = '发送失败';
    statusType = 'danger';
  }
  return {
    id: entry.id,
    title: entry.title || '隐患',
    label: `${entry.school ? `${entry.school} · ` : ''}${formatDateTime(entry.createdAt)} 保存 · ${entry.photos.length} 张照片`,
    description: entry.report && entry.report.description ? entry.report.description : '',
    thumb: entry.photos[0] || '',
    statusText,
    statusType,
    error: entry.error || '',
    failed: entry.status === 'failed',
    sending: Boolean(entry.sending),
  };
}

Page({
  data: {
    entries: [],
    flushing: false,
  },

  onShow() {
    this.unsubscribe = this.unsubscribe || outbox.subscribe(() => this.refresh());
    this.refresh();
  },

  onHide() { this.stopWatching(); },
  onUnload() { this.stopWatching(); },

  stopWatching() {
    if (this.unsubscribe) this.unsubscribe();
    this.unsubscribe = null;
  },

  refresh() {
    this.setData({ entries: outbox.list().map(entryRow), flushing: outbox.isFlushing() });
  },

  sendNow() {
    this.setData({ flushing: true });
    return outbox.flush().then((result) => {
      this.refresh();
      if (result.offline) wx.showToast({ title: '网络不可用，请稍后再试', icon: 'none' });
      else if (result.sent) wx.showToast({ title: `已发送 ${result.sent} 条`, icon: 'success' });
    });
  },

  retry(event) {
    const { id } = event.currentTarget.dataset;
    this.setData({ flushing: true });
    return outbox.retry(id).then(() => this.refresh());
  },

  remove(event) {
    const { id } = event.currentTarget.dataset;
    return modal({
      title: '删除待发送的隐患',
      content: '删除后这条隐患和它的照片将不会上报。确定删除吗？',
      confirmText: '删除',
      confirmColor: COLORS.danger,
    }).then((answer) => {
      if (!answer.confirm) return;
      if (!outbox.remove(id)) wx.showToast({ title: '正在发送，请稍候', icon: 'none' });
      this.refresh();
    });
  },

  preview(event) {
    wx.previewImage({ current: event.currentTarget.dataset.url, urls: [event.currentTarget.dataset.url] });
  },
});
