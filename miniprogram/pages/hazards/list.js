/**
 * The hazards in the caller's scope, newest first: filter chips (status, overdue, severity, and an
 * optional area), infinite scroll with the API's cursor, pull-down refresh. A link may open it
 * already filtered (`?status=fix_submitted`, `?overdue=1`, `?school_id=3`, from the 待办 page):
 * the active filters are named above the list, with a way to clear them.
 */
const api = require('../../api/client');
const subscribe = require('../../utils/subscribe');
const {
  STATUS_NAMES, SEVERITIES, hazardRow, listQuery, currentVersion,
} = require('../../utils/hazards');
const {
  NO_FILTERS, filtersFromOptions, filterSummary, emptyText,
} = require('../../utils/hazard-filters');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

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
    filters: { ...NO_FILTERS },
    areaIndex: 0,
    filterText: '',
    emptyText: emptyText(NO_FILTERS),
    rows: [],
    state: 'loading',
    error: '',
    offline: false,
    loadingMore: false,
    moreError: '',
    nextCursor: null,
  },

  /** Open with the filters the link asks for. */
  onLoad(options) {
    this.seq = 0;
    this.setData({ filters: filtersFromOptions(options) });
    this.loadAreas();
    subscribe.prepare(); // so that a tap can ask for the pushes of what awaits this person
    return this.reload();
  },

  /** Back from a detail page where something changed: show the new state. */
  onShow() {
    if (this.version !== undefined && this.version !== currentVersion()) this.reload();
  },

  /** Pull down: start over from the first page. */
  onPullDownRefresh() {
    return this.reload().then(() => wx.stopPullDownRefresh());
  },

  /** Scrolled to the end: the next page. */
  onReachBottom() {
    return this.loadMore();
  },

  /** The area filter is optional: without the campaign it just isn't offered. */
  loadAreas() {
    return api.call('campaignActive')
      .then((campaign) => {
        const areas = [ALL_AREAS].concat(campaign.areas.map((a) => ({ code: a.code, name: a.name })));
        this.setData({ areas });
        this.describeFilters();
      })
      .catch(() => null);
  },

  /** The words above the list for the active filters, and what an empty answer says. */
  describeFilters() {
    const { filters, areas, rows } = this.data;
    const area = areas.find((a) => a.code === filters.area);
    const schoolName = filters.schoolId && rows.length ? rows[0].school : '';
    this.setData({
      filterText: filterSummary(filters, { areaName: area ? area.name : '', schoolName }),
      emptyText: emptyText(filters),
    });
  },

  /** The first page for the current filters (a newer reload wins over an older one). */
  reload() {
    this.seq += 1;
    const seq = this.seq;
    this.version = currentVersion();
    this.setData({ ...loadingState(), moreError: '', nextCursor: null });
    this.describeFilters();
    return api.call('hazards', { query: listQuery(this.data.filters, null, PAGE_SIZE) })
      .then((res) => {
        if (seq !== this.seq) return;
        const rows = res.hazards.map(hazardRow);
        this.setData({ ...readyState(rows.length), rows, nextCursor: res.next_cursor || null });
        this.describeFilters();
      })
      .catch((err) => {
        if (seq === this.seq) this.setData({ ...errorState(err), rows: [] });
      });
  },

  /** The next page after the cursor; a failure offers its own retry at the end of the list. */
  loadMore() {
    const { nextCursor, state, loadingMore, filters } = this.data;
    if (!nextCursor || state === 'loading' || loadingMore) return Promise.resolve();
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

  /** Change some filters and start over. */
  setFilter(patch) {
    this.setData({ filters: { ...this.data.filters, ...patch } });
    return this.reload();
  },

  /** Clear every filter, the ones a link opened the page with included. */
  clearFilters() {
    this.setData({ areaIndex: 0 });
    return this.setFilter({ ...NO_FILTERS });
  },

  /** A status chip (a tap: may ask for the pushes, as a row does). */
  onStatusChip(event) {
    subscribe.askOnce(this, subscribe.AWAITING_KEYS);
    return this.setFilter({ status: event.currentTarget.dataset.value });
  },

  /** The 已逾期 chip turns the overdue filter on and off. */
  toggleOverdue() {
    subscribe.askOnce(this, subscribe.AWAITING_KEYS);
    return this.setFilter({ overdue: !this.data.filters.overdue });
  },

  /** Tapping the chosen severity again clears it. */
  onSeverityChip(event) {
    subscribe.askOnce(this, subscribe.AWAITING_KEYS);
    const { value } = event.currentTarget.dataset;
    return this.setFilter({ severity: this.data.filters.severity === value ? '' : value });
  },

  /** An area picked (全部领域 clears it). */
  onAreaChange(event) {
    const areaIndex = Number(event.detail.value);
    this.setData({ areaIndex });
    return this.setFilter({ area: this.data.areas[areaIndex].code });
  },

  /**
   * A row opens its detail. The first tap (a row or a filter) asks, inside the tap, for the pushes
   * of what awaits this person (new reports, fixes to sign off, overdue hazards; each only where
   * it reaches them).
   */
  openHazard(event) {
    subscribe.askOnce(this, subscribe.AWAITING_KEYS);
    wx.navigateTo({ url: `/pages/hazards/detail?id=${event.currentTarget.dataset.id}` });
  },

  /** The whole page failed: try again. */
  retry() {
    return this.reload();
  },

  /** The next page failed: try it again. */
  retryMore() {
    return this.loadMore();
  },
});
