/** API answers of the supervision endpoints (issue 12), shaped like the server's schemas. */
const { CENTER, SCHOOL_A, KINDER } = require('./fixtures');

const slots = (due, done, rate) => ({ due, done, late: 0, missed: due - done, rate });

/** A Figures object (hazard counts, slots, buses, notices). */
function figures(over = {}) {
  return {
    found: 12,
    fixed_on_spot: 2,
    fixed: 7,
    verified: 5,
    open: 4,
    overdue: 3,
    closed_not_hazard: 1,
    median_days_to_fix: 3.5,
    p90_days_to_fix: 12,
    open_age_days: { median: 6, max: 40 },
    funds_planned: '1200.00',
    patrols: slots(20, 17, 0.85),
    water: slots(4, 3, 0.75),
    buses: { trips_due: 0, cleared: 0, failed: 0, missed: 0, rate: null },
    notices: { children_targeted: 40, children_acknowledged: 38, rate: 0.95 },
    ...over,
  };
}

/** The hazard figures only (an area's row). */
const hazardOnly = (over = {}) => {
  const all = figures(over);
  ['patrols', 'water', 'buses', 'notices'].forEach((key) => delete all[key]);
  return all;
};

const FIGURES = {
  unit: { id: CENTER.id, name: CENTER.name },
  from: '2026-09-01',
  to: '2026-11-29',
  totals: figures(),
  children: [
    { ...figures({ found: 9, open: 3, overdue: 3 }), unit: { id: SCHOOL_A.id, name: SCHOOL_A.name, kind: 'school' } },
    {
      ...figures({ found: 3, open: 1, overdue: 0, patrols: slots(0, 0, null) }),
      unit: { id: KINDER.id, name: KINDER.name, kind: 'kindergarten' },
    },
  ],
  by_area: [
    { ...hazardOnly({ found: 8, fixed: 5, open: 3, overdue: 2 }), area: { code: 'area1', name: '消防安全' } },
    { ...hazardOnly({ found: 4, fixed: 2, open: 1, overdue: 0 }), area: { code: 'area2', name: '食品安全' } },
  ],
  by_focus: [
    { ...hazardOnly({ found: 5, fixed: 3, open: 2, overdue: 2 }), focus_problem: { code: 'area1.p1', name: '消防通道堵塞' }, area_code: 'area1' },
    { ...hazardOnly({ found: 0, fixed: 0, open: 0, overdue: 0 }), focus_problem: { code: 'area1.p2', name: '灭火器过期' }, area_code: 'area1' },
    { ...hazardOnly({ found: 3, fixed: 2, open: 1, overdue: 0 }), focus_problem: { code: 'area1.p3', name: '电线私拉乱接' }, area_code: 'area1' },
    { ...hazardOnly({ found: 4, fixed: 2, open: 1, overdue: 0 }), focus_problem: { code: 'area2.p1', name: '食材过期' }, area_code: 'area2' },
    { ...hazardOnly({ found: 0, fixed: 0, open: 0, overdue: 0 }), focus_problem: { code: 'area2.p2', name: '从业人员无健康证' }, area_code: 'area2' },
  ],
  by_phase: [
    {
      ...hazardOnly({ found: 9, fixed: 6, open: 2, overdue: 2 }),
      phase: { code: 'full_inspection', name: '全面检查、补齐短板', starts_on: '2026-04-01', ends_on: '2026-10-31' },
    },
    {
      ...hazardOnly({ found: 3, fixed: 1, open: 2, overdue: 1 }),
      phase: { code: 'evaluation', name: '督导评估、巩固提升', starts_on: '2026-11-01', ends_on: '2026-12-31' },
    },
  ],
};

const EMPTY_FIGURES = {
  unit: { id: CENTER.id, name: CENTER.name },
  from: '2026-09-01',
  to: '2026-11-29',
  totals: figures({
    found: 0, fixed: 0, verified: 0, fixed_on_spot: 0, open: 0, overdue: 0, closed_not_hazard: 0,
    median_days_to_fix: null, p90_days_to_fix: null, funds_planned: '0.00',
    patrols: slots(0, 0, null), water: slots(0, 0, null),
    notices: { children_targeted: 0, children_acknowledged: 0, rate: null },
  }),
  children: [],
  by_area: [],
  by_focus: [],
  by_phase: [],
};

/** A VisitSchema (`detail` adds findings). */
function visit(id, over = {}) {
  return {
    id,
    unit: { id: CENTER.id, name: CENTER.name },
    visit_date: '2026-11-20',
    title: '秋季消防专项督查',
    announced: true,
    team: [
      { name: '李督导', organisation: '教育局', role: '组长' },
      { name: '王警官', organisation: '公安', role: null },
    ],
    what_checked: '消防通道、灭火器、食堂燃气',
    report: null,
    status: 'planned',
    status_name: '计划中',
    schools: [{ id: SCHOOL_A.id, name: SCHOOL_A.name }, { id: KINDER.id, name: KINDER.name }],
    findings_count: 0,
    created_by: { id: 2, display_name: '王督导' },
    created_at: '2026-11-18T02:00:00Z',
    can_edit: true,
    ...over,
  };
}

const LAGGARDS = {
  unit: { id: CENTER.id, name: CENTER.name },
  from: '2026-10-31',
  to: '2026-11-29',
  thresholds: { overdue: 3, missed_patrols: 5 },
  laggards: [
    {
      school: { id: SCHOOL_A.id, name: SCHOOL_A.name },
      overdue: { count: 4, hazard_ids: [11, 12, 13, 14] },
      missed_patrols: { count: 6, slot_ids: [1, 2, 3, 4, 5, 6] },
      accountability: [{ id: 7, kind: 'interview', created_at: '2026-11-10T02:00:00Z', visit_id: null }],
    },
    {
      school: { id: KINDER.id, name: KINDER.name },
      overdue: { count: 0, hazard_ids: [] },
      missed_patrols: { count: 5, slot_ids: [21, 22, 23, 24, 25] },
      accountability: [],
    },
  ],
};

module.exports = {
  figures, FIGURES, EMPTY_FIGURES, visit, LAGGARDS,
};
