/**
 * 需关注单位 (figures.view): the schools at or below the unit (the caller's, a picker over several)
 * with too many overdue hazards or missed patrols in the last 30 days, worst first, with their
 * counts (a tap on 逾期 opens those hazards) and the actions already taken; 约谈 / 通报 for
 * accountability.record holders: a dialog with the reason, then POST /units/{id}/accountability
 * with the row's evidence.
 */
const api = require('../../api/client');
const { open } = require('../../utils/nav');
const { alert } = require('../../utils/wxp');
const { figureUnits, SCHOOL_KINDS } = require('../../utils/figures');
const { KINDS, REASON, laggardsView, accountabilityBody } = require('../../utils/laggards');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const { eventValue } = require('../../utils/event-value');

const NO_DIALOG = {
  show: false, schoolId: null, school: '', kind: '', kindName: '', reason: '', error: '', sending: false,
};

Page({
  data: {
    ...loadingState(),
    units: [],
    unitIndex: 0,
    view: null,
    mayAct: false,
    reasonMax: REASON.max,
    dialog: NO_DIALOG,
  },

  /** The caller's units above schools, and whether they may record actions; then the list. */
  async onLoad() {
    const me = await getApp().getMe().catch(() => null);
    const caps = (me && me.capabilities) || [];
    const units = figureUnits(me).filter((u) => !SCHOOL_KINDS.includes(u.kind));
    this.setData({ units, mayAct: caps.includes('accountability.record') });
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

  /** GET /supervision/laggards for the unit (the server's last 30 days). */
  load() {
    const unit = this.data.units[this.data.unitIndex];
    if (!unit) {
      this.setData({ state: 'empty', error: '', offline: false });
      return Promise.resolve();
    }
    return api.call('laggards', { query: { unit_id: unit.id } })
      .then((answer) => {
        this.answer = answer;
        const view = laggardsView(answer);
        this.setData({ ...readyState(view.rows.length), view });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** Another unit. */
  pickUnit(event) {
    this.setData({ unitIndex: Number(event.detail.value), ...loadingState() });
    return this.load();
  },

  /** 逾期 n 条: those hazards. */
  openOverdue(event) {
    open(event.currentTarget.dataset.url);
  },

  /** 约谈 / 通报: the dialog for the school, asking why. */
  ask(event) {
    const { id, name, kind } = event.currentTarget.dataset;
    this.setData({
      dialog: {
        ...NO_DIALOG, show: true, schoolId: Number(id), school: name, kind, kindName: KINDS[kind],
      },
    });
  },

  /** The reason typed. */
  onReason(event) {
    const value = eventValue(event);
    this.setData({ 'dialog.reason': value, 'dialog.error': '' });
  },

  /** 取消. */
  cancel() {
    this.setData({ dialog: NO_DIALOG });
  },

  /** 确认: check the reason, record the action, then the list again. */
  async confirm() {
    const { dialog } = this.data;
    if (dialog.sending) return;
    const check = accountabilityBody(dialog.kind, dialog.reason, this.answer, dialog.schoolId);
    if (!check.ok) {
      this.setData({ 'dialog.error': check.error });
      return;
    }
    this.setData({ 'dialog.sending': true });
    try {
      await api.call('accountabilityCreate', { params: { id: dialog.schoolId }, body: check.body });
      this.setData({ dialog: NO_DIALOG });
      wx.showToast({ title: `已记录${dialog.kindName}`, icon: 'success' });
      await this.load();
    } catch (err) {
      this.setData({ 'dialog.sending': false });
      if (err.code === 'validation_error') this.setData({ 'dialog.error': `请写明原因（${REASON.min}-${REASON.max} 个字）` });
      else await alert(`没有记录${dialog.kindName}`, err.message);
    }
  },
});
