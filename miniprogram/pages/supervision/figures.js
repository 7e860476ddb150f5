/**
 * 督导数据 (figures.view): a unit's figures for a period — the caller's unit (a picker when their
 * roles are at several), or `?unit_id=&name=&kind=` a child opened from this page (drill-down).
 * Headline counts (逾期 in red), days to fix, funds, the four rates, then the children (a tap opens
 * the same page for the child; a school with overdue hazards offers 查看逾期隐患) and by area.
 * Without signal the copy kept for that unit and period, under the stale banner.
 */
const { open } = require('../../utils/nav');
const {
  PERIODS, SCHOOL_KINDS, figuresView, hasFigures, loadFigures, figureUnits, overdueUrl,
} = require('../../utils/figures');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    ...loadingState(),
    units: [],
    unitIndex: 0,
    drilled: false,
    periods: PERIODS,
    period: '',
    savedAt: '',
    view: null,
    schoolOverdueUrl: '',
  },

  /** The unit opened (a child) or the caller's, then its figures. */
  async onLoad(options = {}) {
    const id = Number(options.unit_id);
    const period = PERIODS.some((p) => p.value === options.period) ? options.period : '';
    if (Number.isInteger(id) && id > 0) {
      const name = decodeURIComponent(options.name || '');
      this.setData({ units: [{ id, name, kind: options.kind || '' }], drilled: true, period });
      if (name) wx.setNavigationBarTitle({ title: name });
    } else {
      const me = await getApp().getMe().catch(() => null);
      this.setData({ units: figureUnits(me), period });
    }
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

  /** GET /figures for the unit and period chosen (or the copy kept). */
  load() {
    const unit = this.data.units[this.data.unitIndex];
    if (!unit) {
      this.setData({ state: 'empty', error: '', offline: false });
      return Promise.resolve();
    }
    const period = this.data.period;
    return loadFigures(unit.id, period)
      .then(({ value, savedAt }) => {
        const school = SCHOOL_KINDS.includes(unit.kind) && Number(value.totals && value.totals.overdue) > 0;
        this.setData({
          ...readyState(hasFigures(value) ? 1 : 0),
          savedAt,
          view: figuresView(value, period),
          schoolOverdueUrl: school ? overdueUrl(unit.id) : '',
        });
      })
      .catch((err) => this.setData({ ...errorState(err), savedAt: '' }));
  },

  /** Another of the caller's units. */
  pickUnit(event) {
    this.setData({ unitIndex: Number(event.detail.value), ...loadingState() });
    return this.load();
  },

  /** 本月 / 近90天 / 本年度; tapping the one on goes back to the server's default period. */
  pickPeriod(event) {
    const { period } = event.currentTarget.dataset;
    this.setData({ period: period === this.data.period ? '' : period, ...loadingState() });
    return this.load();
  },

  /** A child's row: the same page for it. */
  openChild(event) {
    open(event.currentTarget.dataset.url);
  },

  /** 查看逾期隐患: the hazard list filtered to the school's overdue hazards. */
  openOverdue(event) {
    open(event.currentTarget.dataset.url);
  },
});
