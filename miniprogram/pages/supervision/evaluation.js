/**
 * 年终考评 (figures.view): the schools at or below the caller's unit (a picker when their roles
 * are at several) ranked best score first, with the district rank, the center school and its
 * rank, the score and 待评分 while hand items are unscored. A tap opens the school's evaluation.
 * This year's evaluation, or last year's (in January the December scoring is still wanted).
 */
const api = require('../../api/client');
const { open } = require('../../utils/nav');
const { figureUnits } = require('../../utils/figures');
const { rankingView, yearChoices } = require('../../utils/evaluation');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    ...loadingState(),
    units: [],
    unitIndex: 0,
    years: [],
    year: null,
    view: null,
  },

  /** The caller's units (above schools first), then the ranking of the first. */
  async onLoad() {
    const me = await getApp().getMe().catch(() => null);
    const years = yearChoices();
    this.setData({ units: figureUnits(me), years, year: years[0].value });
    return this.load();
  },

  /** Back from a school (a hand item scored there): the ranking again. */
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

  /** GET /evaluation for the unit and year chosen. */
  load() {
    const unit = this.data.units[this.data.unitIndex];
    if (!unit) {
      this.setData({ ...readyState(0), view: null });
      return Promise.resolve();
    }
    return api.call('evaluation', { query: { unit_id: unit.id, year: this.data.year } })
      .then((answer) => {
        const view = rankingView(answer);
        this.setData({ ...readyState(view.rows.length), view });
      })
      .catch((err) => this.setData({ ...errorState(err), view: null }));
  },

  /** Another of the caller's units. */
  pickUnit(event) {
    this.setData({ unitIndex: Number(event.detail.value), view: null, ...loadingState() });
    return this.load();
  },

  /** This year / last year. */
  pickYear(event) {
    const year = Number(event.currentTarget.dataset.year);
    if (year === this.data.year) return Promise.resolve();
    this.setData({ year, view: null, ...loadingState() });
    return this.load();
  },

  /** A school's row: its evaluation. */
  openSchool(event) {
    open(event.currentTarget.dataset.url);
  },
});
