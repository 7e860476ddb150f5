/**
 * The outbox: hazard reports kept on the phone until they are sent (utils/outbox.js). Each entry
 * shows its state (等待发送 / 发送中 / 发送失败) and, in plain words, why it is still here, with
 * 重试 and 删除; 全部重试 at the bottom sends everything again.
 */
const outbox = require('../../utils/outbox');
const { formatDateTime } = require('../../utils/format');
const { tagType } = require('../../utils/tone');
const { modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { flushToast } = require('../../utils/report-send');

const STATES = {
  waiting: '等待发送',
  sending: '发送中',
  failed: '发送失败',
};

/** The state of an entry: 'sending', 'failed' or 'waiting'. */
function stateOf(entry) {
  if (entry.sending) return 'sending';
  return entry.status === 'failed' ? 'failed' : 'waiting';
}

/** Why the entry is still on the phone, for people. */
function reasonOf(entry, state) {
  if (state === 'sending') return '正在上传照片和隐患信息…';
  if (entry.error) return entry.error;
  return entry.attempts ? '上次没有发送成功，会自动再试' : '等待联网后自动发送';
}

/** A row of the list for an outbox entry. */
function entryRow(entry) {
  const state = stateOf(entry);
  const description = entry.report && entry.report.description ? entry.report.description : '';
  const tried = entry.lastTriedAt ? ` · 最近尝试 ${formatDateTime(entry.lastTriedAt)}` : '';
  return {
    id: entry.id,
    title: description.split('\n')[0] || entry.title || '隐患',
    label: [entry.title, entry.school, `${formatDateTime(entry.createdAt)} 保存`, `${entry.photos.length} 张照片`]
      .filter(Boolean).join(' · ') + tried,
    thumb: entry.photos[0] || '',
    statusText: STATES[state],
    statusType: tagType('outbox', state),
    reason: reasonOf(entry, state),
    failed: state === 'failed',
    sending: state === 'sending',
  };
}

Page({
  data: {
    state: '',
    entries: [],
    failedCount: 0,
    flushing: false,
  },

  onShow() {
    this.unsubscribe = this.unsubscribe || outbox.subscribe(() => this.refresh());
    this.refresh();
  },

  onHide() { this.stopWatching(); },
  onUnload() { this.stopWatching(); },

  onPullDownRefresh() {
    this.refresh();
    wx.stopPullDownRefresh();
  },

  stopWatching() {
    if (this.unsubscribe) this.unsubscribe();
    this.unsubscribe = null;
  },

  refresh() {
    const entries = outbox.list().map(entryRow);
    this.setData({
      state: entries.length ? '' : 'empty',
      entries,
      failedCount: entries.filter((e) => e.failed).length,
      flushing: outbox.isFlushing(),
    });
  },

  /** 全部重试: failed ones again, and everything waiting. */
  retryAll() {
    this.setData({ flushing: true });
    return outbox.retryAll().then((result) => {
      this.refresh();
      const toast = flushToast(result);
      if (toast) wx.showToast(toast);
    });
  },

  retry(event) {
    const { id } = event.currentTarget.dataset;
    this.setData({ flushing: true });
    return outbox.retry(id).then((result) => {
      this.refresh();
      if (result.offline) wx.showToast({ title: '网络不可用，联网后会自动发送', icon: 'none' });
    });
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
