/** Hazards as people see them: Chinese names, list rows, the detail view and its history. */
const { formatDate, formatDateTime } = require('./format');
const { tagType } = require('./tone');

const STATUS_NAMES = {
  reported: '待制定方案',
  planned: '已制定方案',
  rectifying: '整改中',
  fix_submitted: '待验收',
  verified: '已验收',
  fixed_on_spot: '已当场整改',
  closed: '已关闭（非隐患）',
};
const SEVERITY_NAMES = { general: '一般隐患', major: '重大隐患' };
const SEVERITIES = [
  { value: 'general', label: '一般隐患' },
  { value: 'major', label: '重大隐患' },
];
const OVERDUE_NAME = '已逾期';
// A hazard reported as "不确定": the safety officer files it under a focus problem later.
const UNCLASSIFIED_NAME = '未分类';

const EVENT_TEXT = {
  reported: '上报了隐患',
  planned: '制定了整改方案',
  plan_revised: '修改了整改方案',
  started: '开始整改',
  fix_submitted: '提交了整改结果',
  rejected: '驳回了整改',
  verified: '验收通过',
  marked_duplicate: '标记为重复隐患',
  fixed_on_spot: '当场整改完毕',
  closed: '关闭：不是隐患',
  escalated: '隐患逾期未整改，已提醒上级督办',
  classify: '确定了隐患类别',
};

// The order buttons show in, and their looks. Only the actions the server allows are shown.
const ACTIONS = [
  { action: 'fix_on_spot', label: '当场整改', type: 'primary' },
  { action: 'classify', label: '确定隐患类别', type: 'primary' },
  { action: 'plan', label: '制定整改方案', type: 'primary' },
  { action: 'start', label: '开始整改', type: 'primary' },
  { action: 'fix', label: '提交整改', type: 'primary' },
  { action: 'verify', label: '验收通过', type: 'primary' },
  { action: 'reject', label: '驳回', type: 'danger' },
  { action: 'duplicate', label: '标记重复', type: 'default' },
  { action: 'close', label: '不是隐患', type: 'default' },
];

const userName = (user) => {
  if (!user) return '系统';
  return user.display_name || `用户${user.id}`;
};

/** {text, type} of the status tag (colour from utils/tone.js); `overdue` separately, as a red tag. */
function statusTag(hazard) {
  if (hazard.duplicate_of_id) return { text: '重复隐患', type: tagType('hazard', 'duplicate') };
  return { text: STATUS_NAMES[hazard.status] || hazard.status, type: tagType('hazard', hazard.status) };
}

/** The first non-empty line of a description (what the hazard is, as the reporter wrote it). */
function firstLine(text) {
  const line = String(text || '').split(/\r?\n/).map((l) => l.trim()).find(Boolean);
  return line || '';
}

/** The description after its first line ('' when it has one line). */
function descriptionRest(text) {
  const lines = String(text || '').split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim());
  return first < 0 ? '' : lines.slice(first + 1).join('\n').trim();
}

/** "#12 灭火器过期": the hazard a form is about (its category when the description is empty). */
function hazardTitle(hazard) {
  return `#${hazard.id} ${firstLine(hazard.description) || categoryText(hazard)}`;
}

/** "消防安全 · 灭火器过期", or 未分类 for a hazard reported as "不确定". */
function categoryText(hazard) {
  if (!hazard.focus_problem) return UNCLASSIFIED_NAME;
  const area = hazard.area ? hazard.area.name : '';
  return area ? `${area} · ${hazard.focus_problem.name}` : hazard.focus_problem.name;
}

function deadlineText(hazard) {
  if (!hazard.deadline) return hazard.status === 'reported' ? '未定整改期限' : '';
  return `整改期限 ${formatDate(hazard.deadline)}`;
}

/**
 * A row of the list (HazardSummary -> what the row shows): what it is (the description's first
 * line), where, who reported it and when, its status and deadline; the category comes second.
 */
function hazardRow(hazard) {
  const tag = statusTag(hazard);
  return {
    id: hazard.id,
    thumb: hazard.thumb_url || '',
    title: firstLine(hazard.description) || categoryText(hazard),
    place: hazard.place || '',
    focus: hazard.focus_problem ? hazard.focus_problem.name : '',
    category: categoryText(hazard),
    unclassified: !hazard.focus_problem,
    school: hazard.school ? hazard.school.name : '',
    reporter: hazard.reporter ? userName(hazard.reporter) : '',
    statusText: tag.text,
    statusType: tag.type,
    overdue: Boolean(hazard.overdue),
    major: hazard.severity === 'major',
    oldPhoto: Boolean(hazard.old_photo),
    deadline: deadlineText(hazard),
    reportedAt: formatDateTime(hazard.reported_at),
  };
}

/** A nearby open hazard (NearbyHazard: a summary with `distance_m`) as a duplicate candidate. */
function candidateRow(hazard) {
  const row = hazardRow(hazard);
  const distance = Number(hazard.distance_m);
  return { ...row, distance: Number.isFinite(distance) ? `约 ${Math.round(distance)} 米` : '' };
}

/**
 * A photo of a hazard; one held by WeChat's media check has no links yet (审核中), one it
 * refused has none ever (未通过审核: its uploader was told to take another).
 */
function photoView(photo) {
  const refused = Boolean(photo.refused);
  return {
    id: photo.id,
    url: refused ? '' : photo.url || '',
    thumb: refused ? '' : photo.thumb_url || photo.url || '',
    old: Boolean(photo.old),
    underReview: !refused && Boolean(photo.under_review),
    refused,
  };
}

function planView(plan) {
  if (!plan || !plan.responsible_person) return null;
  return {
    responsiblePerson: plan.responsible_person,
    deadline: formatDate(plan.deadline),
    measures: plan.measures || '',
    funds: plan.funds_yuan === null || plan.funds_yuan === undefined ? '' : `${plan.funds_yuan} 元`,
    contingency: plan.contingency || '',
  };
}

/** The buttons for `allowed_actions`, in a fixed order; "plan" reads 修改 once a plan exists. */
function actionButtons(allowed, status) {
  const set = new Set(allowed || []);
  return ACTIONS.filter((a) => set.has(a.action)).map((a) => (
    a.action === 'plan' && status === 'planned' ? { ...a, label: '修改整改方案' } : { ...a }
  ));
}

/** The detail page's view of a HazardDetail. */
function hazardView(hazard) {
  const tag = statusTag(hazard);
  const photos = hazard.photos || [];
  return {
    id: hazard.id,
    title: firstLine(hazard.description) || categoryText(hazard),
    focus: hazard.focus_problem ? hazard.focus_problem.name : '',
    area: hazard.area ? hazard.area.name : '',
    category: categoryText(hazard),
    unclassified: !hazard.focus_problem,
    place: hazard.place || '',
    school: hazard.school ? hazard.school.name : '',
    description: hazard.description,
    more: descriptionRest(hazard.description),
    deadlineText: deadlineText(hazard),
    severity: SEVERITY_NAMES[hazard.severity] || hazard.severity,
    major: hazard.severity === 'major',
    oldPhoto: Boolean(hazard.old_photo),
    statusText: tag.text,
    statusType: tag.type,
    overdue: Boolean(hazard.overdue),
    offCampus: hazard.inside_campus === false,
    reporter: userName(hazard.reporter),
    reportedAt: formatDateTime(hazard.reported_at),
    accuracy: hazard.position && hazard.position.accuracy ? `定位精度约 ${Math.round(hazard.position.accuracy)} 米` : '',
    deadline: hazard.deadline ? formatDate(hazard.deadline) : '',
    duplicateOf: hazard.duplicate_of_id || null,
    closedAt: hazard.closed_at ? formatDateTime(hazard.closed_at) : '',
    fixNote: hazard.fix_note || '',
    closeReason: hazard.close_reason || '',
    before: photos.filter((p) => p.stage === 'before').map(photoView),
    after: photos.filter((p) => p.stage === 'after').map(photoView),
    plan: planView(hazard.plan),
  };
}

// Whom each escalation level tells (server/services/escalation.py LEVEL_NAMES).
const ESCALATION_LEVELS = { 1: '学校', 2: '中心校/集团校', 3: '教育局' };

/** One entry of the history timeline. */
function eventView(event) {
  let text = EVENT_TEXT[event.kind] || event.kind;
  const changes = event.changes || {};
  if (event.kind === 'marked_duplicate' && changes.duplicate_of) text = `${text}（与 #${changes.duplicate_of} 重复）`;
  if (event.kind === 'escalated' && ESCALATION_LEVELS[changes.level]) {
    // Each step up reads differently: how late, and who was told (server/services/escalation.py).
    const late = Number.isFinite(changes.days_overdue) ? `逾期${changes.days_overdue}天，` : '';
    text = `${text}（${late}已通知${ESCALATION_LEVELS[changes.level]}）`;
  }
  let note = event.note || '';
  if (event.kind === 'rejected' && note) note = `驳回原因：${note}`;
  return {
    id: event.id,
    actor: userName(event.actor),
    time: formatDateTime(event.created_at),
    text,
    note,
    status: event.to_status && event.to_status !== event.from_status ? STATUS_NAMES[event.to_status] || '' : '',
  };
}

/** The GET /hazards query for the list's filters and a cursor (unset filters are left out). */
function listQuery(filters, cursor, limit = 20) {
  const query = { limit };
  if (filters.status) query.status = filters.status;
  if (filters.severity) query.severity = filters.severity;
  if (filters.overdue) query.overdue = true;
  if (filters.area) query.area = filters.area;
  if (filters.schoolId) query.school_id = filters.schoolId;
  if (filters.todo) query.todo = filters.todo;
  if (cursor) query.cursor = cursor;
  return query;
}

// Pages that show hazards reload when another page changed one (a plan, a fix...).
let changeVersion = 0;
const markChanged = () => { changeVersion += 1; };
const currentVersion = () => changeVersion;

module.exports = {
  STATUS_NAMES,
  SEVERITY_NAMES,
  SEVERITIES,
  OVERDUE_NAME,
  UNCLASSIFIED_NAME,
  EVENT_TEXT,
  ACTIONS,
  statusTag,
  firstLine,
  categoryText,
  hazardTitle,
  hazardRow,
  candidateRow,
  hazardView,
  eventView,
  actionButtons,
  listQuery,
  markChanged,
  currentVersion,
};
