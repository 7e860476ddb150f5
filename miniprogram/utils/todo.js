/**
 * 待办: what this person must do now, from GET /todo, as the to-do page and the home page's
 * summary show it; the last answer is kept on the phone (utils/cache.js) for offline use, and its
 * total feeds the 待办 tab badge.
 *
 * GROUPS is the table of groups in the order they show: a new kind of to-do (patrols) is one row.
 *   key       where its {count, items} sits in the answer: `source`.`key` (or `source` alone)
 *   title     the group's heading
 *   kind      'hazard', 'notice' or 'slot': how its rows are written
 *   openUrl   the page where the action is, for an item id
 *   listUrl   the full list ("查看全部 N 条"), or '' when the items are all there is
 */
const api = require('../api/client');
const cache = require('./cache');
const { formatDate, formatDateTime } = require('./format');
const { STATUS_NAMES } = require('./hazards');
const { tagType } = require('./tone');
const { slotTodoRow } = require('./patrols');

const GROUPS = [
  // Patrol slots open now or within the hour: the action is scanning, on 今日巡查.
  { key: 'patrols', source: null, title: '待巡查', kind: 'slot', openUrl: () => '/pages/patrol/today', listUrl: '/pages/patrol/today' },
  { key: 'overdue', source: 'hazards', title: '已逾期', kind: 'hazard', openUrl: (id) => `/pages/hazards/detail?id=${id}`, listUrl: '/pages/hazards/list?todo=overdue' },
  { key: 'verify', source: 'hazards', title: '待验收', kind: 'hazard', openUrl: (id) => `/pages/hazards/detail?id=${id}`, listUrl: '/pages/hazards/list?todo=verify' },
  { key: 'fix', source: 'hazards', title: '待整改', kind: 'hazard', openUrl: (id) => `/pages/hazards/detail?id=${id}`, listUrl: '/pages/hazards/list?todo=fix' },
  { key: 'plan', source: 'hazards', title: '待制定方案', kind: 'hazard', openUrl: (id) => `/pages/hazards/plan?id=${id}`, listUrl: '/pages/hazards/list?todo=plan' },
  { key: 'classify', source: 'hazards', title: '待分类', kind: 'hazard', openUrl: (id) => `/pages/hazards/detail?id=${id}`, listUrl: '/pages/hazards/list?todo=classify' },
  { key: 'notices', source: null, title: '待确认的家长通知', kind: 'notice', openUrl: (id) => `/pages/notices/detail?id=${id}`, listUrl: '/pages/notices/index' },
];

/** The first non-empty line of a text. */
function firstLine(text) {
  return String(text || '').split(/\r?\n/).map((s) => s.trim()).find(Boolean) || '';
}

/** A hazard row: what it is first (description, place), then school, reporter, when. */
function hazardRow(hazard, group) {
  // A report filed as "不确定" waits to be classified before anyone can plan it.
  const unclassified = hazard.status === 'reported' && !hazard.focus_problem;
  const reporter = hazard.reporter ? (hazard.reporter.display_name || `用户${hazard.reporter.id}`) : '';
  return {
    id: hazard.id,
    url: group.openUrl(hazard.id),
    title: firstLine(hazard.description) || '（无描述）',
    place: hazard.place || '',
    meta: [hazard.school && hazard.school.name, reporter, formatDateTime(hazard.reported_at)].filter(Boolean).join(' · '),
    category: hazard.focus_problem ? hazard.focus_problem.name : '未分类',
    statusText: unclassified ? '待分类' : STATUS_NAMES[hazard.status] || hazard.status,
    statusType: tagType('hazard', hazard.status),
    overdue: Boolean(hazard.overdue),
    overdueType: tagType('hazard', 'overdue'),
    major: hazard.severity === 'major',
    majorType: tagType('hazard', 'major'),
    // The report's photo was taken well before it was sent (EXIF time): flagged, as in the list.
    oldPhoto: Boolean(hazard.old_photo),
    deadline: hazard.deadline ? `整改期限 ${formatDate(hazard.deadline)}` : '',
  };
}

/** A notice row: its title, who sent it and when, and how many children wait. */
function noticeRow(notice, group) {
  const pending = Number(notice.children_pending) || 0;
  return {
    id: notice.id,
    url: group.openUrl(notice.id),
    title: notice.title,
    meta: [notice.unit && notice.unit.name, formatDateTime(notice.sent_at)].filter(Boolean).join(' · '),
    pendingText: pending > 1 ? `${pending} 个孩子待确认` : '待确认',
    statusType: tagType('noticeChild', 'unread'),
  };
}

/** `{count, items}` of a group in the answer ({count: 0} when absent). */
function groupOf(answer, group) {
  const holder = group.source ? (answer && answer[group.source]) || {} : answer || {};
  const found = holder[group.key] || {};
  return { count: Number(found.count) || 0, items: Array.isArray(found.items) ? found.items : [] };
}

/** The page's sections for an answer: groups with a count, in table order. */
function sectionsOf(answer, groups = GROUPS) {
  return groups
    .map((group) => ({ group, ...groupOf(answer, group) }))
    .filter(({ count }) => count > 0)
    .map(({ group, count, items }) => {
      const rowOf = { notice: noticeRow, slot: slotTodoRow }[group.kind] || hazardRow;
      const rows = items.map((item) => rowOf(item, group));
      return {
        key: group.key,
        title: group.title,
        kind: group.kind,
        count,
        rows,
        moreText: count > rows.length && group.listUrl ? `查看全部 ${count} 条` : '',
        listUrl: group.listUrl,
      };
    });
}

/** The answer's total (the server's, else the sum of the groups). */
function totalOf(answer, groups = GROUPS) {
  if (answer && typeof answer.total === 'number') return answer.total;
  return groups.reduce((sum, group) => sum + groupOf(answer, group).count, 0);
}

/** The home page's short summary: [{title, count}] of the groups with a count. */
function summaryOf(answer, groups = GROUPS) {
  return groups
    .map((group) => ({ key: group.key, title: group.title, count: groupOf(answer, group).count }))
    .filter((g) => g.count > 0);
}

let total = 0;
const listeners = [];

/** The last known total. */
const lastTotal = () => total;

function setTotal(n) {
  total = Math.max(0, Number(n) || 0);
  listeners.slice().forEach((fn) => fn(total));
}

/** Call `fn(total)` after every load; returns the function that stops it. */
function subscribe(fn) {
  listeners.push(fn);
  return () => {
    const index = listeners.indexOf(fn);
    if (index >= 0) listeners.splice(index, 1);
  };
}

/** The saved to-do `{value, savedAt}` or null (shown at once, before the network answers). */
const cached = () => cache.load('todo');

/**
 * GET /todo, saved for offline use: `{value, savedAt}` (savedAt '' when fresh, else the time of
 * the cached copy shown because the network failed). Rejects when neither is there.
 */
function load() {
  return cache.fetch('todo', () => api.call('todo')).then((result) => {
    setTotal(totalOf(result.value));
    return result;
  });
}

module.exports = {
  GROUPS, firstLine, hazardRow, noticeRow, sectionsOf, totalOf, summaryOf, lastTotal, subscribe, cached, load,
};
