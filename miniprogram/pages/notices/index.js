/**
 * Parents: the notices that reached them, newest first, with each child's state (已确认 /
 * 未确认), and "订阅通知提醒" to allow WeChat pushes of new notices and reminders. Without signal
 * the list last seen shows, under a banner saying when it was saved.
 */
const api = require('../../api/client');
const subscribe = require('../../utils/subscribe');
const { messageIn } = require('../../api/messages');
const { noticeRow, markReceived } = require('../../utils/notices');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const cache = require('../../utils/notice-cache');
const { alert } = require('../../utils/wxp');

const PAGE_SIZE = 20;

Page({
  data: {
    ...loadingState(),
    savedAt: '',
    rows: [],
    nextBeforeId: null,
    loadingMore: false,
    subscribing: false,
    push: '', // what is on: utils/subscribe.js summary()
  },

  /** The reminders' state and the first page of notices. */
  onLoad() {
    this.showPush();
    this.loaded = false;
    return this.load();
  },

  onShow() {
    // Back from a notice: its read and acknowledged states have changed (and a push may have
    // spent a grant: the templates reload when stale).
    if (this.loaded) {
      this.showPush();
      this.load();
    }
  },

  /** Load the templates (when stale) and show whether the reminders are on or used up. */
  showPush() {
    return subscribe.prepare().then(() => this.setData({ push: subscribe.summary(subscribe.NOTICE_KEYS) }));
  },

  /** Pulled down: the newest notices again. */
  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** Scrolled to the end: the next page. */
  onReachBottom() {
    return this.loadMore();
  },

  /** 重试 after an error: show the loading state, then load again. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** The newest page of notices; without signal, the page kept on the phone. */
  load() {
    return api.call('noticesMine', { query: { limit: PAGE_SIZE } })
      .then((res) => {
        const notices = res.notices || [];
        if (notices.length) markReceived();
        cache.saveList(res);
        this.loaded = true;
        this.show(res, '');
      })
      .catch((err) => {
        const kept = cache.isOffline(err) ? cache.loadList() : null;
        if (kept) this.show({ ...kept, next_before_id: null }, kept.savedAt);
        else this.setData({ ...errorState(err), error: messageIn('notice', err), savedAt: '' });
      });
  },

  /** Show a page of notices, fresh (savedAt '') or kept on the phone. */
  show(res, savedAt) {
    const notices = res.notices || [];
    this.setData({
      ...readyState(notices.length),
      savedAt,
      rows: notices.map(noticeRow),
      nextBeforeId: res.next_before_id || null,
    });
  },

  /** The next page of older notices, once the list is scrolled to its end. */
  loadMore() {
    const { nextBeforeId, state, loadingMore } = this.data;
    if (!nextBeforeId || state || loadingMore) return Promise.resolve();
    this.setData({ loadingMore: true });
    return api.call('noticesMine', { query: { before_id: nextBeforeId, limit: PAGE_SIZE } })
      .then((res) => this.setData({
        loadingMore: false,
        rows: this.data.rows.concat((res.notices || []).map(noticeRow)),
        nextBeforeId: res.next_before_id || null,
      }))
      .catch((err) => {
        this.setData({ loadingMore: false });
        wx.showToast({ title: err.message, icon: 'none' });
      });
  },

  /** A tap on a notice: its detail, where it is confirmed. */
  openNotice(event) {
    wx.navigateTo({ url: `/pages/notices/detail?id=${event.currentTarget.dataset.id}` });
  },

  /** A tap: wx.requestSubscribeMessage is called right away, before anything is awaited. */
  subscribeReminders() {
    if (this.data.subscribing) return Promise.resolve();
    const asking = subscribe.request(subscribe.NOTICE_KEYS);
    this.setData({ subscribing: true });
    return asking.then((outcome) => {
      this.setData({ subscribing: false });
      outcome.reported.then(() => this.setData({ push: subscribe.summary(subscribe.NOTICE_KEYS) }));
      if (!outcome.supported) return alert('无法开启提醒', '当前微信版本不支持订阅消息，请升级微信后再试。');
      if (!outcome.ready) {
        wx.showToast({ title: '正在准备，请稍后再点一次', icon: 'none' });
      } else if (!outcome.asked.length) {
        wx.showToast({ title: '暂时无法开启提醒', icon: 'none' });
      } else if (outcome.accepted) {
        wx.showToast({ title: '已开启通知提醒', icon: 'success' });
      } else {
        wx.showToast({ title: '没有开启提醒，可在右上角“…”→设置中修改', icon: 'none' });
      }
      return null;
    });
  },
});
