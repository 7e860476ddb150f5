/** API answers shaped like the server's, for page tests. */
const unit = (id, name, kind, parentId, extra = {}) => ({
  id,
  code: `U${id}`,
  name,
  kind,
  kind_name: { bureau: '教育局', center_school: '中心校', school_group: '集团校', school: '学校', kindergarten: '幼儿园' }[kind],
  ownership: 'public',
  parent_id: parentId,
  ...extra,
});

const BUREAU = unit(1, '埇桥区教体局', 'bureau', null);
const CENTER = unit(2, '城东中心校', 'center_school', 1);
const SCHOOL_A = unit(3, '城东第一小学', 'school', 2);
const KINDER = unit(4, '城东幼儿园', 'kindergarten', 2, { ownership: 'private' });
const DIRECT_SCHOOL = unit(5, '区直实验学校', 'school', 1);

const UNITS_BELOW = { 1: [CENTER, DIRECT_SCHOOL], 2: [SCHOOL_A, KINDER] };

const ROLES = [
  { code: 'bureau_admin', name: '安全办管理员', unit_kinds: ['bureau'], needs_class: false, is_admin: true },
  { code: 'supervisor', name: '中心校/集团校督导', unit_kinds: ['center_school', 'school_group'], needs_class: false, is_admin: true },
  { code: 'school_admin', name: '学校安全负责人', unit_kinds: ['school', 'kindergarten'], needs_class: false, is_admin: true },
  { code: 'teacher', name: '巡查教师', unit_kinds: ['school', 'kindergarten'], needs_class: false, is_admin: false },
  { code: 'class_teacher', name: '班主任', unit_kinds: ['school', 'kindergarten'], needs_class: true, is_admin: false },
];

const CLASSES = [
  { id: 31, name: '一年级1班', grade: '一年级', class_code: 'K7M2QX' },
  { id: 32, name: '一年级2班', grade: '一年级', class_code: null },
];

const grant = (id, role, roleName, u, klass = null) => ({ id, role, role_name: roleName, unit: u, class: klass });

const CAMPAIGN = {
  code: '2023-qiangjichu',
  name: '“强基础、补短板、铸安提质年”活动',
  year: 2023,
  phases: [
    { code: 'self_inspection', name: '制定方案、自查提升', starts_on: '2023-03-22', ends_on: '2023-03-31', current: false },
    { code: 'full_inspection', name: '全面检查、补齐短板', starts_on: '2023-04-01', ends_on: '2023-10-31', current: true },
    { code: 'evaluation', name: '督导评估、巩固提升', starts_on: '2023-11-01', ends_on: '2023-12-31', current: false },
  ],
  areas: ['消防安全', '食品安全', '校车安全', '防溺水', '防欺凌', '校园周边'].map((name, i) => ({
    code: `area${i + 1}`,
    name,
    focus_problems: [1, 2, 3, 4, 5].map((n) => ({ code: `area${i + 1}.p${n}`, name: `${name}问题${n}` })),
  })),
};

/** A HazardSummary (`detail: true` adds the HazardDetail fields). */
function hazard(id, overrides = {}, { detail = false } = {}) {
  const summary = {
    id,
    client_uuid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    school: { id: SCHOOL_A.id, name: SCHOOL_A.name },
    area: { code: 'area1', name: '消防安全' },
    focus_problem: { code: 'area1.p2', name: '消防安全问题2' },
    description: '教学楼二楼东侧灭火器过期',
    severity: 'general',
    status: 'reported',
    overdue: false,
    escalation_level: 0,
    position: { lat: 33.6461, lng: 116.9647, accuracy: 12, coord_system: 'gcj02' },
    inside_campus: true,
    reported_at: '2024-04-02T01:30:00Z',
    reporter: { id: 7, display_name: '李老师' },
    deadline: null,
    responsible_person: null,
    duplicate_of_id: null,
    thumb_url: `https://oss.example/thumb/${id}.jpg`,
    old_photo: false,
  };
  if (!detail) return { ...summary, ...overrides };
  return {
    ...summary,
    plan: {
      responsible_person: null, responsible_user_id: null, deadline: null, measures: null, funds_yuan: null, contingency: null,
    },
    photos: [
      { id: 501, stage: 'before', url: 'https://oss.example/501.jpg', thumb_url: 'https://oss.example/501-t.jpg', width: 800, height: 600, taken_at: null, has_gps: false, old: false },
      { id: 502, stage: 'before', url: 'https://oss.example/502.jpg', thumb_url: 'https://oss.example/502-t.jpg', width: 800, height: 600, taken_at: null, has_gps: false, old: false },
    ],
    fix_note: null,
    close_reason: null,
    closed_at: null,
    allowed_actions: [],
    ...overrides,
  };
}

const EVENTS = [
  {
    id: 1, kind: 'reported', actor: { id: 7, display_name: '李老师' }, from_status: null, to_status: 'reported',
    changes: {}, note: null, position: null, created_at: '2024-04-02T01:30:00Z',
  },
  {
    id: 2, kind: 'planned', actor: { id: 8, display_name: '赵校长' }, from_status: 'reported', to_status: 'planned',
    changes: {}, note: null, position: null, created_at: '2024-04-02T03:00:00Z',
  },
];

/** A child's status on a notice (ChildStatus). */
const childStatus = (childId, name, overrides = {}) => ({
  child_id: childId,
  child_name: name,
  class_name: '一年级1班',
  read: false,
  acknowledged: false,
  acknowledged_at: null,
  ...overrides,
});

/** A Notice; `children` only for a parent's view. */
function notice(id, overrides = {}) {
  return {
    id,
    title: '防溺水安全致家长的一封信',
    body: '各位家长：\n暑期将至，请加强对孩子的安全教育。',
    unit: { id: BUREAU.id, name: BUREAU.name },
    created_at: '2024-06-01T01:00:00Z',
    sent_at: '2024-06-01T02:00:00Z',
    attachment_url: null,
    targets: [{ unit_id: BUREAU.id, class_id: null }],
    children: [],
    ...overrides,
  };
}

/** An inbox Message. */
function message(id, overrides = {}) {
  return {
    id,
    kind: 'notice',
    title: `通知 ${id}`,
    body: `通知 ${id} 的内容`,
    page: `pages/notices/detail?id=${id}`,
    data: { notice_id: id },
    created_at: '2024-06-01T02:00:00Z',
    read: false,
    ...overrides,
  };
}

/** GET /subscriptions/templates as the server's dev configuration answers it. */
// GET /subscriptions/templates for a person who reports hazards, hears of overdue ones and new
// reports, and is a parent; not a signer nor anyone's responsible person (`applies: false`).
const template = (key, id, title, applies = true) => ({
  key, template_id: id, title, long_term: false, remaining: 0, granted_long_term: false, applies, used_up: false,
});
const TEMPLATES = {
  templates: [
    template('notice', 'tpl-notice', '致家长的一封信'),
    template('reminder', 'tpl-reminder', '通知确认提醒'),
    template('hazard_overdue', 'tpl-overdue', '隐患整改逾期提醒'),
    template('task_reminder', 'tpl-task', '定时工作提醒'),
    template('hazard_reported', 'tpl-reported', '新隐患待处理'),
    template('hazard_assigned', 'tpl-assigned', '隐患整改任务', false),
    template('hazard_fix_submitted', 'tpl-fix', '隐患整改待验收', false),
    template('hazard_rejected', 'tpl-rejected', '隐患整改被退回', false),
    template('hazard_verified', 'tpl-verified', '隐患已验收销号'),
    template('patrol_due', 'tpl-patrol-due', '巡查任务提醒'),
    template('patrol_missed', 'tpl-patrol-missed', '漏巡提醒'),
  ],
};

module.exports = {
  unit, BUREAU, CENTER, SCHOOL_A, KINDER, DIRECT_SCHOOL, UNITS_BELOW, ROLES, CLASSES, grant, CAMPAIGN, hazard, EVENTS,
  childStatus, notice, message, TEMPLATES,
};
