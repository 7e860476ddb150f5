/**
 * The hazards in the caller's scope, newest first: filter chips (status, overdue, severity, and an
 * optional area), infinite scroll with the API's cursor, pull-down refresh.
 */
const api = require('../../api/client');
const {
  STATUS_NAMES, SEVERITIES, hazardRow, listQuery, currentVersion,
} = require('../../utils/hazards');

const PAGE_SIZE = 20;
const STATUS_CHIPS = [{ value: '', label: '全部' }].concat(
  Object.keys(STATUS_NAMES).map((value) => ({ value, label: STATUS_NAMES[value] })),
);
const ALL_AREAS = { code: '', name: '全部领域' };

Page({
  data: {
    statusChips: STATUS_CHIPS,
    severityChips: SEVERITIES,
    areas: [ALL_AREAS],
    filters: { status: '', overdue: false, severity: '', area: '' },
    areaIndex: 0,
    rows: [],
    loading: true,
    loadingMore: false,
    error: '',
    moreError: '',
    nextCursor: null,
  },

  onLoad() {
    this.seq = 0;
    this.loadAreas();
    return this.reload();
  },

  onShow() {
    // Back from a detail page where something changed: show the new state.
    if (this.version !== undefined && this.version !== currentVersion()) this.reload();
  },

  onPullDownRefresh() {
    return this.reload().then(() => wx.stopPullDownRefresh());
  },

  onReachBottom() {
    return this.loadMore();
  },

  /** The area filter is optional: without the campaign it just isn't offered. */
  loadAreas() {
    return api.call('campaignActive')
      .then((campaign) => this.setData({
        areas: [ALL_AREAS].concat(campaign.areas.map((a) => ({ code: a.code, name: a.name }))),
      }))
      .catch(() => null);
  },

  /** The first page for the current filters (a newer reload wins over an older one). */
  reload() {
    this.seq += 1;
    const seq = this.seq;
    this.version = currentVersion();
    this.setData({ loading: true, error: '', moreError: '', nextCursor: null });
    return api.call('hazards', { query: listQuery(this.data.filters, null, PAGE_SIZE) })
      .then((res) => {
        if (seq !== this.seq) return;
        this.setData({ loading: false, rows: res.hazards.map(hazardRow), nextCursor: res.next_cursor || null });
      })
      .catch((err) => {
        if (seq === this.seq) this.setData({ loading: false, rows: [], error: err.message });
      });
  },

  loadMore() {
    const { nextCursor, loading, loadingMore, filters } = this.data;
    if (!nextCursor || loading || loadingMore) return Promise.resolve();
    const seq = this.seq;
    this.setData({ loadingMore: true, moreError: '' });
    return api.call('hazards', { query: listQuery(filters, nextCursor, PAGE_SIZE) })
      .then((res) => {
        if (seq !== this.seq) return;
        const seen = new Set(this.data.rows.map((r) => r.id));
        const rows = this.data.rows.concat(res.hazards.map(hazardRow).filter((r) => !seen.has(r.id)));
        this.setData({ loadingMore: false, rows, nextCursor: res.next_cursor || null });
      })
      .catch((err) => {
        if (seq === this.seq) this.setData({ loadingMore: false, moreError: err.message });
      });
  },

  setFilter(patch) {
    this.setData({ filters: { ...this.data.filters, ...patch } });
    return this.reload();
  },

  onStatusChip(event) {
    return this.setFilter({ status: event.currentTarget.dataset.value });
  },

  toggleOverdue() {
    return this.setFilter({ overdue: !this.data.filters.overdue });
  },

  /** Tapping the chosen severity again clears it. */
  onSeverityChip(event) {
    const { value } = event.currentTarget.dataset;
    return this.setFilter({ severity: this.data.filters.severity === value ? '' : value });
  },

  onAreaChange(event) {
    const areaIndex = Number(event.detail.value);
    this.setData({ areaIndex });
    return this.setFilter({ area: this.data.areas[areaIndex].code });
  },

  openHazard(event) {
    wx.navigateTo({ url: `/pages/hazards/detail?id=${event.currentTarget.dataset.id}` });
  },
});
