/**
 * Browse the units in scope, one level per page (so the back gesture goes up a level):
 * without `id` the caller's top units; with `id` that unit's sub-units, or a school's classes
 * (with class codes for the school's own staff).
 */
const api = require('../../api/client');
const { isSchool } = require('../../utils/units');

const OWNERSHIP_NAMES = { public: '公办', private: '民办' };

function unitRow(unit) {
  const ownership = OWNERSHIP_NAMES[unit.ownership];
  return {
    id: unit.id,
    name: unit.name,
    label: ownership && isSchool(unit) ? `${unit.kind_name} · ${ownership}` : unit.kind_name,
  };
}

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
    loading: true,
    error: '',
    unit: null,
    units: [],
    classes: [],
    showClasses: false,
    hasCodes: false,
    canDrawCampus: false,
  },

  onLoad(options) {
    this.unitId = options && options.id ? Number(options.id) : null;
    return this.load();
  },

  load() {
    const work = this.unitId ? this.loadUnit(this.unitId) : this.loadRoots();
    return work.catch((err) => this.setData({ loading: false, error: err.message }));
  },

  loadRoots() {
    return api.call('units').then((res) => {
      this.setData({ loading: false, units: res.units.map(unitRow) });
    });
  },

  loadUnit(id) {
    return api.call('unit', { params: { id } }).then((unit) => {
      wx.setNavigationBarTitle({ title: unit.name });
      this.setData({ unit: unitRow(unit), showClasses: isSchool(unit) });
      if (isSchool(unit)) {
        this.showCampusLink();
        return api.call('unitClasses', { params: { id } }).then((res) => {
          const classes = res.classes.map(classRow);
          this.setData({ loading: false, classes, hasCodes: classes.some((c) => c.classCode) });
        });
      }
      return api.call('units', { query: { parent_id: id } }).then((res) => {
        this.setData({ loading: false, units: res.units.map(unitRow) });
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

  openCampus() {
    wx.navigateTo({ url: `/pages/units/campus?id=${this.unitId}` });
  },

  openUnit(event) {
    wx.navigateTo({ url: `/pages/units/index?id=${event.currentTarget.dataset.id}` });
  },

  copyClassCode(event) {
    const code = event.currentTarget.dataset.code;
    if (code) wx.setClipboardData({ data: code });
  },
});
