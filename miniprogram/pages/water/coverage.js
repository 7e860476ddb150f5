/**
 * 水域巡查统计 (patrol.view): for a unit and a period (近30天 / 近90天 / 今年; 近90天 to start, as the
 * server's default), the visits due, done on time, late and missed with the completion rate, in
 * total, per period of the schedule, per school and per water point, and the visits missed
 * (未按期巡查) with their windows.
 */
const api = require('../../api/client');
const { unitsFor } = require('../../utils/patrol-admin');
const {
  PERIODS, DEFAULT_PERIOD, periodRange, coverageView,
} = require('../../utils/water-coverage');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    ...loadingState(),
    units: [],
    unitIndex: 0,
    periods: PERIODS,
    period: DEFAULT_PERIOD,
    view: null,
  },

  /** The caller's units, then the figures. */
  async onLoad() {
    const me = await getApp().getMe().catch(() => null);
    this.setData({ units: unitsFor(me) });
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

  /** GET /water-points/coverage for the unit and period chosen. */
  load() {
    const unit = this.data.units[this.data.unitIndex];
    const query = periodRange(this.data.period);
    if (unit) query.unit_id = unit.id;
    return api.call('waterCoverage', { query })
      .then((answer) => {
        const view = coverageView(answer);
        this.setData({ ...readyState(Number(answer.totals && answer.totals.due) || view.points.length), view });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** Another unit. */
  pickUnit(event) {
    this.setData({ unitIndex: Number(event.detail.value), ...loadingState() });
    return this.load();
  },

  /** 近30天 / 近90天 / 今年. */
  pickPeriod(event) {
    const { period } = event.currentTarget.dataset;
    if (period === this.data.period) return Promise.resolve();
    this.setData({ period, ...loadingState() });
    return this.load();
  },
});
