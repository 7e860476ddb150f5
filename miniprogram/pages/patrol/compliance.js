/**
 * 巡查统计 (patrol.view): for a unit and a period (the last seven days unless chosen), by
 * checkpoint, person or school: how many rounds were due, done on time, done late, missed, and
 * the on-time rate as a bar (none when nothing was due).
 */
const api = require('../../api/client');
const {
  BY, unitsFor, lastWeek, complianceRow, periodText,
} = require('../../utils/patrol-admin');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    ...loadingState(),
    units: [],
    unitIndex: 0,
    by: 'checkpoint',
    byChoices: BY,
    dateFrom: '',
    dateTo: '',
    period: '',
    rows: [],
    total: null,
  },

  /** The caller's units and the last week, then the figures. */
  async onLoad() {
    const me = await getApp().getMe().catch(() => null);
    this.setData({ units: unitsFor(me), ...lastWeek() });
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

  /** GET /patrols/compliance for the unit, period and grouping chosen. */
  load() {
    const unit = this.data.units[this.data.unitIndex];
    const { dateFrom, dateTo, by } = this.data;
    this.setData({ period: periodText(dateFrom, dateTo) });
    const query = { date_from: dateFrom, date_to: dateTo, by };
    if (unit) query.unit_id = unit.id;
    return api.call('patrolCompliance', { query })
      .then((res) => {
        const rows = (res.rows || []).map(complianceRow);
        const total = res.totals ? complianceRow({ ...res.totals, key: { id: 'total', name: '合计' } }) : null;
        this.setData({ ...readyState(rows.length), rows, total });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** Another unit. */
  pickUnit(event) {
    this.setData({ unitIndex: Number(event.detail.value), ...loadingState() });
    return this.load();
  },

  /** 按巡查点 / 按人员 / 按学校. */
  pickBy(event) {
    const { by } = event.currentTarget.dataset;
    if (by === this.data.by) return Promise.resolve();
    this.setData({ by, ...loadingState() });
    return this.load();
  },

  /** The start or end date; the end never before the start. */
  pickDate(event) {
    const { field } = event.currentTarget.dataset;
    const patch = { [field]: event.detail.value };
    const next = { ...this.data, ...patch };
    if (next.dateTo < next.dateFrom) {
      if (field === 'dateFrom') patch.dateTo = next.dateFrom;
      else patch.dateFrom = next.dateTo;
    }
    this.setData({ ...patch, ...loadingState() });
    return this.load();
  },
});
