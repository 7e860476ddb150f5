/** Water-point API answers shaped like the contract of issue 11, for the water tests. */
const { TEMPLATE } = require('./patrols');

const SCHOOL = { id: 3, name: '城东第一小学' };
const OTHER_SCHOOL = { id: 5, name: '区直实验学校' };

/** A day `days` from now (negative: before) at `hour`:00 UTC, as ISO. */
function dayAt(days, hour = 12, now = new Date()) {
  const d = new Date(now.getTime() + days * 86400000);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

/** A WaterPoint. */
function point(id, extra = {}) {
  return {
    id,
    checkpoint_id: id + 30,
    name: '沱河符离段',
    kind: 'river',
    kind_name: '河流',
    position: { lat: 33.79, lng: 116.97, coord_system: 'gcj02' },
    shape: null,
    radius_m: 100,
    measures: {
      warning_sign: true, barrier: false, life_buoy: true, rope: false, pole: false,
    },
    missing_measures: ['护栏围挡', '救生绳', '救生杆'],
    caretaker: { name: '张村委', phone: '13800000000' },
    note: null,
    unit: SCHOOL,
    schools: [SCHOOL],
    active: true,
    last_visit: {
      patrol_id: 9, scanned_at: dayAt(-3), user: { id: 4, name: '张老师' }, failed: 0,
    },
    next_due: {
      slot_id: 12, opens_at: dayAt(-1), closes_at: dayAt(5), status: 'open',
    },
    may_manage: true,
    ...extra,
  };
}

const POND = point(8, {
  name: '张庄大塘',
  kind: 'pond',
  kind_name: '池塘',
  position: { lat: 33.8, lng: 116.98, coord_system: 'gcj02' },
  shape: { type: 'Polygon', coordinates: [[33.8, 116.98], [33.801, 116.98], [33.801, 116.981]] },
  measures: {
    warning_sign: true, barrier: true, life_buoy: true, rope: true, pole: true,
  },
  missing_measures: [],
  caretaker: null,
  last_visit: null,
  next_due: null,
  may_manage: false,
});

const RIVER = point(7, {
  shape: { type: 'LineString', coordinates: [[33.79, 116.97], [33.791, 116.972]] },
});

/** A due visit (GET /water-points/due). */
function due(slotId, extra = {}) {
  return {
    slot_id: slotId,
    water_point: {
      id: 7, name: '沱河符离段', kind: 'river', kind_name: '河流',
    },
    checkpoint_id: 37,
    school: SCHOOL,
    opens_at: dayAt(-1),
    closes_at: dayAt(2),
    status: 'open',
    period_name: '汛期',
    ...extra,
  };
}

/** A water checkpoint's scan answer and its checklist. */
const WATER_TEMPLATE = {
  ...TEMPLATE,
  id: 21,
  code: 'water_point',
  kind: 'water',
  name: '水域巡查',
  items: [
    { id: 51, code: 'sign', text: '警示标志清楚、完好', hint: '', focus_problem: { code: 'area4.p1', name: '警示标志' } },
    { id: 52, code: 'barrier', text: '护栏围挡完好', hint: '', focus_problem: { code: 'area4.p2', name: '防护设施' } },
  ],
};
const WATER_CHECKPOINT = {
  id: 37,
  school: SCHOOL,
  name: '沱河符离段',
  position: { lat: 33.79, lng: 116.97, coord_system: 'gcj02' },
  radius_m: 100,
  template_codes: ['water_point'],
  active: true,
  kind: 'water',
  shape: null,
};
const WATER_SCAN = { checkpoint: WATER_CHECKPOINT, templates: [WATER_TEMPLATE] };

const COVERAGE = {
  from: '2026-09-01',
  to: '2026-11-29',
  totals: {
    due: 10, done: 6, late: 1, missed: 2, open: 1, rate: 7 / 9,
  },
  schools: [{
    school: SCHOOL, due: 10, done: 6, late: 1, missed: 2, open: 1, rate: 7 / 9,
  }],
  points: [
    {
      water_point: { id: 7, name: '沱河符离段' }, due: 6, done: 5, late: 0, missed: 0, open: 1, rate: 1,
    },
    {
      water_point: { id: 8, name: '张庄大塘' }, due: 4, done: 1, late: 1, missed: 2, open: 0, rate: 0.5,
    },
  ],
  periods: [
    {
      code: 'flood', name: '汛期', due: 6, done: 4, late: 0, missed: 1, open: 1, rate: 0.8,
    },
    {
      code: 'summer', name: '暑假', due: 4, done: 2, late: 1, missed: 1, open: 0, rate: 0.75,
    },
  ],
  missed: [
    {
      slot_id: 40, water_point: { id: 8, name: '张庄大塘' }, school: SCHOOL, opens_at: '2026-07-01T04:00:00+00:00', closes_at: '2026-07-08T04:00:00+00:00', period_name: '汛期',
    },
    {
      slot_id: 41, water_point: { id: 8, name: '张庄大塘' }, school: SCHOOL, opens_at: '2026-08-01T04:00:00+00:00', closes_at: '2026-08-04T04:00:00+00:00', period_name: '暑假',
    },
  ],
};

module.exports = {
  SCHOOL, OTHER_SCHOOL, dayAt, point, POND, RIVER, due, WATER_TEMPLATE, WATER_CHECKPOINT, WATER_SCAN, COVERAGE,
};
