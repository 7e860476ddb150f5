/**
 * Write a scheduled reminder: the unit, who gets it (staff of chosen roles and/or the parents),
 * its title and text, and when — daily, on school days, on chosen weekdays or once, at a time of
 * day, optionally only within a season (the drowning-prevention summer by one tap).
 */
const api = require('../../api/client');
const {
  RECURRENCES, WEEKDAYS, SUMMER_SEASON, NAME_MAX, TITLE_MAX, BODY_MAX, monthDay, validateSchedule,
} = require('../../utils/schedules');

/** Today in China as YYYY-MM-DD (the phone's date). */
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

Page({
  data: {
    loading: true,
    loadError: '',
    units: [],
    unitIndex: 0,
    roles: [],
    recurrences: RECURRENCES,
    weekdayNames: WEEKDAYS,
    nameMax: NAME_MAX,
    titleMax: TITLE_MAX,
    bodyMax: BODY_MAX,
    form: {
      name: '',
      roles: [],
      parents: false,
      title: '',
      body: '',
      recurrence: 'daily',
      weekdays: [],
      time: '07:30',
      startsOn: '',
      endsOn: '',
      seasonOn: false,
      seasonStart: '',
      seasonEnd: '',
    },
    weekdayOn: [false, false, false, false, false, false, false],
    seasonText: '',
    errors: {},
    formError: '',
    saving: false,
  },

  onLoad() {
    this.setData({ 'form.startsOn': today() });
    return Promise.all([api.call('units', { query: { administered: true } }), api.call('roles')])
      .then(([units, roles]) => this.setData({
        loading: false,
        units: units.units.map((u) => ({ id: u.id, name: u.name })),
        roles: roles.roles.map((r) => ({ code: r.code, name: r.name })),
      }))
      .catch((err) => this.setData({ loading: false, loadError: err.message }));
  },

  onUnitChange(event) {
    this.setData({ unitIndex: Number(event.detail.value), 'errors.unit': '' });
  },

  onText(event) {
    const { field } = event.currentTarget.dataset;
    this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
  },

  onRolesChange(event) {
    this.setData({ 'form.roles': event.detail, 'errors.audience': '' });
  },

  onParentsChange(event) {
    this.setData({ 'form.parents': Boolean(event.detail), 'errors.audience': '' });
  },

  onRecurrenceChange(event) {
    this.setData({ 'form.recurrence': event.detail, 'errors.weekdays': '' });
  },

  toggleWeekday(event) {
    const day = Number(event.currentTarget.dataset.day);
    const on = this.data.weekdayOn.slice();
    on[day] = !on[day];
    const weekdays = on.map((value, index) => (value ? index : -1)).filter((index) => index >= 0);
    this.setData({ weekdayOn: on, 'form.weekdays': weekdays, 'errors.weekdays': '' });
  },

  onPick(event) {
    const { field } = event.currentTarget.dataset;
    this.setData({ [`form.${field}`]: event.detail.value, [`errors.${field}`]: '' });
  },

  onSeasonSwitch(event) {
    this.setData({ 'form.seasonOn': Boolean(event.detail), 'errors.season': '' });
    this.showSeason();
  },

  useSummer() {
    this.setData({
      'form.seasonOn': true, 'form.seasonStart': SUMMER_SEASON.start, 'form.seasonEnd': SUMMER_SEASON.end, 'errors.season': '',
    });
    this.showSeason();
  },

  /** A season end picked on a date picker keeps only its month and day. */
  onSeasonPick(event) {
    const { field } = event.currentTarget.dataset;
    this.setData({ [`form.${field}`]: event.detail.value.slice(5), 'errors.season': '' });
    this.showSeason();
  },

  showSeason() {
    const { seasonOn, seasonStart, seasonEnd } = this.data.form;
    this.setData({ seasonText: seasonOn && seasonStart && seasonEnd ? `每年${monthDay(seasonStart)}至${monthDay(seasonEnd)}` : '' });
  },

  async save() {
    if (this.data.saving) return;
    const unit = this.data.units[this.data.unitIndex];
    const { ok, errors, body } = validateSchedule({ ...this.data.form, unitId: unit ? unit.id : null });
    this.setData({ errors, formError: ok ? '' : '请检查标红的内容' });
    if (!ok) return;
    this.setData({ saving: true });
    try {
      await api.call('scheduleCreate', { body });
      this.setData({ saving: false });
      wx.showToast({ title: '已保存', icon: 'success' });
      wx.navigateBack();
    } catch (err) {
      this.setData({ saving: false, formError: err.message });
    }
  },
});
