/**
 * A supervision visit (`?id=`): date, status, 未公开 for an unannounced one, the visiting unit,
 * the team with organisations, the schools, what was checked, the report, and the findings as
 * hazard rows (a tap opens the hazard). The visiting side (`can_edit`) gets 记录问题 (the hazard
 * report page in its visit mode: the finding goes to POST /visits/{id}/findings) and 编辑.
 */
const api = require('../../api/client');
const { open } = require('../../utils/nav');
const { visitView } = require('../../utils/visits');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    ...loadingState(),
    view: null,
  },

  /** The visit asked for. */
  onLoad(options = {}) {
    this.visitId = Number(options.id);
    if (!Number.isInteger(this.visitId) || this.visitId <= 0) {
      this.setData({ state: 'error', error: '没有找到这次督导检查', offline: false });
      return Promise.resolve();
    }
    return this.load();
  },

  /** Back from a finding or an edit: the visit again. */
  onShow() {
    if (this.shown && this.visitId > 0) this.load();
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

  /** GET /visits/{id}. */
  load() {
    return api.call('visit', { params: { id: this.visitId } })
      .then((visit) => {
        this.visit = visit;
        this.setData({ ...readyState(1), view: visitView(visit) });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** A finding's row: the hazard. */
  openHazard(event) {
    open(`/pages/hazards/detail?id=${event.currentTarget.dataset.id}`);
  },

  /** 记录问题: the report page for a finding at one of the visit's schools. */
  addFinding() {
    open(`/pages/hazards/report?visit_id=${this.visitId}`);
  },

  /** 编辑: the visit's form. */
  edit() {
    open(`/pages/supervision/visit-edit?id=${this.visitId}`);
  },
});
