/**
 * A school's campus boundary, drawn on the phone by its safety officer: the centre picked on the
 * map (wx.chooseLocation, GCJ-02) with a radius, or a polygon tapped out point by point along the
 * fence. Reports outside it are flagged "不在校园范围内"; water points and the perimeter lie outside.
 */
const api = require('../../api/client');
const { COLORS } = require('../../utils/colors');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

const DEFAULT_RADIUS = 200;
const MIN_POINTS = 3;
const MAX_POINTS = 100;

/** wx.chooseLocation -> {lat, lng} in GCJ-02, or null when cancelled. */
function pickOnMap(near) {
  return new Promise((resolve) => {
    wx.chooseLocation({
      ...(near ? { latitude: near.lat, longitude: near.lng } : {}),
      success: (res) => resolve({ lat: res.latitude, lng: res.longitude }),
      fail: () => resolve(null),
    });
  });
}

/** What the map component draws for the shape being edited. */
function mapShapes(mode, center, radius, points) {
  const shapes = { markers: [], circles: [], polygons: [] };
  if (mode === 'circle' && center) {
    shapes.markers = [{ id: 1, latitude: center.lat, longitude: center.lng, width: 24, height: 24 }];
    shapes.circles = [{
      latitude: center.lat, longitude: center.lng, radius, color: `${COLORS.primary}AA`, fillColor: `${COLORS.primary}33`, strokeWidth: 2,
    }];
  }
  if (mode === 'polygon' && points.length) {
    shapes.markers = points.map((p, i) => ({ id: i + 1, latitude: p.lat, longitude: p.lng, width: 16, height: 16 }));
    if (points.length >= MIN_POINTS) {
      shapes.polygons = [{
        points: points.map((p) => ({ latitude: p.lat, longitude: p.lng })), strokeColor: COLORS.primary, fillColor: `${COLORS.primary}33`, strokeWidth: 2,
      }];
    }
  }
  return shapes;
}

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    name: '',
    mode: 'circle',
    center: null,
    radius: DEFAULT_RADIUS,
    points: [],
    shapes: { markers: [], circles: [], polygons: [] },
    saving: false,
    formError: '',
  },

  /** Open the campus of school `id`. */
  onLoad(options) {
    this.id = Number(options && options.id);
    return this.load();
  },

  /** The error's 重试. */
  retry() {
    return this.load();
  },

  /** The boundary drawn so far (none yet: a circle to draw). */
  load() {
    this.setData(loadingState());
    return api.call('unitCampus', { params: { id: this.id } })
      .then((campus) => {
        wx.setNavigationBarTitle({ title: `${campus.name} · 校园范围` });
        this.apply({
          ...readyState(1),
          name: campus.name,
          mode: campus.polygon ? 'polygon' : 'circle',
          center: campus.center,
          radius: campus.radius_m ? Math.round(campus.radius_m) : DEFAULT_RADIUS,
          points: campus.polygon || [],
        });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** Set data and redraw the map from it. */
  apply(patch) {
    const next = { ...this.data, ...patch };
    this.setData({ ...patch, formError: '', shapes: mapShapes(next.mode, next.center, next.radius, next.points) });
  },

  /** 中心点 + 半径, or 沿围墙圈出. */
  setMode(event) {
    this.apply({ mode: event.currentTarget.dataset.mode });
  },

  /** The centre picked on the map. */
  async pickCenter() {
    const center = await pickOnMap(this.data.center);
    if (center) this.apply({ center });
  },

  /** The radius stepper. */
  onRadiusChange(event) {
    this.apply({ radius: Number(event.detail) });
  },

  /** One more boundary point, picked on the map near the last one. */
  async addPoint() {
    if (this.data.points.length >= MAX_POINTS) return;
    const points = this.data.points;
    const point = await pickOnMap(points[points.length - 1]);
    if (point) this.apply({ points: [...points, point] });
  },

  /** Undo the last point. */
  removeLastPoint() {
    this.apply({ points: this.data.points.slice(0, -1) });
  },

  /** Check the shape, then save it (PUT .../campus). */
  async save() {
    if (this.data.saving) return;
    const { mode, center, radius, points } = this.data;
    let body;
    if (mode === 'circle') {
      if (!center) {
        this.setData({ formError: '请先在地图上选择校园中心' });
        return;
      }
      body = { coord_system: 'gcj02', center, radius_m: radius };
    } else {
      if (points.length < MIN_POINTS) {
        this.setData({ formError: `请沿校园边界至少选择 ${MIN_POINTS} 个点` });
        return;
      }
      body = { coord_system: 'gcj02', polygon: points };
    }
    this.setData({ saving: true, formError: '' });
    try {
      await api.call('unitCampusDraw', { params: { id: this.id }, body });
      this.setData({ saving: false });
      wx.showToast({ title: '已保存校园范围', icon: 'success' });
    } catch (err) {
      this.setData({ saving: false, formError: err.message });
    }
  },
});
