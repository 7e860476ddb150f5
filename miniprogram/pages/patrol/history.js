/**
 * 我的巡查记录: one's own rounds, newest first (GET /patrols?mine=1), twenty at a time: scrolling
 * to the bottom loads the next page (`before_id`). A row opens the round's summary.
 */
const api = require('../../api/client');
const nav = require('../../utils/nav');
const { patrolRow } = require('../../utils/patrols');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

const PAGE_SIZE = 20;

Page({
  data: {
    ...loadingState(),
    rows: [],
    nextBeforeId: null,
    loadingMore: false,
    moreError: '',
  },

  /** The first page. */
  onLoad() {
    return this.load();
  },

  /** Pull down: the first page again. */
  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** The error's 重试. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** The newest rounds. */
  load() {
    return api.call('patrols', { query: { mine: 1, limit: PAGE_SIZE } })
      .then((res) => {
        const rows = (res.patrols || []).map(patrolRow);
        this.setData({ ...readyState(rows.length), rows, nextBeforeId: res.next_before_id || null, moreError: '' });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** The bottom reached: the next page, if there is one. */
  onReachBottom() {
    return this.loadMore();
  },

  /** The page after the last row (its failure shown under the list, with 重试). */
  loadMore() {
    const { nextBeforeId, loadingMore } = this.data;
    if (!nextBeforeId || loadingMore) return Promise.resolve();
    this.setData({ loadingMore: true, moreError: '' });
    return api.call('patrols', { query: { mine: 1, limit: PAGE_SIZE, before_id: nextBeforeId } })
      .then((res) => {
        const seen = new Set(this.data.rows.map((r) => r.id));
        const rows = this.data.rows.concat((res.patrols || []).map(patrolRow).filter((r) => !seen.has(r.id)));
        this.setData({ rows, nextBeforeId: res.next_before_id || null, loadingMore: false });
      })
      .catch((err) => this.setData({ loadingMore: false, moreError: err.message }));
  },

  /** A row: the round's summary. */
  open(event) {
    nav.open(event.currentTarget.dataset.url);
  },
});
