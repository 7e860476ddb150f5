/**
 * The form of 登记水域 / 编辑水域: empty or filled from a WaterPoint, the shape walked along the bank
 * (vertices added where the phone stands, undo, clear), the checks in Chinese before sending, the
 * body of POST / PATCH /water-points, and a 422's details put back on the fields.
 */
const api = require('../api/client');
const { MEASURES, mapView } = require('./water');
const { COLORS } = require('./colors');
const { isSchool, flattenUnitTree } = require('./units');

const NAME_MAX = 60;
const CARETAKER_NAME_MAX = 30;
const PHONE_PATTERN = /^[0-9+\- ]{0,20}$/;
const NOTE_MAX = 500;
const RADIUS = { min: 10, max: 500, initial: 50 };
const MAX_VERTICES = 200;
const MAX_SCHOOLS = 20;

// 不画 / 沿岸线 (a line) / 圈出水面 (a polygon), and the fewest vertices each needs.
const SHAPES = [
  { value: '', label: '只标一个点' },
  { value: 'LineString', label: '沿岸线打点' },
  { value: 'Polygon', label: '围着水面打点' },
];
const MIN_VERTICES = { LineString: 2, Polygon: 3 };

/** Every measure off. */
function noMeasures() {
  return Object.fromEntries(MEASURES.map((m) => [m.key, false]));
}

/** A new point's form; `schoolIds` are ticked to start with (the caller's one school). */
function emptyForm(schoolIds = []) {
  return {
    name: '',
    kind: '',
    position: null,
    shapeType: '',
    vertices: [],
    radius: RADIUS.initial,
    measures: noMeasures(),
    caretakerName: '',
    caretakerPhone: '',
    schoolIds: schoolIds.map(String),
    note: '',
  };
}

/** The form of an existing point. */
function formFrom(point) {
  const shape = point.shape || null;
  return {
    name: point.name || '',
    kind: point.kind || '',
    position: point.position ? { ...point.position } : null,
    shapeType: shape ? shape.type : '',
    vertices: shape ? (shape.coordinates || []).map(([lat, lng]) => ({ lat, lng })) : [],
    radius: point.radius_m || RADIUS.initial,
    measures: { ...noMeasures(), ...(point.measures || {}) },
    caretakerName: (point.caretaker && point.caretaker.name) || '',
    caretakerPhone: (point.caretaker && point.caretaker.phone) || '',
    schoolIds: (point.schools || []).map((s) => String(s.id)),
    note: point.note || '',
  };
}

/** One more vertex (where the phone stands), at most MAX_VERTICES. */
function addVertex(vertices, position) {
  if (!position || vertices.length >= MAX_VERTICES) return vertices;
  return [...vertices, { lat: position.lat, lng: position.lng }];
}

/** "已打 3 个点" with what the shape still needs. */
function verticesText(shapeType, count) {
  if (!shapeType) return '';
  const need = MIN_VERTICES[shapeType];
  const what = shapeType === 'Polygon' ? '围成水面' : '连成岸线';
  if (count >= need) return `已打 ${count} 个点`;
  return `已打 ${count} 个点，至少 ${need} 个点才能${what}`;
}

/** The shape for the API, or null. */
function shapeOf(form) {
  if (!form.shapeType || !form.vertices.length) return null;
  return { type: form.shapeType, coordinates: form.vertices.map((v) => [v.lat, v.lng]) };
}

/**
 * What the form's <map> shows: the point, its line or polygon once it has enough vertices (each
 * vertex a small marker while walking), and the radius around the point when there is no shape.
 */
function formMap(form) {
  if (!form.position) return null;
  const enough = form.shapeType && form.vertices.length >= MIN_VERTICES[form.shapeType];
  const view = mapView([{
    id: 0, name: form.name || '水域位置', position: form.position, shape: enough ? shapeOf(form) : null, measures: form.measures,
  }], 0);
  const vertices = form.shapeType ? form.vertices.map((v, i) => ({
    id: i + 1, latitude: v.lat, longitude: v.lng, width: 12, height: 12,
  })) : [];
  return {
    ...view,
    markers: [...view.markers, ...vertices],
    circles: form.shapeType ? [] : [{
      latitude: form.position.lat,
      longitude: form.position.lng,
      radius: Number(form.radius) || RADIUS.initial,
      color: COLORS.primary,
      fillColor: `${COLORS.primary}22`,
      strokeWidth: 1,
    }],
  };
}

/** The form -> `{ok, errors: {field: 中文}, body}` for POST /water-points (PATCH takes the same). */
function validateWater(form) {
  const errors = {};
  const name = String(form.name || '').trim();
  if (!name) errors.name = '请填写水域名称，例如“沱河符离段”';
  else if (name.length > NAME_MAX) errors.name = `名称最多 ${NAME_MAX} 个字`;
  if (!form.kind) errors.kind = '请选择水域类型';
  if (!form.position) errors.position = '请确定水域的位置：使用当前位置，或在地图上选';
  if (form.shapeType && form.vertices.length < MIN_VERTICES[form.shapeType]) {
    errors.shape = verticesText(form.shapeType, form.vertices.length);
  }
  const radius = Number(form.radius);
  if (!Number.isInteger(radius) || radius < RADIUS.min || radius > RADIUS.max) {
    errors.radius = `巡查范围须在 ${RADIUS.min} 到 ${RADIUS.max} 米之间`;
  }
  const caretakerName = String(form.caretakerName || '').trim();
  if (caretakerName.length > CARETAKER_NAME_MAX) errors.caretakerName = `看护人姓名最多 ${CARETAKER_NAME_MAX} 个字`;
  const phone = String(form.caretakerPhone || '').trim();
  if (!PHONE_PATTERN.test(phone)) errors.caretakerPhone = '电话只能填数字、+、- 和空格，最多 20 位';
  const note = String(form.note || '').trim();
  if (note.length > NOTE_MAX) errors.note = `备注最多 ${NOTE_MAX} 个字`;
  const schoolIds = (form.schoolIds || []).map(Number).sort((a, b) => a - b);
  if (!schoolIds.length) errors.schools = '请至少选择一所相关学校';
  else if (schoolIds.length > MAX_SCHOOLS) errors.schools = `最多选择 ${MAX_SCHOOLS} 所学校`;
  const ok = Object.keys(errors).length === 0;
  if (!ok) return { ok, errors, body: null };
  const body = {
    name,
    kind: form.kind,
    lat: form.position.lat,
    lng: form.position.lng,
    coord_system: form.position.coord_system || 'gcj02',
    radius_m: radius,
    shape: shapeOf(form),
    measures: { ...noMeasures(), ...form.measures },
    caretaker_name: caretakerName || null,
    caretaker_phone: phone || null,
    note: note || null,
    school_ids: schoolIds,
  };
  if (form.position.accuracy) body.accuracy = form.position.accuracy;
  return { ok, errors, body };
}

// The server's validation_error details, keyed by request field (its texts are English).
const SERVER_FIELDS = {
  name: ['name', `名称须为 1-${NAME_MAX} 个字`],
  kind: ['kind', '请选择水域类型'],
  lat: ['position', '位置不正确，请重新定位'],
  lng: ['position', '位置不正确，请重新定位'],
  accuracy: ['position', '定位精度不正确，请重新定位'],
  coord_system: ['position', '位置不正确，请重新定位'],
  radius_m: ['radius', `巡查范围须在 ${RADIUS.min} 到 ${RADIUS.max} 米之间`],
  shape: ['shape', `岸线至少 2 个点、水面至少 3 个点，最多 ${MAX_VERTICES} 个点`],
  measures: ['measures', '防护措施填写有误，请重新选择'],
  caretaker_name: ['caretakerName', `看护人姓名最多 ${CARETAKER_NAME_MAX} 个字`],
  caretaker_phone: ['caretakerPhone', '电话只能填数字、+、- 和空格，最多 20 位'],
  note: ['note', `备注最多 ${NOTE_MAX} 个字`],
  school_ids: ['schools', `请选择 1-${MAX_SCHOOLS} 所相关学校`],
};

/** Field errors for a 422 of the water-point endpoints (unknown fields left out). */
function waterErrorsFromApi(err) {
  const errors = {};
  if (err && err.code === 'validation_error' && err.details && typeof err.details === 'object') {
    Object.keys(err.details).forEach((field) => {
      const known = SERVER_FIELDS[field];
      if (known) errors[known[0]] = known[1];
    });
  }
  return errors;
}

/**
 * The schools a point may concern, for the caller: the schools of their roles, and below a role
 * above schools (a center school, the bureau) the schools found walking GET /units; `current` (a
 * point's own schools) are kept even when not found. Resolves [{id, name}] in that order.
 */
async function schoolChoices(me, current = []) {
  const units = [];
  const seen = new Set();
  ((me && me.grants) || []).forEach((g) => {
    if (g.unit && !seen.has(g.unit.id)) {
      seen.add(g.unit.id);
      units.push(g.unit);
    }
  });
  const own = units.filter(isSchool);
  const roots = units.filter((u) => !isSchool(u));
  const below = roots.length
    ? await flattenUnitTree(roots, (id) => api.call('units', { query: { parent_id: id } }).then((res) => res.units || []))
    : [];
  const schools = [];
  const ids = new Set();
  [...own, ...below.filter(isSchool), ...current].forEach((s) => {
    if (!ids.has(s.id)) {
      ids.add(s.id);
      schools.push({ id: s.id, name: s.name });
    }
  });
  return schools;
}

module.exports = {
  schoolChoices,
  RADIUS,
  SHAPES,
  MIN_VERTICES,
  MAX_VERTICES,
  emptyForm,
  formFrom,
  addVertex,
  verticesText,
  shapeOf,
  formMap,
  validateWater,
  waterErrorsFromApi,
};
