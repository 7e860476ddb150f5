/**
 * Browse the units in scope, one level per page (so the back gesture goes up a level):
 * without `id` the caller's top units; with `id` that unit's sub-units, or a school's classes
 * (with class codes for the school's own staff).
 */
const api = require('../../api/client');
const { isSchool } = require('../../utils/units');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

const OWNERSHIP_NAMES = { public: '公办', private: '民办' };

/** A unit as a row: its name, and its kind (with public/private for a school). */
function unitRow(unit) {
  const ownership = OWNERSHIP_NAMES[unit.ownership];
  return {
    id: unit.id,
    name: unit.name,
    label: ownership && isSchool(unit) ? `${unit.kind_name} · ${ownership}` : unit.kind_name,
  };
}

/** A class as a row, with its class code when the server sends one. */
function classRow(klass) {
  return {
    id: klass.id,
    name: klass.name,
    grade: klass.grade,
    classCode: klass.class_code || '',
  };
}

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    emptyText: '',
    unit: null,
    units: [],
    classes: [],
    showClasses: false,
    hasCodes: false,
    canDrawCampus: false,
  },

  /** Without `id` the caller's top units; with it, that unit's units or classes. */
  onLoad(options) {
    this.unitId = options && options.id ? Number(options.id) : null;
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

  /** Load this level. */
  load() {
    const work = this.unitId ? this.loadUnit(this.unitId) : this.loadRoots();
    return work.catch((err) => this.setData(errorState(err)));
  },

  /** The caller's top units. */
  loadRoots() {
    return api.call('units').then((res) => {
      const units = res.units.map(unitRow);
      this.setData({ ...readyState(units.length), units, emptyText: '你还没有可以查看的单位' });
    });
  },

  /** A unit: a school's classes (a school with none still shows, for its campus link), else its units. */
  loadUnit(id) {
    return api.call('unit', { params: { id } }).then((unit) => {
      wx.setNavigationBarTitle({ title: unit.name });
      this.setData({ unit: unitRow(unit), showClasses: isSchool(unit) });
      if (isSchool(unit)) {
        this.showCampusLink();
        return api.call('unitClasses', { params: { id } }).then((res) => {
          const classes = res.classes.map(classRow);
          this.setData({ ...readyState(1), classes, hasCodes: classes.some((c) => c.classCode) });
        });
      }
      return api.call('units', { query: { parent_id: id } }).then((res) => {
        const units = res.units.map(unitRow);
        this.setData({ ...readyState(units.length), units, emptyText: `${unit.name}下面没有单位` });
      });
    });
  },

  /** The safety officer (and anyone above with the capability) draws the campus boundary. */
  showCampusLink() {
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => app.getMe())
      .then((me) => this.setData({ canDrawCampus: ((me && me.capabilities) || []).includes('unit.campus') }))
      .catch(() => null);
  },

  /** The campus boundary page. */
  openCampus() {
    wx.navigateTo({ url: `/pages/units/campus?id=${this.unitId}` });
  },

  /** A unit opens its own page (back goes up a level). */
  openUnit(event) {
    wx.navigateTo({ url: `/pages/units/index?id=${event.currentTarget.dataset.id}` });
  },

  /** Copy a class code for the parents. */
  copyClassCode(event) {
    const code = event.currentTarget.dataset.code;
    if (code) wx.setClipboardData({ data: code });
  },
});
