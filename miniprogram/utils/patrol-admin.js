/**
 * The safety officer's patrol pages (checkpoints, plans, compliance): which schools they work on,
 * the rows they show, the plan form's rules and body, and the compliance figures as bars.
 */
const api = require('../api/client');
const { tagType } = require('./tone');
const { formatDate } = require('./format');

const SCHOOL_KINDS = ['school', 'kindergarten'];

/**
 * The schools of the caller's roles (a safety officer's own school); someone above schools gets
 * the schools below from GET /hazards/schools. Resolves [{id, name}].
 */
function schoolsFor(me) {
  const seen = new Set();
  const own = ((me && me.grants) || [])
    .map((g) => g.unit)
    .filter((u) => u && SCHOOL_KINDS.includes(u.kind) && !seen.has(u.id) && seen.add(u.id))
    .map((u) => ({ id: u.id, name: u.name }));
  if (own.length) return Promise.resolve(own);
  return api.call('hazardSchools').then((res) => (res.schools || []).map((s) => ({ id: s.id, name: s.name })));
}

/** The units the caller's roles are at (any kind), for compliance: [{id, name}]. */
function unitsFor(me) {
  const seen = new Set();
  return ((me && me.grants) || [])
    .map((g) => g.unit)
    .filter((u) => u && !seen.has(u.id) && seen.add(u.id))
    .map((u) => ({ id: u.id, name: u.name }));
}

/** The templates answer of GET /checklists as [{id, code, name, count}]. */
function templateChoices(answer) {
  const list = (answer && (answer.templates || answer.checklists)) || [];
  return list.map((t) => ({ id: t.id, code: t.code, name: t.name, count: (t.items || []).length }));
}

/** A checkpoint's row: name, radius, templates by name, active tag. */
function checkpointRow(checkpoint, templates = []) {
  const names = {};
  templates.forEach((t) => { names[t.code] = t.name; });
  return {
    id: checkpoint.id,
    name: checkpoint.name,
    radius: `允许范围 ${checkpoint.radius_m} 米`,
    templates: (checkpoint.template_codes || []).map((code) => names[code] || code).join('、') || '未设置检查表',
    active: checkpoint.active !== false,
    statusText: checkpoint.active === false ? '已停用' : '使用中',
    statusType: tagType('checkpoint', checkpoint.active === false ? 'inactive' : 'active'),
  };
}

/** The new checkpoint form -> `{ok, errors, body}` (POST /checkpoints). */
function validateCheckpoint({ schoolId, name, radius, templateCodes, position }) {
  const errors = {};
  const trimmed = String(name || '').trim();
  if (!trimmed) errors.name = '请填写巡查点名称，例如“食堂后厨”';
  else if (trimmed.length > 60) errors.name = '名称最多 60 个字';
  const r = Number(radius);
  if (!Number.isInteger(r) || r < 10 || r > 500) errors.radius = '允许范围须在 10 到 500 米之间';
  if (!templateCodes || !templateCodes.length) errors.templates = '请至少选择一张检查表';
  if (!position) errors.position = '还没有定位，请站在巡查点处定位';
  const ok = Object.keys(errors).length === 0;
  return {
    ok,
    errors,
    body: ok ? {
      school_id: schoolId,
      name: trimmed,
      lat: position.lat,
      lng: position.lng,
      coord_system: position.coord_system,
      radius_m: r,
      template_codes: templateCodes,
    } : null,
  };
}

const RECURRENCES = [
  { value: 'daily', label: '每天' },
  { value: 'school_days', label: '上学日' },
  { value: 'weekdays', label: '每周指定几天' },
];
// ISO weekdays, 1 = Monday, as the API takes them.
const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'].map((name, i) => ({ value: i + 1, label: `周${name}` }));
const SEASON = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** "每天 07:30–08:30" / "每周一、三 …" / "上学日 …", with the season when there is one. */
function planWhen(plan) {
  let days = { daily: '每天', school_days: '上学日' }[plan.recurrence] || '';
  if (plan.recurrence === 'weekdays') {
    days = `每周${(plan.weekdays || []).slice().sort().map((d) => '一二三四五六日'[d - 1]).join('、')}`;
  }
  const season = plan.season_start && plan.season_end ? `（${plan.season_start} 至 ${plan.season_end}）` : '';
  return `${days} ${plan.window_start}–${plan.window_end}${season}`;
}

/** A plan's row: name, template, checkpoints, who, when, reminder. */
function planRow(plan, { templates = [], roles = {}, checkpoints = [] } = {}) {
  const template = templates.find((t) => t.code === plan.template_code);
  const ids = plan.checkpoint_ids || (plan.checkpoints || []).map((c) => c.id);
  const cpNames = (plan.checkpoints && plan.checkpoints.length && plan.checkpoints[0].name)
    ? plan.checkpoints.map((c) => c.name)
    : ids.map((id) => (checkpoints.find((c) => c.id === id) || { name: `#${id}` }).name);
  const person = plan.assignee || plan.assignee_user;
  let who = '';
  if (person) who = person.display_name || `用户${person.id}`;
  else if (plan.assignee_role) who = `全体${roles[plan.assignee_role] || plan.assignee_role}`;
  const active = plan.active !== false;
  return {
    id: plan.id,
    name: plan.name,
    template: template ? template.name : plan.template_code,
    checkpoints: cpNames.join('、'),
    who,
    when: planWhen(plan),
    remind: `提前 ${plan.remind_minutes_before} 分钟提醒，连续错过 ${plan.escalate_after_misses} 次告知安全负责人`,
    active,
    statusText: active ? '执行中' : '已停用',
    statusType: tagType('patrolPlan', active ? 'active' : 'inactive'),
  };
}

/** The plan form -> `{ok, errors, body}` (POST /patrol-plans). */
function validatePlan(form) {
  const errors = {};
  const name = String(form.name || '').trim();
  if (!name) errors.name = '请填写计划名称，例如“每日防火巡查”';
  if (!form.templateCode) errors.template = '请选择检查表';
  if (!form.checkpointIds || !form.checkpointIds.length) errors.checkpoints = '请至少选择一个巡查点';
  if (form.assignee === 'person' ? !form.userId : !form.role) errors.who = '请选择由谁巡查';
  if (form.recurrence === 'weekdays' && !(form.weekdays || []).length) errors.weekdays = '请选择每周哪几天';
  if (!form.windowStart || !form.windowEnd || form.windowEnd <= form.windowStart) {
    errors.window = '结束时间须晚于开始时间';
  }
  const season = form.seasonOn;
  if (season && !(SEASON.test(form.seasonStart || '') && SEASON.test(form.seasonEnd || ''))) {
    errors.season = '季节请按“05-01”的格式填写起止日期';
  }
  const ok = Object.keys(errors).length === 0;
  if (!ok) return { ok, errors, body: null };
  return {
    ok,
    errors,
    body: {
      school_id: form.schoolId,
      name,
      template_code: form.templateCode,
      checkpoint_ids: form.checkpointIds.map(Number),
      ...(form.assignee === 'person' ? { assignee_user_id: Number(form.userId) } : { assignee_role: form.role }),
      recurrence: form.recurrence,
      weekdays: form.recurrence === 'weekdays' ? form.weekdays.map(Number).sort((a, b) => a - b) : [],
      window_start: form.windowStart,
      window_end: form.windowEnd,
      season_start: season ? form.seasonStart : null,
      season_end: season ? form.seasonEnd : null,
      remind_minutes_before: Number(form.remindMinutes),
      escalate_after_misses: Number(form.escalateAfter),
    },
  };
}

const BY = [
  { value: 'checkpoint', label: '按巡查点' },
  { value: 'person', label: '按人员' },
  { value: 'school', label: '按学校' },
];

/** "2026-11-29" of a Date, in the phone's zone. */
function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The default period: the last seven days up to today. */
function lastWeek(now = new Date()) {
  const from = new Date(now.getTime() - 6 * 86400000);
  return { dateFrom: isoDay(from), dateTo: isoDay(now) };
}

/** A compliance row: the figures and the rate as a bar (null when nothing was due). */
function complianceRow(row) {
  const rate = row.rate === null || row.rate === undefined ? null : Number(row.rate);
  const percent = rate === null ? 0 : Math.round(rate * 100);
  let level = 'good';
  if (percent < 60) level = 'bad';
  else if (percent < 90) level = 'fair';
  return {
    id: (row.key && row.key.id) || 'total',
    name: (row.key && row.key.name) || '合计',
    figures: `应巡 ${row.due} · 按时 ${row.done_on_time} · 逾时 ${row.done_late} · 错过 ${row.missed}`,
    lateSubmissions: row.late_submissions ? `其中补传 ${row.late_submissions} 次` : '',
    percent,
    rateText: rate === null ? '无应巡' : `${percent}%`,
    hasRate: rate !== null,
    level,
  };
}

/** "11月23日 至 11月29日". */
function periodText(dateFrom, dateTo) {
  return `${formatDate(dateFrom)} 至 ${formatDate(dateTo)}`;
}

module.exports = {
  RECURRENCES,
  WEEKDAYS,
  BY,
  schoolsFor,
  unitsFor,
  templateChoices,
  checkpointRow,
  validateCheckpoint,
  planWhen,
  planRow,
  validatePlan,
  isoDay,
  lastWeek,
  complianceRow,
  periodText,
};
