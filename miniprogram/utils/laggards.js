/**
 * 需关注单位 (figures.view): GET /supervision/laggards as rows (the school, its overdue hazards and
 * missed patrols against the thresholds, the accountability actions already taken), and the body
 * of POST /units/{id}/accountability (约谈 / 通报) with the row's evidence and a reason.
 */
const { formatDate } = require('./format');
const { tagType } = require('./tone');
const { overdueUrl } = require('./figures');

const KINDS = { interview: '约谈', notice: '通报', other: '其他' };
const REASON = { min: 2, max: 2000 };

/** An action already recorded: "约谈 11月10日" with its tone. */
function actionTag(action, now = new Date()) {
  return {
    id: action.id,
    text: `${KINDS[action.kind] || action.kind} ${formatDate(action.created_at, now)}`,
    type: tagType('accountability', action.kind),
  };
}

/** A laggard's row; `thresholds` mark the counts at or over them. */
function laggardRow(laggard, thresholds = {}, now = new Date()) {
  const overdue = (laggard.overdue && laggard.overdue.count) || 0;
  const missed = (laggard.missed_patrols && laggard.missed_patrols.count) || 0;
  return {
    id: laggard.school.id,
    name: laggard.school.name,
    overdue,
    missed,
    overdueAlert: overdue >= (thresholds.overdue || Infinity),
    missedAlert: missed >= (thresholds.missed_patrols || Infinity),
    overdueUrl: overdue ? overdueUrl(laggard.school.id) : '',
    actions: (laggard.accountability || []).map((a) => actionTag(a, now)),
  };
}

/** The page's view of a laggards answer. */
function laggardsView(answer, now = new Date()) {
  const a = answer || {};
  const t = a.thresholds || {};
  return {
    range: a.from && a.to ? `${formatDate(a.from, now)} 至 ${formatDate(a.to, now)}` : '',
    rule: `逾期隐患 ≥ ${t.overdue} 条，或漏巡 ≥ ${t.missed_patrols} 次`,
    rows: (a.laggards || []).map((l) => laggardRow(l, t, now)),
  };
}

/**
 * Check the reason and make the POST body -> `{ok, error, body}`: the kind, the reason, and the
 * evidence of the list shown (its period and the school's counts and ids).
 */
function accountabilityBody(kind, reason, answer, schoolId) {
  const text = String(reason || '').trim();
  if (text.length < REASON.min || text.length > REASON.max) {
    return { ok: false, error: `请写明原因（${REASON.min}-${REASON.max} 个字）`, body: null };
  }
  const body = { kind, reason: text };
  const laggard = ((answer && answer.laggards) || []).find((l) => l.school.id === schoolId);
  if (laggard && answer.from && answer.to) {
    body.evidence = {
      from: answer.from, to: answer.to, overdue: laggard.overdue, missed_patrols: laggard.missed_patrols,
    };
  }
  return { ok: true, error: '', body };
}

module.exports = {
  KINDS, REASON, actionTag, laggardRow, laggardsView, accountabilityBody,
};
