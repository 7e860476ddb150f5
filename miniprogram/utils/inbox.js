/** The inbox: message rows, and which messages open one of our pages. */
const { formatDateTime } = require('./format');

const HOME = 'pages/index/index';

// Every page of the mini-program (tests check this list against app.json): a message's `page` is
// opened only when it is one of these.
const PAGES = [
  HOME,
  'pages/todo/index',
  'pages/join/index',
  'pages/mine/index',
  'pages/staff/index',
  'pages/reviews/index',
  'pages/children/bind',
  'pages/roster/index',
  'pages/invite/create',
  'pages/campaign/index',
  'pages/units/index',
  'pages/units/campus',
  'pages/schedules/index',
  'pages/schedules/edit',
  'pages/hazards/report',
  'pages/hazards/list',
  'pages/hazards/detail',
  'pages/hazards/plan',
  'pages/hazards/fix',
  'pages/hazards/outbox',
  'pages/inbox/index',
  'pages/notices/index',
  'pages/notices/detail',
  'pages/notices/compose',
  'pages/notices/issued',
  'pages/notices/completion',
  'pages/notices/class',
  'pages/patrol/today',
  'pages/patrol/round',
  'pages/patrol/detail',
  'pages/patrol/history',
  'pages/patrol/checkpoints',
  'pages/patrol/plans',
  'pages/patrol/compliance',
  // School buses (a failed inspection opens the board: bus_failed).
  'pages/bus/board',
  'pages/bus/index',
  'pages/bus/edit',
  'pages/water/index',
  'pages/water/edit',
  'pages/water/coverage',
  'pages/supervision/figures',
  'pages/supervision/visits',
  'pages/supervision/visit',
  'pages/supervision/visit-edit',
  'pages/supervision/laggards',
  'pages/supervision/evaluation',
  'pages/supervision/evaluation-school',
  'pages/guard/shift',
  'pages/guard/log',
  'pages/console/confirm',
];

const KIND_NAMES = {
  notice: '家长通知',
  notice_reminder: '确认提醒',
  hazard_overdue: '隐患逾期',
  scheduled: '提醒',
  bus_failed: '校车检查不合格',
  content_refused: '内容审核',
};

/**
 * The URL to navigate to for a message's `page` ('pages/notices/detail?id=7' ->
 * '/pages/notices/detail?id=7'), or '' when it is not one of our pages, is the home page (where
 * the user came from), or has an empty parameter ('…?id=' from a template without its value).
 */
function messageUrl(page) {
  if (!page || typeof page !== 'string') return '';
  const clean = page.trim().replace(/^\/+/, '');
  const [path, query = ''] = clean.split('?');
  if (path === HOME || !PAGES.includes(path)) return '';
  const pairs = query.split('&').filter(Boolean);
  if (pairs.some((pair) => !/^[^=]+=.+$/.test(pair))) return '';
  return `/${clean}`;
}

/** A row of the inbox list. */
function messageRow(message) {
  return {
    id: message.id,
    title: message.title,
    body: message.body || '',
    kind: KIND_NAMES[message.kind] || '通知',
    time: formatDateTime(message.created_at),
    read: Boolean(message.read),
    url: messageUrl(message.page),
  };
}

/** `rows` followed by the new page's rows, without any already listed. */
function appendRows(rows, messages) {
  const seen = new Set(rows.map((r) => r.id));
  return rows.concat(messages.map(messageRow).filter((r) => !seen.has(r.id)));
}

module.exports = { PAGES, KIND_NAMES, messageUrl, messageRow, appendRows };
