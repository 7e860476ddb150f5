/**
 * 记录督导检查 / 编辑 (`?id=`) (visit.record): the visiting unit (a picker when one's roles are at
 * several above schools), the date, title, 暗访 (unannounced: the schools see it from its date),
 * the team (name, organisation chips 教育局/公安/市场监管/消防/卫生/其他, role; add, remove), the
 * schools visited (new visits only: those below the visiting unit, from GET /units), what was
 * checked, the report (often written later), planned / done. Checked in Chinese; POST or PATCH;
 * a 422's details go on their fields.
 */
const api = require('../../api/client');
const { alert } = require('../../utils/wxp');
const { schoolChoices } = require('../../utils/water-form');
const {
  ORGANISATIONS, STATUSES, REPORT_MAX, emptyMember, emptyForm, formFrom, validateVisit, visitErrorsFromApi, visitingUnits,
} = require('../../utils/visits');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const { eventValue } = require('../../utils/event-value');

Page({
  data: {
    ...loadingState(),
    visitId: null,
    units: [],
    unitIndex: 0,
    organisations: ORGANISATIONS,
    statuses: STATUSES,
    reportMax: REPORT_MAX,
    form: null,
    schools: [],
    errors: {},
    saving: false,
  },

  /** A new visit, or the visit `?id=` to change. */
  onLoad(query = {}) {
    this.visitId = Number(query.id) > 0 ? Number(query.id) : null;
    if (this.visitId) wx.setNavigationBarTitle({ title: '编辑督导检查' });
    this.setData({ visitId: this.visitId });
    return this.load();
  },

  /** The error's 重试. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** The visit when editing; else the visiting units and the schools below the first. */
  async load() {
    try {
      if (this.visitId) {
        const visit = await api.call('visit', { params: { id: this.visitId } });
        this.setData({ ...readyState(1), units: [visit.unit], form: formFrom(visit) });
        return;
      }
      const me = await getApp().getMe();
      const units = visitingUnits(me);
      this.setData({ units, form: emptyForm() });
      if (!units.length) {
        this.setData({ state: 'empty', error: '', offline: false });
        return;
      }
      await this.loadSchools();
      this.setData(readyState(1));
    } catch (err) {
      this.setData(errorState(err));
    }
  },

  /** The schools below the visiting unit picked (none ticked). */
  async loadSchools() {
    const unit = this.data.units[this.data.unitIndex];
    const schools = await schoolChoices({ grants: [{ unit }] });
    this.setData({ schools: schools.map((s) => ({ ...s, on: false })), 'form.schoolIds': [] });
  },

  /** Another visiting unit: its schools. */
  pickUnit(event) {
    this.setData({ unitIndex: Number(event.detail.value) });
    return this.loadSchools().catch((err) => this.setData({ 'errors.schools': err.message }));
  },

  /** Change some fields; their messages go. */
  patch(fields, clears = Object.keys(fields)) {
    const errors = { ...this.data.errors };
    clears.forEach((key) => { delete errors[key]; });
    this.setData({ form: { ...this.data.form, ...fields }, errors });
  },

  /** A text field (`data-field`). */
  input(event) {
    const { field } = event.currentTarget.dataset;
    const value = eventValue(event);
    this.patch({ [field]: value });
  },

  /** The date picked. */
  pickDate(event) {
    this.patch({ visitDate: event.detail.value });
  },

  /** 暗访: on means unannounced. */
  toggleUnannounced(event) {
    this.patch({ announced: !event.detail }, ['announced']);
  },

  /** 计划中 / 已完成. */
  pickStatus(event) {
    this.patch({ status: event.currentTarget.dataset.status });
  },

  /** A member's name or role typed (`data-index`, `data-key`). */
  memberInput(event) {
    const { index, key } = event.currentTarget.dataset;
    const value = eventValue(event);
    this.setMember(Number(index), { [key]: value });
  },

  /** A member's organisation chip. */
  pickOrganisation(event) {
    const { index, organisation } = event.currentTarget.dataset;
    this.setMember(Number(index), { organisation });
  },

  /** Change member `index`; its message goes. */
  setMember(index, fields) {
    const team = this.data.form.team.map((m, i) => (i === index ? { ...m, ...fields } : m));
    this.patch({ team }, [`member${index}`, 'team']);
  },

  /** 添加成员. */
  addMember() {
    this.patch({ team: [...this.data.form.team, emptyMember()] }, ['team']);
  },

  /** A member's 删除 (the messages by index are renumbered: cleared). */
  removeMember(event) {
    const index = Number(event.currentTarget.dataset.index);
    const team = this.data.form.team.filter((m, i) => i !== index);
    const clears = this.data.form.team.map((m, i) => `member${i}`);
    this.patch({ team }, [...clears, 'team']);
  },

  /** A school tapped: ticked, or no longer. */
  toggleSchool(event) {
    const id = Number(event.currentTarget.dataset.id);
    const ids = this.data.form.schoolIds;
    const schoolIds = ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id];
    this.patch({ schoolIds }, ['schools']);
    this.setData({ schools: this.data.schools.map((s) => ({ ...s, on: schoolIds.includes(s.id) })) });
  },

  /** Check, then POST or PATCH; back to where one came from. */
  async save() {
    if (this.data.saving) return;
    const unit = this.data.units[this.data.unitIndex];
    const check = validateVisit(this.data.form, this.visitId ? null : unit && unit.id);
    if (!check.ok) {
      this.setData({ errors: check.errors });
      wx.showToast({ title: `还有 ${Object.keys(check.errors).length} 项需要修改`, icon: 'none' });
      return;
    }
    this.setData({ saving: true });
    try {
      const visit = this.visitId
        ? await api.call('visitUpdate', { params: { id: this.visitId }, body: check.body })
        : await api.call('visitCreate', { body: check.body });
      this.setData({ saving: false });
      wx.showToast({ title: this.visitId ? '已保存' : '已记录', icon: 'success' });
      if (this.visitId) wx.navigateBack();
      else wx.redirectTo({ url: `/pages/supervision/visit?id=${visit.id}` });
    } catch (err) {
      this.setData({ saving: false });
      const errors = visitErrorsFromApi(err);
      if (Object.keys(errors).length) this.setData({ errors: { ...this.data.errors, ...errors } });
      else await alert('没有保存成功', err.message);
    }
  },
});
