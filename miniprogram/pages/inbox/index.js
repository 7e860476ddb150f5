/**
 * The inbox: messages newest first with unread dots, paged with `next_before_id` as the list
 * scrolls, pull-down refresh, 全部已读. Tapping a message marks it read and opens the page it
 * names when that is one of ours (a notice, a hazard; a tab page through wx.switchTab); otherwise
 * its text is shown. The unread count feeds the 消息 tab badge (utils/unread.js, through the app).
 */
const api = require('../../api/client');
const unread = require('../../utils/unread');
const { messageRow, appendRows } = require('../../utils/inbox');
const { markReceived } = require('../../utils/notices');
const { alert } = require('../../utils/wxp');
const nav = require('../../utils/nav');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

const PAGE_SIZE = 20;
const NOTICE_KINDS = ['notice', 'notice_reminder'];

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    rows: [],
    unreadCount: 0,
    nextBeforeId: null,
    loadingMore: false,
    moreError: '',
    markingAll: false,
  },

  onLoad() {
    this.seq = 0;
    return this.reload();
  },

  /** A tab page stays loaded: coming back to it shows new messages. */
  onShow() {
    if (this.shown) return this.reload();
    this.shown = true;
    return Promise.resolve();
  },

  retry() {
    return this.reload();
  },

  onPullDownRefresh() {
    return this.reload().then(() => wx.stopPullDownRefresh());
  },

  onReachBottom() {
    return this.loadMore();
  },

  /** Rows, count and cursor from a page of the inbox. */
  take(res, rows) {
    const messages = res.messages || [];
    if (messages.some((m) => NOTICE_KINDS.includes(m.kind))) markReceived();
    this.showCount(res.unread_count);
    this.setData({ rows, nextBeforeId: res.next_before_id || null });
  },

  showCount(n) {
    const count = Math.max(0, Number(n) || 0);
    this.setData({ unreadCount: count });
    unread.set(count);
  },

  reload() {
    this.seq += 1;
    const seq = this.seq;
    // Rows already shown stay while the new ones load (coming back to the tab).
    this.setData(this.data.rows.length ? { moreError: '' } : { ...loadingState(), moreError: '' });
    return api.call('inbox', { query: { limit: PAGE_SIZE } })
      .then((res) => {
        if (seq !== this.seq) return;
        const rows = (res.messages || []).map(messageRow);
        this.setData(readyState(rows.length));
        this.take(res, rows);
      })
      .catch((err) => {
        if (seq === this.seq) this.setData({ ...errorState(err), rows: [] });
      });
  },

  loadMore() {
    const { nextBeforeId, state, loadingMore } = this.data;
    if (!nextBeforeId || state === 'loading' || loadingMore) return Promise.resolve();
    const seq = this.seq;
    this.setData({ loadingMore: true, moreError: '' });
    return api.call('inbox', { query: { before_id: nextBeforeId, limit: PAGE_SIZE } })
      .then((res) => {
        if (seq !== this.seq) return;
        this.setData({ loadingMore: false });
        this.take(res, appendRows(this.data.rows, res.messages || []));
      })
      .catch((err) => {
        if (seq === this.seq) this.setData({ loadingMore: false, moreError: err.message });
      });
  },

  /** Mark read (without waiting for the server), then open the message's page or show its text. */
  openMessage(event) {
    const id = Number(event.currentTarget.dataset.id);
    const index = this.data.rows.findIndex((r) => r.id === id);
    if (index < 0) return Promise.resolve();
    const row = this.data.rows[index];
    let marking = Promise.resolve();
    if (!row.read) {
      this.setData({ rows: this.data.rows.map((r) => (r.id === id ? { ...r, read: true } : r)) });
      this.showCount(this.data.unreadCount - 1);
      marking = api.call('inboxRead', { params: { id } }).catch(() => null);
    }
    if (row.url) {
      nav.open(row.url);
      return marking;
    }
    return Promise.all([marking, alert(row.title, row.body || row.title)]);
  },

  markAllRead() {
    if (this.data.markingAll || !this.data.unreadCount) return Promise.resolve();
    this.setData({ markingAll: true });
    return api.call('inboxReadAll')
      .then((res) => {
        this.setData({ markingAll: false, rows: this.data.rows.map((r) => ({ ...r, read: true })) });
        this.showCount(res && typeof res.unread_count === 'number' ? res.unread_count : 0);
      })
      .catch((err) => {
        this.setData({ markingAll: false });
        wx.showToast({ title: err.message, icon: 'none' });
      });
  },
});
