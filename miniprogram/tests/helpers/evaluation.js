/** API answers of the year-end evaluation (GET /evaluation, GET /evaluation/schools/{id}), shaped like the contract. */
const { CENTER, SCHOOL_A, KINDER } = require('./fixtures');

const group = { id: CENTER.id, name: CENTER.name };

const RANKING = {
  year: 2026,
  date_from: '2026-01-01',
  date_to: '2026-12-31',
  unit: { id: CENTER.id, name: CENTER.name, kind: 'center_school' },
  criteria: [
    { code: 'rectification', name: '隐患按期整改', points: 25, kind: 'measured' },
    { code: 'records', name: '安全制度与台账资料', points: 8, kind: 'hand' },
  ],
  schools: [
    {
      school: { id: SCHOOL_A.id, name: SCHOOL_A.name }, group, score: '87.50', rank_in_district: 3, rank_in_group: 1,
      complete: true, scores: { rectification: '22.50', records: '8.00' },
    },
    {
      school: { id: KINDER.id, name: KINDER.name }, group, score: '61.00', rank_in_district: 57, rank_in_group: 2,
      complete: false, scores: { rectification: '25.00', records: '0.00' },
    },
  ],
};

/** A measured criterion of a school's evaluation. */
const measured = (over) => ({
  kind: 'measured', not_applicable: false, lines: [], more: 0, hand: null, ...over,
});

/** A hand item (`hand` null fields: unscored). */
const handItem = (code, name, points, hand) => ({
  code,
  name,
  kind: 'hand',
  points,
  score: hand.score || '0.00',
  lost: hand.score ? (Number(points) - Number(hand.score)).toFixed(2) : points,
  not_applicable: false,
  measure: hand.score ? '' : '未评分',
  lines: hand.score ? [] : [{ text: '未评分', points_lost: points, evidence: { kind: 'hand_item', id: null, href: `/console/evaluation/schools/3?year=2026#item-${code}` } }],
  more: 0,
  hand: {
    score: null, note: '', scored_by: null, scored_at: null, ...hand,
  },
});

const SCHOOL = {
  year: 2026,
  date_from: '2026-01-01',
  date_to: '2026-12-31',
  school: { id: SCHOOL_A.id, name: SCHOOL_A.name },
  group,
  score: '81.50',
  points: '100.00',
  rank_in_district: 3,
  rank_in_group: 1,
  district_size: 400,
  group_size: 12,
  complete: false,
  criteria: [
    measured({
      code: 'rectification',
      name: '隐患按期整改',
      points: '25.00',
      score: '22.50',
      lost: '2.50',
      measure: '按期整改 9/10',
      lines: [{ text: '隐患#123 逾期7天未整改(教学楼楼梯扶手松动)', points_lost: '2.50', evidence: { kind: 'hazard', id: 123, href: '/console/hazards/123' } }],
    }),
    measured({
      code: 'patrols',
      name: '巡查按时完成',
      points: '20.00',
      score: '19.00',
      lost: '1.00',
      measure: '按时完成 95/100',
      lines: [{ text: '食堂后厨 漏巡 5 次', points_lost: null, evidence: { kind: 'patrol', id: null, href: '/console/patrols?unit_id=3&from=2026-01-01&to=2026-12-31&missed=true' } }],
      more: 3,
    }),
    measured({
      code: 'buses', name: '校车出车前检查', points: '10.00', score: '10.00', lost: '0.00', not_applicable: true, measure: '没有校车',
    }),
    handItem('records', '安全制度与台账资料', '8.00', {
      score: '6.50', note: '台账不全', scored_by: { id: 9, name: '李专家' }, scored_at: '2026-11-20T02:30:00Z',
    }),
    handItem('drills', '应急疏散演练', '6.00', {}),
  ],
};

module.exports = { RANKING, SCHOOL };
