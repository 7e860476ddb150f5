/**
 * Write a scheduled reminder: the unit, who gets it (staff of chosen roles and/or the parents),
 * its title and text, and when — daily, on school days, on chosen weekdays or once, at a time of
 * day, optionally only within a season (the drowning-prevention summer by one tap). Opened with
 * `?id=` it edits that reminder: the form prefilled from the list (there is no single-schedule
 * GET), its unit fixed, saved with PATCH /schedules/{id}.
 */
const api = require('../../api/client');
const {
  RECURRENCES, WEEKDAYS, SUMMER_SEASON, NAME_MAX, TITLE_MAX, BODY_MAX, monthDay, validateSchedule,
  formFromSchedule,
} = require('../../utils/schedules');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

/** Today in China as YYYY-MM-DD (the phone's date). */
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    editing: false,
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

  /** A new schedule starting today, or (`id`) the one to edit. */
  onLoad(options) {
    this.id = options && options.id ? Number(options.id) : null;
    if (this.id) {
      this.setData({ editing: true });
      wx.setNavigationBarTitle({ title: '修改定时提醒' });
    } else {
      this.setData({ 'form.startsOn': today() });
    }
    return this.load();
  },

  /** The error's 重试. */
  retry() {
    return this.load();
  },

  /** The units this admin manages and the roles to remind; no unit is the empty state. When
   * editing, the reminder too (a reminder deleted meanwhile is the error state). */
  load() {
    this.setData(loadingState());
    const stored = this.id ? api.call('schedules') : Promise.resolve(null);
    return Promise.all([api.call('units', { query: { administered: true } }), api.call('roles'), stored])
      .then(([units, roles, listed]) => {
        const ready = {
          units: units.units.map((u) => ({ id: u.id, name: u.name })),
          roles: roles.roles.map((r) => ({ code: r.code, name: r.name })),
        };
        if (!listed) {
          this.setData({ ...readyState(units.units.length), ...ready });
          return;
        }
        const schedule = listed.schedules.find((s) => s.id === this.id);
        if (!schedule) {
          this.setData(errorState({ message: '这条提醒已不存在，可能已被删除' }));
          return;
        }
        let unitIndex = ready.units.findIndex((u) => u.id === schedule.unit_id);
        // A reminder of a unit below the ones administered: shown as such (it stays there).
        if (unitIndex < 0) {
          ready.units = [{ id: schedule.unit_id, name: '下级单位' }];
          unitIndex = 0;
        }
        const { form, weekdayOn } = formFromSchedule(schedule);
        this.setData({ ...readyState(1), ...ready, unitIndex, form, weekdayOn });
        this.showSeason();
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** The unit picked. */
  onUnitChange(event) {
    this.setData({ unitIndex: Number(event.detail.value), 'errors.unit': '' });
  },

  /** A typed field. */
  onText(event) {
    const { field } = event.currentTarget.dataset;
    this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
  },

  /** The roles ticked. */
  onRolesChange(event) {
    this.setData({ 'form.roles': event.detail, 'errors.audience': '' });
  },

  /** 家长 ticked or not. */
  onParentsChange(event) {
    this.setData({ 'form.parents': Boolean(event.detail), 'errors.audience': '' });
  },

  /** How often. */
  onRecurrenceChange(event) {
    this.setData({ 'form.recurrence': event.detail, 'errors.weekdays': '' });
  },

  /** A weekday on or off (weekly). */
  toggleWeekday(event) {
    const day = Number(event.currentTarget.dataset.day);
    const on = this.data.weekdayOn.slice();
    on[day] = !on[day];
    const weekdays = on.map((value, index) => (value ? index : -1)).filter((index) => index >= 0);
    this.setData({ weekdayOn: on, 'form.weekdays': weekdays, 'errors.weekdays': '' });
  },

  /** A time or date picked. */
  onPick(event) {
    const { field } = event.currentTarget.dataset;
    this.setData({ [`form.${field}`]: event.detail.value, [`errors.${field}`]: '' });
  },

  /** Only within a season, or all year. */
  onSeasonSwitch(event) {
    this.setData({ 'form.seasonOn': Boolean(event.detail), 'errors.season': '' });
    this.showSeason();
  },

  /** The drowning-prevention season in one tap. */
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

  /** The season in words. */
  showSeason() {
    const { seasonOn, seasonStart, seasonEnd } = this.data.form;
    this.setData({ seasonText: seasonOn && seasonStart && seasonEnd ? `每年${monthDay(seasonStart)}至${monthDay(seasonEnd)}` : '' });
  },

  /** Check, then save and go back to the list. */
  async save() {
    if (this.data.saving) return;
    const unit = this.data.units[this.data.unitIndex];
    const { ok, errors, body } = validateSchedule({ ...this.data.form, unitId: unit ? unit.id : null });
    this.setData({ errors, formError: ok ? '' : '请检查标红的内容' });
    if (!ok) return;
    this.setData({ saving: true });
    try {
      if (this.id) {
        // A schedule stays at its unit: the edit sends the other fields.
        const changes = { ...body };
        delete changes.unit_id;
        await api.call('scheduleUpdate', { params: { id: this.id }, body: changes });
      } else {
        await api.call('scheduleCreate', { body });
      }
      this.setData({ saving: false });
      wx.showToast({ title: '已保存', icon: 'success' });
      wx.navigateBack();
    } catch (err) {
      this.setData({ saving: false, formError: err.message });
    }
  },
});
