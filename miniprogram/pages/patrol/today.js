/**
 * 今日巡查: the caller's slots today grouped by what to do (现在该巡查, 稍后, 已完成, 已错过) with
 * their windows and the counts, the rounds still waiting on the phone (the patrol outbox), and
 * the big 扫码巡查 button; 上报隐患 is one tap away. Works offline from the copy kept on the phone.
 */
const api = require('../../api/client');
const { followsOutbox } = require('../../utils/outbox-watch');
const cache = require('../../utils/cache');
const nav = require('../../utils/nav');
const patrolOutbox = require('../../utils/patrol-outbox');
const { flushToast } = require('../../utils/report-send');
const { slotSections, countsText } = require('../../utils/patrols');
const { scanAndOpen } = require('../../utils/patrol-scan');
const subscribe = require('../../utils/subscribe');
const { tagType } = require('../../utils/tone');
const { modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { loadingState, errorState } = require('../../utils/page-state');

/** The rounds waiting on the phone, as rows. */
function queuedRows() {
  return patrolOutbox.list().map((entry) => {
    let status = entry.status === 'failed' ? 'failed' : 'waiting';
    if (entry.sending) status = 'sending';
    return {
      id: entry.id,
      title: entry.title,
      school: entry.school,
      statusText: { waiting: '等待发送', sending: '发送中', failed: '发送失败' }[status],
      statusType: tagType('outbox', status),
      error: entry.error || '',
      failed: status === 'failed',
    };
  });
}

Page({
  ...followsOutbox(),

  data: {
    ...loadingState(),
    savedAt: '',
    sections: [],
    countsText: '',
    queued: [],
  },

  /** Each time it shows (back from a round): the slots and the outbox as they are now. */
  onShow() {
    subscribe.prepare(); // so that the scan tap can ask for the patrol pushes at once
    this.unsubscribe = this.unsubscribe || patrolOutbox.subscribe(() => this.setData({ queued: queuedRows() }));
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

  /** GET /patrols/today (or the copy on the phone when the network failed). */
  load() {
    return cache.fetch('patrols_today', () => api.call('patrolsToday'))
      .then(({ value, savedAt }) => {
        const sections = slotSections(value.slots);
        const queued = queuedRows();
        this.setData({
          state: sections.length || queued.length ? '' : 'empty',
          error: '',
          offline: false,
          savedAt: savedAt || '',
          sections,
          countsText: countsText(value.counts),
          queued,
        });
      })
      .catch((err) => this.setData({ ...errorState(err), queued: queuedRows() }));
  },

  /**
   * 扫码巡查: the camera, then the checklist of the checkpoint scanned. The first tap also asks
   * (still inside the tap, as WeChat requires) for the pushes of rounds due and missed.
   */
  scan() {
    return scanAndOpen(this);
  },

  /** 上报隐患, for what is found outside a round. */
  report() {
    nav.open('/pages/hazards/report');
  },

  /** 我的巡查记录. */
  openHistory() {
    nav.open('/pages/patrol/history');
  },

  /** A done slot opens its round. */
  open(event) {
    const { url } = event.currentTarget.dataset;
    if (url) nav.open(url);
  },

  /** 立即发送 / 重试 the waiting rounds. */
  async sendQueued() {
    const result = await patrolOutbox.retryAll();
    const toast = flushToast(result);
    if (toast) wx.showToast({ ...toast, title: toast.title.replace('条', '轮') });
    return this.load();
  },

  /** Delete a round that cannot be sent, after a red confirmation. */
  async removeQueued(event) {
    const { id } = event.currentTarget.dataset;
    const answer = await modal({
      title: '删除这一轮巡查',
      content: '删除后这一轮巡查不会发送，需要重新扫码巡查。确定删除吗？',
      confirmText: '删除',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    patrolOutbox.remove(id);
    this.setData({ queued: queuedRows() });
  },
});
