/**
 * 督导检查 (visit.record, or hazard.view at a visited school): the visits one may see, newest
 * visit date first (GET /visits, paged by `next_offset` on scroll): date, title, schools, team
 * size, 未公开 for an unannounced one, status. A tap opens the visit; 记录督导检查 for those who
 * record visits at a unit above schools.
 */
const api = require('../../api/client');
const { open } = require('../../utils/nav');
const { visitRow, visitingUnits } = require('../../utils/visits');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

const PAGE_SIZE = 20;

/** The offset of the next page, or null at the end. */
const nextOf = (res) => (typeof res.next_offset === 'number' ? res.next_offset : null);

Page({
  data: {
    ...loadingState(),
    rows: [],
    nextOffset: null,
    loadingMore: false,
    moreError: '',
    mayRecord: false,
  },

  /** Who may record, then the first page. */
  async onLoad() {
    const me = await getApp().getMe().catch(() => null);
    const caps = (me && me.capabilities) || [];
    this.setData({ mayRecord: caps.includes('visit.record') && visitingUnits(me).length > 0 });
    return this.load();
  },

  /** Back from a visit recorded or changed: the list again. */
  onShow() {
    if (this.shown) this.load();
    this.shown = true;
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

  /** The first page. */
  load() {
    return api.call('visits', { query: { limit: PAGE_SIZE, offset: 0 } })
      .then((res) => {
        const rows = (res.visits || []).map((v) => visitRow(v));
        this.setData({ ...readyState(rows.length), rows, nextOffset: nextOf(res), moreError: '' });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** Scrolled to the end: the next page. */
  onReachBottom() {
    return this.loadMore();
  },

  /** The page after the last row (its failure shown under the list, with 重试). */
  loadMore() {
    const { nextOffset, loadingMore } = this.data;
    if (nextOffset === null || nextOffset === undefined || loadingMore) return Promise.resolve();
    this.setData({ loadingMore: true, moreError: '' });
    return api.call('visits', { query: { limit: PAGE_SIZE, offset: nextOffset } })
      .then((res) => {
        const seen = new Set(this.data.rows.map((r) => r.id));
        const rows = this.data.rows.concat((res.visits || []).map((v) => visitRow(v)).filter((r) => !seen.has(r.id)));
        this.setData({ rows, nextOffset: nextOf(res), loadingMore: false });
      })
      .catch((err) => this.setData({ loadingMore: false, moreError: err.message }));
  },

  /** A visit's row: its page. */
  openVisit(event) {
    open(`/pages/supervision/visit?id=${event.currentTarget.dataset.id}`);
  },

  /** 记录督导检查. */
  create() {
    open('/pages/supervision/visit-edit');
  },
});
