/**
 * 新增/编辑校车 (bus.manage): plate, seats, operator, the safety agreement and its expiry, the video
 * alarm device (empty: 未安装), the route, the schools served, the trips (早班 / 午班 / 晚班, each on or
 * off with its departure) and the drivers (up to five, each with the licence's expiry). Checked in
 * Chinese before sending; the server's refusals land on their fields (409 plate_taken on the
 * plate). 停用 retires the bus after a red confirmation. Saving also asks, from the tap, for the
 * pushes of failed inspections.
 */
const api = require('../../api/client');
const subscribe = require('../../utils/subscribe');
const { schoolsFor } = require('../../utils/patrol-admin');
const {
  MAX_DRIVERS, emptyDriver, newForm, formFromBus, validateBus, busErrorsFromApi,
} = require('../../utils/bus-form');
const { alert, modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { loadingState, errorState } = require('../../utils/page-state');

/** The schools a bus may serve: the caller's, and those it serves already. */
function serveChoices(schools, bus) {
  const list = schools.map((s) => ({ id: String(s.id), name: s.name }));
  ((bus && bus.schools) || []).forEach((s) => {
    if (!list.some((c) => c.id === String(s.id))) list.push({ id: String(s.id), name: s.name });
  });
  return list;
}

Page({
  data: {
    ...loadingState(),
    isNew: true,
    schools: [],
    schoolIndex: 0,
    schoolName: '',
    serveChoices: [],
    form: newForm(null),
    errors: {},
    driverErrors: [],
    maxDrivers: MAX_DRIVERS,
    saving: false,
  },

  /** `?id=` edits a bus; `?school_id=` chooses the school of a new one. */
  onLoad(query = {}) {
    this.busId = Number(query.id) || null;
    this.wantedId = Number(query.school_id) || null;
    subscribe.prepare(); // so that the save tap can ask for the bus pushes at once
    wx.setNavigationBarTitle({ title: this.busId ? '编辑校车' : '新增校车' });
    return this.load();
  },

  /** The error's 重试. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** The caller's schools, and the bus when editing one. */
  async load() {
    try {
      const me = await getApp().getMe();
      const schools = await schoolsFor(me);
      if (this.busId) {
        const bus = await api.call('bus', { params: { id: this.busId } });
        this.original = formFromBus(bus);
        this.setData({
          state: '',
          isNew: false,
          schools,
          schoolName: (bus.school && bus.school.name) || '',
          serveChoices: serveChoices(schools, bus),
          // A copy: the form changes, what was loaded stays (to know what an edit emptied).
          form: JSON.parse(JSON.stringify(this.original)),
          driverErrors: this.original.drivers.map(() => ({})),
        });
        return;
      }
      const index = Math.max(0, schools.findIndex((s) => s.id === this.wantedId));
      const school = schools[index];
      this.setData({
        state: school ? '' : 'empty',
        isNew: true,
        schools,
        schoolIndex: index,
        schoolName: school ? school.name : '',
        serveChoices: serveChoices(schools, null),
        form: newForm(school ? school.id : null),
      });
    } catch (err) {
      this.setData(errorState(err));
    }
  },

  /**
   * Change one entry of the form's `list` (trips, drivers), setting the whole list (one path
   * form for every runtime); `clears` names a driver's field whose error goes.
   */
  patchList(list, index, patch, clears = '') {
    const items = this.data.form[list].slice();
    items[index] = { ...items[index], ...patch };
    const update = { [`form.${list}`]: items };
    if (clears) {
      const errors = this.data.driverErrors.slice();
      errors[index] = { ...(errors[index] || {}), [clears]: '' };
      update.driverErrors = errors;
    }
    this.setData(update);
  },

  /** The school that runs a new bus (it always serves it too). */
  pickSchool(event) {
    const index = Number(event.detail.value);
    const school = this.data.schools[index];
    const served = this.data.form.schoolIds.filter((id) => id !== String(this.data.form.schoolId));
    this.setData({
      schoolIndex: index,
      schoolName: school.name,
      'form.schoolId': school.id,
      'form.schoolIds': [...new Set([String(school.id), ...served])],
    });
  },

  /** A text field (data-field names it in the form). */
  onText(event) {
    const { field } = event.currentTarget.dataset;
    this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
  },

  /** A date picker of the form (data-field). */
  onDate(event) {
    const { field } = event.currentTarget.dataset;
    this.setData({ [`form.${field}`]: event.detail.value, [`errors.${field}`]: '' });
  },

  /** 清除 the agreement's expiry. */
  clearAgreementDate() {
    this.setData({ 'form.agreementExpiresOn': '' });
  },

  /** The schools served; the running school stays ticked. */
  onServed(event) {
    const own = String(this.data.form.schoolId);
    this.setData({ 'form.schoolIds': [...new Set([own, ...event.detail])], 'errors.schools': '' });
  },

  /** A trip switched on or off. */
  toggleTrip(event) {
    const index = Number(event.currentTarget.dataset.index);
    this.patchList('trips', index, { on: Boolean(event.detail) });
    this.setData({ 'errors.trips': '' });
  },

  /** A trip's departure time. */
  pickTripTime(event) {
    const index = Number(event.currentTarget.dataset.index);
    this.patchList('trips', index, { departs: event.detail.value, on: true });
    this.setData({ 'errors.trips': '' });
  },

  /** 添加驾驶员 (up to MAX_DRIVERS). */
  addDriver() {
    if (this.data.form.drivers.length >= MAX_DRIVERS) {
      wx.showToast({ title: `驾驶员最多登记 ${MAX_DRIVERS} 人`, icon: 'none' });
      return;
    }
    this.setData({
      'form.drivers': this.data.form.drivers.concat(emptyDriver()),
      driverErrors: this.data.driverErrors.concat({}),
      'errors.drivers': '',
    });
  },

  /** 删除 a driver (asked first when something was filled in). */
  async removeDriver(event) {
    const index = Number(event.currentTarget.dataset.index);
    const driver = this.data.form.drivers[index];
    if (driver.name || driver.phone || driver.licenceNo || driver.licenceExpiresOn) {
      const answer = await modal({
        title: '删除驾驶员',
        content: `确定从这辆车删除驾驶员${driver.name ? `“${driver.name}”` : ''}吗？保存后生效。`,
        confirmText: '删除',
        confirmColor: COLORS.danger,
      });
      if (!answer.confirm) return;
    }
    this.setData({
      'form.drivers': this.data.form.drivers.filter((_, i) => i !== index),
      driverErrors: this.data.driverErrors.filter((_, i) => i !== index),
    });
  },

  /** A driver's text field (data-index, data-field). */
  onDriverText(event) {
    const { index, field } = event.currentTarget.dataset;
    this.patchList('drivers', Number(index), { [field]: event.detail }, field);
  },

  /** A driver's licence expiry. */
  onDriverDate(event) {
    const { index } = event.currentTarget.dataset;
    this.patchList('drivers', Number(index), { licenceExpiresOn: event.detail.value }, 'licenceExpiresOn');
  },

  /**
   * 保存: the pushes of failed inspections are asked for first (inside the tap), then the form is
   * checked and sent (POST for a new bus, PATCH for one being edited).
   */
  async save() {
    if (this.data.saving) return;
    await subscribe.askOnce(this, subscribe.BUS_KEYS);
    const check = validateBus(this.data.form, this.data.isNew ? null : this.original);
    this.setData({ errors: check.errors, driverErrors: check.driverErrors });
    if (!check.ok) {
      wx.showToast({ title: '还有内容没有填好', icon: 'none' });
      return;
    }
    this.setData({ saving: true });
    try {
      if (this.data.isNew) await api.call('busCreate', { body: check.body });
      else await api.call('busUpdate', { params: { id: this.busId }, body: check.body });
      this.setData({ saving: false });
      wx.showToast({ title: '校车已保存', icon: 'success' });
      wx.navigateBack();
    } catch (err) {
      this.setData({ saving: false });
      const fields = busErrorsFromApi(err, this.data.form);
      this.setData({ errors: fields.errors, driverErrors: fields.driverErrors });
      await alert('没有保存', fields.handled ? '请按红字提示修改后再保存' : err.message);
    }
  },

  /** 停用 (confirmed in red): the bus leaves the registry and the board; its records stay. */
  async retire() {
    const answer = await modal({
      title: '停用校车',
      content: `停用后“${this.data.form.plate}”不再出现在今日校车，也不再安排出车前检查，车内二维码失效；以往的检查记录保留。确定停用吗？`,
      confirmText: '停用',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    try {
      await api.call('busDelete', { params: { id: this.busId } });
      wx.showToast({ title: '已停用', icon: 'success' });
      wx.navigateBack();
    } catch (err) {
      await alert('没有停用成功', err.message);
    }
  },
});
