/** Patrol API answers shaped like the contract of issue 10, for the patrol tests. */
const TOKEN = 'cp_token_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const TEMPLATE = {
  id: 7,
  code: 'fire_daily',
  kind: 'fire',
  name: '每日防火巡查',
  version: 2,
  unit: null,
  items: [
    { id: 1, code: 'ext', text: '灭火器在位、压力正常、在有效期内', hint: '看压力表', focus_problem: { code: 'area1.p1', name: '消防器材' } },
    { id: 2, code: 'exit', text: '安全出口、疏散通道畅通', hint: '', focus_problem: { code: 'area1.p2', name: '疏散通道' } },
    { id: 3, code: 'light', text: '应急照明和疏散指示标志完好', hint: '', focus_problem: { code: 'area1.p3', name: '应急照明' } },
  ],
};

const CHECKPOINT = {
  id: 5,
  school: { id: 3, name: '城东第一小学' },
  name: '食堂后厨',
  position: { lat: 33.6461, lng: 116.9647, coord_system: 'gcj02' },
  radius_m: 30,
  template_codes: ['fire_daily'],
  active: true,
};

const SCAN = { checkpoint: CHECKPOINT, templates: [TEMPLATE] };

/** A slot of today, `opens`/`closes` in minutes from now. */
function slot(id, name, opens, closes, status = 'open', patrolId = null, now = new Date()) {
  const at = (m) => new Date(now.getTime() + m * 60000).toISOString();
  return {
    id,
    plan: { id: 1, name: '每日防火巡查' },
    checkpoint: { id: id + 100, name },
    school: { id: 3, name: '城东第一小学' },
    opens_at: at(opens),
    closes_at: at(closes),
    status,
    patrol_id: patrolId,
  };
}

/** A Patrol (with answers). */
function patrol(id, extra = {}) {
  return {
    id,
    client_uuid: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
    checkpoint: { id: 5, name: '食堂后厨' },
    school: { id: 3, name: '城东第一小学' },
    template: { id: 7, code: 'fire_daily', name: '每日防火巡查', version: 2 },
    user: { id: 9, display_name: '王老师' },
    slot_id: 3,
    position: { lat: 33.6461, lng: 116.9647, coord_system: 'gcj02' },
    accuracy_m: 12,
    distance_m: 8.4,
    scanned_at: '2026-11-29T00:05:00Z',
    sent_at: '2026-11-29T00:12:00Z',
    received_at: '2026-11-29T00:12:02Z',
    late_submission: false,
    flags: [],
    counts: { pass: 2, fail: 1, na: 0 },
    answers: [
      { item: { id: 1, code: 'ext', text: '灭火器在位' }, answer: 'pass', note: '', hazard_id: null, photos: [] },
      { item: { id: 2, code: 'exit', text: '安全出口畅通' }, answer: 'fail', note: '通道堆放杂物', hazard_id: 77, photos: [{ id: 4, url: 'http://x/4.jpg', thumb_url: 'http://x/4t.jpg' }] },
      { item: { id: 3, code: 'light', text: '应急照明完好' }, answer: 'pass', note: '', hazard_id: null, photos: [] },
    ],
    ...extra,
  };
}

module.exports = { TOKEN, TEMPLATE, CHECKPOINT, SCAN, slot, patrol };
