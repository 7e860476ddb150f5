/**
 * 水域巡查: first the caller's visits due (GET /water-points/due: the point, the school, the period
 * tag and the deadline, each with 去巡查), then the water points of the chosen unit (GET
 * /water-points?unit_id=; a picker when the caller's roles are at several units) as a list or on
 * the map. A point tapped (its row or its marker) opens its detail with 去巡查, 编辑 (may_manage)
 * and 导航. 登记水域 for water.manage holders. Without signal, the copy kept on the phone shows
 * under the stale banner.
 */
const nav = require('../../utils/nav');
const subscribe = require('../../utils/subscribe');
const { unitsFor } = require('../../utils/patrol-admin');
const {
  loadWater, dueRow, pointRow, pointDetail, mapView,
} = require('../../utils/water');
const { loadingState, errorState } = require('../../utils/page-state');

const EMPTY_MAP = mapView([]);

Page({
  data: {
    ...loadingState(),
    savedAt: '',
    units: [],
    unitIndex: 0,
    visits: [],
    rows: [],
    mode: 'list',
    map: EMPTY_MAP,
    selected: null,
    mayCreate: false,
    emptyText: '',
  },

  /** The caller's units (from /me) and whether they may register points, then the lists. */
  async onLoad(query = {}) {
    const me = await getApp().getMe().catch(() => null);
    const units = unitsFor(me);
    const wanted = units.findIndex((u) => String(u.id) === String(query.unit_id));
    const mayCreate = ((me && me.capabilities) || []).includes('water.manage');
    this.setData({
      units,
      unitIndex: wanted < 0 ? 0 : wanted,
      mayCreate,
      emptyText: mayCreate ? '还没有登记需要巡查的水域。站在水域边，点“登记水域”' : '还没有登记需要巡查的水域',
    });
    this.loaded = true;
    return this.load();
  },

  /** Back from a round or the form: the lists as they are now. */
  onShow() {
    subscribe.prepare(); // so that the first 去巡查 can ask for the visit reminders at once
    if (!this.shown) {
      this.shown = true;
      return Promise.resolve();
    }
    return this.loaded ? this.load() : Promise.resolve();
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

  /** The due visits and the chosen unit's points (or the copy on the phone without signal). */
  load() {
    const unit = this.data.units[this.data.unitIndex];
    return loadWater(unit ? unit.id : null)
      .then(({ value, savedAt }) => {
        this.points = value.points;
        const visits = value.visits.map((v) => dueRow(v));
        const rows = value.points.map((p) => pointRow(p));
        const selectedId = this.data.selected && this.data.selected.id;
        const still = value.points.find((p) => p.id === selectedId);
        this.setData({
          state: visits.length || rows.length ? '' : 'empty',
          error: '',
          offline: false,
          savedAt: savedAt || '',
          visits,
          rows,
          map: mapView(value.points, still ? still.id : null),
          selected: still ? pointDetail(still) : null,
        });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** Another unit from the picker. */
  pickUnit(event) {
    this.setData({ unitIndex: Number(event.detail.value), selected: null, ...loadingState() });
    return this.load();
  },

  /** 列表 / 地图. */
  setMode(event) {
    this.setData({ mode: event.currentTarget.dataset.mode });
  },

  /** A point's row or its marker tapped: its detail, and the map centred on it. */
  select(event) {
    const id = Number(event.detail && event.detail.markerId !== undefined
      ? event.detail.markerId
      : event.currentTarget.dataset.id);
    const point = (this.points || []).find((p) => p.id === id);
    if (!point) return;
    this.setData({ selected: pointDetail(point), map: mapView(this.points, id) });
  },

  /** 收起 the detail. */
  closeDetail() {
    this.setData({ selected: null, map: mapView(this.points || []) });
  },

  /**
   * 去巡查 (a due visit's or the selected point's): the round page by checkpoint id. The first tap
   * also asks, still inside the tap as WeChat requires, for the pushes of visits due and missed.
   */
  visit(event) {
    subscribe.askOnce(this, subscribe.PATROL_KEYS);
    nav.open(event.currentTarget.dataset.url);
  },

  /** 编辑 the selected point. */
  edit() {
    nav.open(this.data.selected.editUrl);
  },

  /** 登记水域, with the chosen unit's school ticked when it is one. */
  create() {
    const unit = this.data.units[this.data.unitIndex];
    nav.open(unit ? `/pages/water/edit?unit_id=${unit.id}` : '/pages/water/edit');
  },

  /** 导航 to the selected point in WeChat's map. */
  navigate() {
    const { lat, lng, name } = this.data.selected;
    wx.openLocation({ latitude: lat, longitude: lng, name, scale: 16 });
  },
});
