/**
 * 督导检查 (supervision visits): the list's rows and a visit's detail (team with organisations,
 * schools, what was checked, the report, findings as hazard rows), the form of a visit (team
 * members with organisation chips, schools, checks in Chinese), its POST / PATCH bodies and a
 * 422's details put back on the fields.
 */
const { tagType } = require('./tone');
const { formatDate } = require('./format');
const { hazardRow } = require('./hazards');
const { isoDay } = require('./patrol-admin');

const ORGANISATIONS = ['教育局', '公安', '市场监管', '消防', '卫生', '其他'];
const STATUSES = [
  { value: 'planned', label: '计划中' },
  { value: 'done', label: '已完成' },
];
const TITLE = { min: 2, max: 100 };
const CHECKED = { min: 2, max: 2000 };
const REPORT_MAX = 5000;
const MEMBER_MAX = 30;
const TEAM_MAX = 20;
const SCHOOLS_MAX = 50;
const SCHOOL_KINDS = ['school', 'kindergarten'];

/** A team member in words: "李督导（教育局 · 组长）". */
function memberText(member) {
  const parts = [member.organisation, member.role].filter(Boolean).join(' · ');
  return parts ? `${member.name}（${parts}）` : member.name;
}

/** The status tag of a visit (planned waits, done is done). */
function statusTag(visit) {
  const label = visit.status_name || (STATUSES.find((s) => s.value === visit.status) || {}).label || visit.status;
  return { text: label, type: tagType('visit', visit.status) };
}

/** A row of the visits list. */
function visitRow(visit, now = new Date()) {
  const schools = (visit.schools || []).map((s) => s.name);
  const tag = statusTag(visit);
  return {
    id: visit.id,
    date: formatDate(visit.visit_date, now),
    title: visit.title,
    schools: schools.length > 2 ? `${schools.slice(0, 2).join('、')} 等 ${schools.length} 所` : schools.join('、'),
    team: `检查组 ${(visit.team || []).length} 人`,
    unannounced: visit.announced === false,
    findings: Number(visit.findings_count) || 0,
    statusText: tag.text,
    statusType: tag.type,
  };
}

/** A visit's detail page view. */
function visitView(visit, now = new Date()) {
  return {
    ...visitRow(visit, now),
    unit: (visit.unit && visit.unit.name) || '',
    team: (visit.team || []).map((m, i) => ({ key: i, text: memberText(m), organisation: m.organisation })),
    schoolList: visit.schools || [],
    whatChecked: visit.what_checked || '',
    report: visit.report || '',
    findings: (visit.findings || []).map(hazardRow),
    canEdit: Boolean(visit.can_edit),
    done: visit.status === 'done',
  };
}

/** An empty team member. */
const emptyMember = () => ({ name: '', organisation: '教育局', role: '' });

/** A new visit's form: today, announced, one member, no school yet. */
function emptyForm(now = new Date()) {
  return {
    visitDate: isoDay(now),
    title: '',
    announced: true,
    team: [emptyMember()],
    schoolIds: [],
    whatChecked: '',
    report: '',
    status: 'planned',
  };
}

/** The form of an existing visit. */
function formFrom(visit) {
  return {
    visitDate: visit.visit_date,
    title: visit.title || '',
    announced: visit.announced !== false,
    team: (visit.team || []).map((m) => ({ name: m.name, organisation: m.organisation, role: m.role || '' })),
    schoolIds: (visit.schools || []).map((s) => s.id),
    whatChecked: visit.what_checked || '',
    report: visit.report || '',
    status: visit.status || 'planned',
  };
}

const trim = (v) => String(v || '').trim();

/** The team's errors: each member's name and organisation (by index), and the team as a whole. */
function teamErrors(team) {
  const errors = {};
  if (!team.length) errors.team = '请至少添加一名检查组成员';
  else if (team.length > TEAM_MAX) errors.team = `检查组最多 ${TEAM_MAX} 人`;
  team.forEach((m, i) => {
    if (!trim(m.name)) errors[`member${i}`] = '请填写姓名';
    else if (trim(m.name).length > MEMBER_MAX) errors[`member${i}`] = `姓名最多 ${MEMBER_MAX} 个字`;
    else if (!trim(m.organisation)) errors[`member${i}`] = '请选择所属单位';
    else if (trim(m.role).length > MEMBER_MAX) errors[`member${i}`] = `职务最多 ${MEMBER_MAX} 个字`;
  });
  return errors;
}

/**
 * Check the form -> `{ok, errors, body}`. `unitId` (the visiting unit) makes a POST body; without
 * it the body is a PATCH's (no unit, no schools: a visit's schools stay as recorded).
 */
function validateVisit(form, unitId = null) {
  const errors = teamErrors(form.team || []);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.visitDate || '')) errors.visitDate = '请选择检查日期';
  const title = trim(form.title);
  if (title.length < TITLE.min || title.length > TITLE.max) errors.title = `标题须为 ${TITLE.min}-${TITLE.max} 个字`;
  const checked = trim(form.whatChecked);
  if (checked.length < CHECKED.min || checked.length > CHECKED.max) {
    errors.whatChecked = `请写明检查了什么（${CHECKED.min}-${CHECKED.max} 个字）`;
  }
  if (trim(form.report).length > REPORT_MAX) errors.report = `检查报告最多 ${REPORT_MAX} 个字`;
  if (unitId && !form.schoolIds.length) errors.schools = '请选择被检查的学校';
  else if (form.schoolIds.length > SCHOOLS_MAX) errors.schools = `最多选择 ${SCHOOLS_MAX} 所学校`;
  const body = {
    visit_date: form.visitDate,
    title,
    announced: Boolean(form.announced),
    team: (form.team || []).map((m) => ({ name: trim(m.name), organisation: trim(m.organisation), role: trim(m.role) || null })),
    what_checked: checked,
    report: trim(form.report) || null,
    status: form.status,
  };
  if (unitId) Object.assign(body, { unit_id: unitId, school_ids: form.schoolIds.map(Number) });
  return { ok: Object.keys(errors).length === 0, errors, body };
}

const SERVER_FIELDS = {
  visit_date: ['visitDate', '检查日期不正确'],
  title: ['title', `标题须为 ${TITLE.min}-${TITLE.max} 个字`],
  what_checked: ['whatChecked', `请写明检查了什么（${CHECKED.min}-${CHECKED.max} 个字）`],
  report: ['report', `检查报告最多 ${REPORT_MAX} 个字`],
  school_ids: ['schools', `请选择 1-${SCHOOLS_MAX} 所学校，且不要重复`],
  status: ['status', '请选择检查状态'],
  announced: ['announced', '请选择是否暗访'],
  unit_id: ['unit', '检查单位不正确'],
};

/**
 * Field errors for a 422 of POST / PATCH /visits: `team` may name a member by index
 * ({team: {"1": {name: [...]}}}), which goes on that member's row.
 */
function visitErrorsFromApi(err) {
  const errors = {};
  const details = err && err.code === 'validation_error' && err.details;
  if (!details || typeof details !== 'object') return errors;
  Object.keys(details).forEach((field) => {
    if (field === 'team') {
      const team = details.team;
      const indices = team && typeof team === 'object' && !Array.isArray(team) ? Object.keys(team).filter((k) => /^\d+$/.test(k)) : [];
      indices.forEach((i) => { errors[`member${i}`] = '姓名、所属单位、职务各最多 30 个字'; });
      if (!indices.length) errors.team = `检查组须有 1-${TEAM_MAX} 人`;
      return;
    }
    const known = SERVER_FIELDS[field];
    if (known) errors[known[0]] = known[1];
  });
  return errors;
}

/** The units a person may record visits for: their roles' units above schools [{id, name}]. */
function visitingUnits(me) {
  const seen = new Set();
  return ((me && me.grants) || [])
    .map((g) => g.unit)
    .filter((u) => u && !SCHOOL_KINDS.includes(u.kind) && !seen.has(u.id) && seen.add(u.id))
    .map((u) => ({ id: u.id, name: u.name, kind: u.kind }));
}

module.exports = {
  ORGANISATIONS,
  STATUSES,
  REPORT_MAX,
  memberText,
  visitRow,
  visitView,
  emptyMember,
  emptyForm,
  formFrom,
  validateVisit,
  visitErrorsFromApi,
  visitingUnits,
};
