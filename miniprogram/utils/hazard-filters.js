/**
 * The hazard list's filters: read from the page's query options (the 待办 page's "查看全部" links to
 * `/pages/hazards/list?todo=fix`: exactly the hazards of that group of the user's to-do; other
 * links use `?status=fix_submitted`, `?overdue=1`, `?school_id=3`), described in words
 * above the list, and the empty text that says what was looked for.
 */
const { STATUS_NAMES, SEVERITY_NAMES } = require('./hazards');

const NO_FILTERS = {
  status: '', overdue: false, severity: '', area: '', schoolId: null, todo: '',
};

// The groups of GET /todo, as the list names them when it shows one.
const TODO_NAMES = {
  overdue: '已逾期', verify: '待验收', fix: '待整改', plan: '待制定方案', classify: '待分类',
};

/** The filters a page link asks for; unknown statuses and bad ids are ignored. */
function filtersFromOptions(options) {
  const o = options || {};
  const schoolId = Number(o.school_id);
  return {
    ...NO_FILTERS,
    status: Object.prototype.hasOwnProperty.call(STATUS_NAMES, o.status) ? o.status : '',
    overdue: o.overdue === '1' || o.overdue === 'true',
    severity: Object.prototype.hasOwnProperty.call(SEVERITY_NAMES, o.severity) ? o.severity : '',
    schoolId: Number.isInteger(schoolId) && schoolId > 0 ? schoolId : null,
    todo: Object.prototype.hasOwnProperty.call(TODO_NAMES, o.todo) ? o.todo : '',
  };
}

/** Whether any filter narrows the list. */
function isFiltered(filters) {
  return Boolean(
    filters.status || filters.overdue || filters.severity || filters.area || filters.schoolId || filters.todo,
  );
}

/**
 * The active filters in words: "待验收 · 已逾期 · 城东第一小学" ('' when none). `areaName` and
 * `schoolName` name the area and school filters (the school as the rows name it).
 */
function filterSummary(filters, { areaName = '', schoolName = '' } = {}) {
  const parts = [];
  if (filters.todo) parts.push(`我的待办：${TODO_NAMES[filters.todo]}`);
  if (filters.status) parts.push(STATUS_NAMES[filters.status]);
  if (filters.overdue) parts.push('已逾期');
  if (filters.severity) parts.push(SEVERITY_NAMES[filters.severity]);
  if (filters.area && areaName) parts.push(areaName);
  if (filters.schoolId) parts.push(schoolName || '所选学校');
  return parts.join(' · ');
}

/** What an empty list says: "没有待验收的隐患", "没有逾期的隐患", "还没有隐患". */
function emptyText(filters) {
  if (!isFiltered(filters)) return '还没有隐患';
  const only = (key) => Object.keys(NO_FILTERS).every((k) => k === key || !filters[k]);
  if (filters.todo && only('todo')) return `没有${TODO_NAMES[filters.todo]}的隐患，待办已全部处理`;
  if (filters.status && only('status')) return `没有${STATUS_NAMES[filters.status]}的隐患`;
  if (filters.overdue && only('overdue')) return '没有逾期的隐患';
  if (filters.status && filters.overdue && !filters.severity && !filters.area && !filters.schoolId) {
    return `没有逾期${STATUS_NAMES[filters.status]}的隐患`;
  }
  return '没有符合条件的隐患';
}

module.exports = {
  TODO_NAMES, NO_FILTERS, filtersFromOptions, isFiltered, filterSummary, emptyText,
};
