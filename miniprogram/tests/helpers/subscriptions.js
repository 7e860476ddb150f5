/**
 * GET /subscriptions/templates per role, in the server's shape: every configured template
 * (server/data/subscribe_templates.json, with the test ids of helpers/fixtures.js) with the person's
 * grant and `applies`, as tests/notices/test_subscription_audiences.py pins it for the demo people
 * (server/services/subscriptions.py AUDIENCES over the capabilities of server/roles.py).
 */
const CONFIGURED = [
  ['notice', 'tpl-notice', '致家长的一封信'],
  ['reminder', 'tpl-reminder', '通知确认提醒'],
  ['hazard_overdue', 'tpl-overdue', '隐患整改逾期提醒'],
  ['task_reminder', 'tpl-task', '定时工作提醒'],
  ['hazard_reported', 'tpl-reported', '新隐患待处理'],
  ['hazard_assigned', 'tpl-assigned', '隐患整改任务'],
  ['hazard_fix_submitted', 'tpl-fix', '隐患整改待验收'],
  ['hazard_rejected', 'tpl-rejected', '隐患整改被退回'],
  ['hazard_verified', 'tpl-verified', '隐患已验收销号'],
  ['patrol_due', 'tpl-patrol-due', '巡查任务提醒'],
  ['patrol_missed', 'tpl-patrol-missed', '漏巡提醒'],
  ['bus_failed', 'tpl-bus-failed', '校车检查不合格'],
];
const PATROL = ['patrol_due', 'patrol_missed'];

// The keys that apply to each demo person (the pytest's sets).
const APPLIES = {
  school_admin: [
    'hazard_reported', 'hazard_overdue', 'hazard_fix_submitted', 'hazard_assigned', 'hazard_rejected',
    'hazard_verified', 'task_reminder', ...PATROL, 'bus_failed',
  ],
  bureau_staff: ['hazard_overdue', 'hazard_verified', 'task_reminder', ...PATROL],
  teacher: ['hazard_verified', 'task_reminder', ...PATROL],
  guard: ['hazard_verified', 'task_reminder', ...PATROL],
  parent: ['notice', 'reminder'],
};

/**
 * The answer for `role`; `grants` changes templates by key, e.g. {notice: {remaining: 1}} or
 * {reminder: {used_up: true}} (a one-time grant given before and spent).
 */
function templatesOf(role, grants = {}) {
  return {
    templates: CONFIGURED.map(([key, id, title]) => ({
      key,
      template_id: id,
      title,
      long_term: false,
      remaining: 0,
      granted_long_term: false,
      applies: APPLIES[role].includes(key),
      used_up: false,
      ...(grants[key] || {}),
    })),
  };
}

module.exports = { APPLIES, templatesOf };
