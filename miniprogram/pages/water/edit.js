/**
 * 登记水域 / 编辑水域 (`?id=` to edit), made at the place: name, kind, the position (where the phone
 * stands, or picked on the map), an optional line along the bank or polygon around the water
 * walked vertex by vertex (undo, clear), the radius of a visit, the five measures, who looks after
 * it, the schools it concerns and a note. Checked in Chinese before sending; a 422's details go
 * back on their fields. 停用 (DELETE) after a red confirmation.
 */
const api = require('../../api/client');
const { KINDS, MEASURES } = require('../../utils/water');
const {
  RADIUS, SHAPES, emptyForm, formFrom, addVertex, verticesText, formMap, validateWater, waterErrorsFromApi,
  schoolChoices,
} = require('../../utils/water-form');
const { locateOrExplain } = require('../../utils/location');
const { alert, modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const { eventValue } = require('../../utils/event-value');

/** wx.chooseLocation near `near` -> a GCJ-02 position, or null when cancelled. */
function chooseOnMap(near) {
  return new Promise((resolve) => {
    wx.chooseLocation({
      ...(near ? { latitude: near.lat, longitude: near.lng } : {}),
      success: (res) => resolve({ lat: res.latitude, lng: res.longitude, coord_system: 'gcj02' }),
      fail: () => resolve(null),
    });
  });
}

/** "已定位（精度约 12 米）" / "已在地图上选定" / ''. */
function positionText(position) {
  if (!position) return '';
  if (position.accuracy) return `已定位（精度约 ${Math.round(position.accuracy)} 米）`;
  return `已选定位置（${Number(position.lat).toFixed(5)}, ${Number(position.lng).toFixed(5)}）`;
}

Page({
  data: {
    ...loadingState(),
    pointId: null,
    kinds: KINDS,
    shapes: SHAPES,
    measureList: MEASURES,
    radiusMin: RADIUS.min,
    radiusMax: RADIUS.max,
    form: emptyForm(),
    errors: {},
    schools: [],
    positionText: '',
    locating: false,
    verticesText: '',
    map: null,
    saving: false,
  },

  /** A new point (`?unit_id=` ticks that school), or the point `?id=` to change. */
  onLoad(query = {}) {
    this.pointId = query.id ? Number(query.id) : null;
    this.unitId = query.unit_id ? Number(query.unit_id) : null;
    if (this.pointId) wx.setNavigationBarTitle({ title: '编辑水域' });
    this.setData({ pointId: this.pointId });
    return this.load();
  },

  /** The error's 重试. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** The caller's schools, and the point when editing. */
  async load() {
    try {
      const me = await getApp().getMe();
      const point = this.pointId ? await api.call('waterPoint', { params: { id: this.pointId } }) : null;
      const schools = await schoolChoices(me, point ? point.schools : []);
      let form;
      if (point) form = formFrom(point);
      else {
        const start = schools.length === 1 ? [schools[0].id] : schools.filter((s) => s.id === this.unitId).map((s) => s.id);
        form = emptyForm(start);
      }
      // The ids as strings, as the form keeps them.
      this.schools = schools.map((s) => ({ ...s, key: String(s.id) }));
      this.setData(readyState(1));
      this.apply(form);
    } catch (err) {
      this.setData(errorState(err));
    }
  },

  /** Set the form and what is shown from it (position words, vertex count, the map). */
  apply(form, errors = this.data.errors) {
    this.setData({
      form,
      schools: (this.schools || []).map((s) => ({ ...s, on: form.schoolIds.includes(s.key) })),
      errors,
      positionText: positionText(form.position),
      verticesText: verticesText(form.shapeType, form.vertices.length),
      map: formMap(form),
    });
  },

  /** Change some fields; the messages of those fields go. */
  patch(fields, clears = Object.keys(fields)) {
    const errors = { ...this.data.errors };
    clears.forEach((key) => { delete errors[key]; });
    this.apply({ ...this.data.form, ...fields }, errors);
  },

  /** A text field (`data-field`). */
  input(event) {
    const { field } = event.currentTarget.dataset;
    const value = eventValue(event);
    this.patch({ [field]: value });
  },

  /** 河流 / 池塘 / ... */
  pickKind(event) {
    this.patch({ kind: event.currentTarget.dataset.kind });
  },

  /** 使用当前位置: where the phone stands. */
  async useCurrent() {
    this.setData({ locating: true });
    const result = await locateOrExplain();
    this.setData({ locating: false });
    if (result.position) this.patch({ position: result.position });
    else this.setData({ 'errors.position': result.error.message.replace('隐患', '水域') });
  },

  /** 在地图上选. */
  async chooseOnMap() {
    const position = await chooseOnMap(this.data.form.position);
    if (position) this.patch({ position });
  },

  /** 只标一个点 / 沿岸线打点 / 围着水面打点. */
  pickShape(event) {
    this.patch({ shapeType: event.currentTarget.dataset.shape }, ['shape']);
  },

  /**
   * 添加当前位置 as the next vertex while walking the bank; the first one also becomes the point's
   * position when it has none yet.
   */
  async addVertex() {
    this.setData({ locating: true });
    const result = await locateOrExplain();
    this.setData({ locating: false });
    if (!result.position) {
      await alert('无法定位', result.error.message.replace('隐患', '水域'));
      return;
    }
    const { form } = this.data;
    const vertices = addVertex(form.vertices, result.position);
    if (vertices === form.vertices) {
      wx.showToast({ title: '最多 200 个点', icon: 'none' });
      return;
    }
    this.patch({ vertices, position: form.position || result.position }, ['shape', 'position']);
  },

  /** 撤销 the last vertex. */
  undoVertex() {
    this.patch({ vertices: this.data.form.vertices.slice(0, -1) }, ['shape']);
  },

  /** 清空 the vertices, after asking. */
  async clearVertices() {
    const answer = await modal({ title: '清空所有点', content: '已经打的点都会删除，需要重新沿岸线走一遍。确定清空吗？', confirmText: '清空' });
    if (answer.confirm) this.patch({ vertices: [] }, ['shape']);
  },

  /** The radius stepper. */
  changeRadius(event) {
    this.patch({ radius: Number(event.detail) });
  },

  /** A measure's switch (`data-key`). */
  toggleMeasure(event) {
    const { key } = event.currentTarget.dataset;
    this.patch({ measures: { ...this.data.form.measures, [key]: Boolean(event.detail) } }, ['measures']);
  },

  /** A school tapped: ticked, or no longer. */
  toggleSchool(event) {
    const { key } = event.currentTarget.dataset;
    const ids = this.data.form.schoolIds;
    this.patch({ schoolIds: ids.includes(key) ? ids.filter((id) => id !== key) : [...ids, key] }, ['schools']);
  },

  /** 保存: checked here, then POST (new) or PATCH (editing); back to the list. */
  async save() {
    if (this.data.saving) return;
    const check = validateWater(this.data.form);
    if (!check.ok) {
      this.setData({ errors: check.errors });
      wx.showToast({ title: `还有 ${Object.keys(check.errors).length} 项需要修改`, icon: 'none' });
      return;
    }
    this.setData({ saving: true });
    try {
      if (this.pointId) await api.call('waterPointUpdate', { params: { id: this.pointId }, body: check.body });
      else await api.call('waterPointCreate', { body: check.body });
      this.setData({ saving: false });
      wx.showToast({ title: this.pointId ? '已保存' : '水域已登记', icon: 'success' });
      wx.navigateBack();
    } catch (err) {
      this.setData({ saving: false });
      const errors = waterErrorsFromApi(err);
      if (Object.keys(errors).length) this.setData({ errors: { ...this.data.errors, ...errors } });
      else await alert('没有保存成功', err.message);
    }
  },

  /** 停用 this point (DELETE), confirmed in red; its history stays. */
  async retire() {
    const answer = await modal({
      title: '停用水域',
      content: `停用后“${this.data.form.name}”不再安排巡查，已有的巡查记录保留。确定停用吗？`,
      confirmText: '停用',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    try {
      await api.call('waterPointDelete', { params: { id: this.pointId } });
      wx.showToast({ title: '已停用', icon: 'success' });
      wx.navigateBack();
    } catch (err) {
      await alert('没有停用成功', err.message);
    }
  },
});
