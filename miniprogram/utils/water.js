/**
 * Dangerous water points (防溺水) on the phone: their kinds and measures in words, the rows of
 * 水域巡查 (the visits due, the points with what they lack, the last visit and the next one), a
 * point's detail, what the WeChat <map> draws for them, and loading them with the copy kept on the
 * phone per unit (utils/cache.js key 'water') for use without signal.
 */
const api = require('../api/client');
const cache = require('./cache');
const { formatDate } = require('./format');
const { tagType } = require('./tone');
const { COLORS } = require('./colors');

const KINDS = [
  { value: 'river', label: '河流' },
  { value: 'pond', label: '池塘' },
  { value: 'reservoir', label: '水库' },
  { value: 'ditch', label: '沟渠' },
  { value: 'pit', label: '坑塘' },
  { value: 'other', label: '其他' },
];
const KIND_NAMES = Object.fromEntries(KINDS.map((k) => [k.value, k.label]));

const MEASURES = [
  { key: 'warning_sign', label: '警示标志' },
  { key: 'barrier', label: '护栏围挡' },
  { key: 'life_buoy', label: '救生圈' },
  { key: 'rope', label: '救生绳' },
  { key: 'pole', label: '救生杆' },
];

// The schedule's periods by the names the API gives (period_name), as tone.js statuses.
const PERIODS = { 汛期: 'flood', 暑假: 'summer', 平时: 'normal' };

const DAY_MS = 86400000;
const KEPT_UNITS = 10; // units whose points are kept on the phone, the most recently opened

/** The round page's URL for a water point's checkpoint (no sticker: opened by its id). */
function roundUrl(checkpointId) {
  return `/pages/patrol/round?checkpoint_id=${checkpointId}`;
}

/** A period name as a tag: {text, type} (an unknown name reads as 平时's colour). */
function periodTag(name) {
  const text = name || '平时';
  return { text, type: tagType('waterPeriod', PERIODS[text] || 'normal') };
}

/**
 * "11月30日前": the last day of a window closing at `closesAt` (a window closing at midnight
 * ends the day before), in the phone's zone.
 */
function deadlineText(closesAt, now = new Date()) {
  const end = new Date(new Date(closesAt).getTime() - 1);
  if (!closesAt || Number.isNaN(end.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${formatDate(`${end.getFullYear()}-${pad(end.getMonth() + 1)}-${pad(end.getDate())}`, now)}前`;
}

/** The calendar day (phone's zone) of a timestamp, as a day number for differences. */
function dayNumber(date) {
  return Math.round(new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime() / DAY_MS);
}

/** "今天" / "昨天" / "3天前" (up to 30 days), else the date. */
function agoText(value, now = new Date()) {
  const date = new Date(value);
  if (!value || Number.isNaN(date.getTime())) return '';
  const days = dayNumber(now) - dayNumber(date);
  if (days <= 0) return '今天';
  if (days === 1) return '昨天';
  if (days <= 30) return `${days}天前`;
  return formatDate(date.toISOString(), now);
}

/** A due visit (GET /water-points/due) as a row of 待巡查. */
function dueRow(visit, now = new Date()) {
  const point = visit.water_point || {};
  const opensLater = new Date(visit.opens_at).getTime() > now.getTime();
  const kindName = point.kind_name || KIND_NAMES[point.kind] || '';
  const school = (visit.school && visit.school.name) || '';
  return {
    id: visit.slot_id,
    name: point.name || '水域',
    kindName,
    school,
    meta: [school, kindName].filter(Boolean).join(' · '),
    period: periodTag(visit.period_name),
    deadline: opensLater ? `${formatDate(visit.opens_at, now)}起，${deadlineText(visit.closes_at, now)}` : deadlineText(visit.closes_at, now),
    url: roundUrl(visit.checkpoint_id),
  };
}

/** The names of the measures a point lacks (the server's list, else from its measures). */
function missingOf(point) {
  if (Array.isArray(point.missing_measures)) return point.missing_measures;
  const measures = point.measures || {};
  return MEASURES.filter((m) => !measures[m.key]).map((m) => m.label);
}

/** "3天前 张老师" for the last visit, or 从未巡查. */
function lastVisitText(visit, now = new Date()) {
  if (!visit) return '从未巡查';
  const who = visit.user && visit.user.name ? ` ${visit.user.name}` : '';
  return `${agoText(visit.scanned_at, now)}${who}`;
}

/** The next visit: "下次巡查：11月30日前", "12月1日起，12月7日前", or '' when none is planned. */
function nextDueText(next, now = new Date()) {
  if (!next) return '';
  const opensLater = new Date(next.opens_at).getTime() > now.getTime();
  const when = opensLater ? `${formatDate(next.opens_at, now)}起，${deadlineText(next.closes_at, now)}` : deadlineText(next.closes_at, now);
  return `下次巡查：${when}`;
}

/** A water point (WaterPoint) as a row of the list. */
function pointRow(point, now = new Date()) {
  const missing = missingOf(point);
  const failed = Boolean(point.last_visit && Number(point.last_visit.failed) > 0);
  return {
    id: point.id,
    checkpointId: point.checkpoint_id,
    name: point.name,
    kindName: point.kind_name || KIND_NAMES[point.kind] || '其他',
    kindType: tagType('waterPoint', 'kind'),
    missing: missing.length ? `缺：${missing.join('、')}` : '',
    lastVisit: lastVisitText(point.last_visit, now),
    neverVisited: !point.last_visit,
    failedText: failed ? `上次巡查 ${point.last_visit.failed} 项不合格` : '',
    nextDue: nextDueText(point.next_due, now),
    schools: (point.schools || []).map((s) => s.name).join('、'),
    mayManage: Boolean(point.may_manage),
  };
}

/** A point's detail (the section under the list or map once a point is tapped). */
function pointDetail(point, now = new Date()) {
  const measures = point.measures || {};
  const position = point.position || {};
  return {
    ...pointRow(point, now),
    measures: MEASURES.map((m) => ({ key: m.key, label: m.label, present: Boolean(measures[m.key]) })),
    radius: point.shape
      ? `${point.shape.type === 'Polygon' ? '水域范围' : '岸线'} ${(point.shape.coordinates || []).length} 个点，${point.radius_m} 米以内`
      : `${point.radius_m} 米以内`,
    caretaker: point.caretaker ? [point.caretaker.name, point.caretaker.phone].filter(Boolean).join(' ') : '',
    note: point.note || '',
    unit: (point.unit && point.unit.name) || '',
    lat: position.lat,
    lng: position.lng,
    roundUrl: roundUrl(point.checkpoint_id),
    editUrl: `/pages/water/edit?id=${point.id}`,
  };
}

/** [[lat, lng], ...] -> the map component's [{latitude, longitude}]. */
function mapPoints(coordinates) {
  return (coordinates || []).map(([lat, lng]) => ({ latitude: lat, longitude: lng }));
}

/**
 * What <map> draws: a marker per point (its id is the point's; missing measures in the warning
 * colour), a line along a bank, a polygon around a pond; the selected point's shape in bold.
 */
function mapView(points, selectedId = null) {
  const markers = [];
  const polylines = [];
  const polygons = [];
  (points || []).forEach((point) => {
    const position = point.position || {};
    if (!Number.isFinite(Number(position.lat)) || !Number.isFinite(Number(position.lng))) return;
    const colour = missingOf(point).length ? COLORS.warning : COLORS.primary;
    const selected = point.id === selectedId;
    markers.push({
      id: point.id,
      latitude: position.lat,
      longitude: position.lng,
      title: point.name,
      width: selected ? 32 : 24,
      height: selected ? 32 : 24,
      callout: { content: point.name, display: selected ? 'ALWAYS' : 'BYCLICK', padding: 6, borderRadius: 4 },
    });
    const shape = point.shape;
    if (shape && shape.type === 'LineString') {
      polylines.push({ points: mapPoints(shape.coordinates), color: colour, width: selected ? 6 : 4 });
    }
    if (shape && shape.type === 'Polygon') {
      polygons.push({
        points: mapPoints(shape.coordinates), strokeColor: colour, fillColor: `${colour}33`, strokeWidth: selected ? 4 : 2,
      });
    }
  });
  const centre = markers.find((m) => m.id === selectedId) || markers[0] || null;
  return {
    markers,
    polylines,
    polygons,
    // Fit every point in view, unless one is chosen: then centre on it.
    includePoints: selectedId ? [] : markers.map((m) => ({ latitude: m.latitude, longitude: m.longitude })),
    latitude: centre ? centre.latitude : 0,
    longitude: centre ? centre.longitude : 0,
  };
}

/** Keep a unit's answer, dropping the units opened longest ago beyond KEPT_UNITS. */
function keep(unitId, value) {
  const stored = cache.load('water');
  const map = (stored && stored.value) || {};
  const next = { ...map, [unitId]: { value, savedAt: Date.now() } };
  const ids = Object.keys(next).sort((a, b) => next[b].savedAt - next[a].savedAt).slice(0, KEPT_UNITS);
  cache.save('water', Object.fromEntries(ids.map((id) => [id, next[id]])));
}

/**
 * The caller's due visits and the points of `unitId` -> `{value: {visits, points}, savedAt}`
 * (savedAt '' when fresh, else when the copy shown was kept). Rejects when neither works.
 */
function loadWater(unitId) {
  const key = String(unitId || 0);
  return Promise.all([
    api.call('waterPointsDue'),
    unitId ? api.call('waterPoints', { query: { unit_id: unitId } }) : Promise.resolve({ water_points: [] }),
  ])
    .then(([due, list]) => {
      const value = { visits: due.visits || [], points: list.water_points || [] };
      keep(key, value);
      return { value, savedAt: '' };
    })
    .catch((err) => {
      const stored = cache.isNetworkFailure(err) ? cache.load('water') : null;
      const kept = stored && stored.value && stored.value[key];
      if (!kept) throw err;
      return { value: kept.value, savedAt: kept.savedAt };
    });
}

module.exports = {
  KINDS,
  KIND_NAMES,
  MEASURES,
  PERIODS,
  roundUrl,
  periodTag,
  deadlineText,
  agoText,
  dueRow,
  missingOf,
  lastVisitText,
  nextDueText,
  pointRow,
  pointDetail,
  mapPoints,
  mapView,
  loadWater,
};
