/**
 * 年终考评 (figures.view): GET /evaluation as the ranking of a unit's schools, GET
 * /evaluation/schools/{id} as a school's score, ranks and criteria (each with its measure and the
 * lines that cost it points), and the hand items' score checked before the PUT. Scores come as
 * strings ("87.50"); they are shown as numbers without trailing zeros ("87.5"). A line's evidence
 * is a console URL: on the phone a hazard opens its page, the other kinds are just text.
 */
const { formatDate, formatDateTime } = require('./format');

const NOTE_MAX = 500;
const HEADINGS = { measured: '业务记录自动计算', hand: '督查专家评分' };
const STEP = 0.5;

/** "87.50" -> "87.5", "8.00" -> "8"; '' for nothing. */
function scoreText(value) {
  if (value === null || value === undefined || value === '') return '';
  const n = Number(value);
  return Number.isNaN(n) ? String(value) : String(Number(n.toFixed(2)));
}

/** The years offered: this one (the phone's) and the last, as "2026年度". */
function yearChoices(now = new Date()) {
  const year = now.getFullYear();
  return [year, year - 1].map((value) => ({ value, label: `${value}年度` }));
}

/** The school page of the evaluation, for a year. */
function schoolUrl(schoolId, year) {
  return `/pages/supervision/evaluation-school?id=${schoolId}${year ? `&year=${year}` : ''}`;
}

/** The period measured: "2026年1月1日 至 12月31日" style, through formatDate. */
function rangeText(from, to, now) {
  return from && to ? `${formatDate(from, now)} 至 ${formatDate(to, now)}` : '';
}

/** A school's row in the ranking: rank, name, its group, score, 待评分 when not complete. */
function rankingRow(row, year) {
  const school = row.school || {};
  const group = row.group || null;
  return {
    id: school.id,
    name: school.name,
    rank: row.rank_in_district,
    group: group ? group.name : '',
    groupRank: row.rank_in_group || null,
    groupText: group && row.rank_in_group ? `${group.name} · 第 ${row.rank_in_group} 名` : (group && group.name) || '',
    score: scoreText(row.score),
    complete: Boolean(row.complete),
    url: schoolUrl(school.id, year),
  };
}

/** The page's view of a GET /evaluation answer. */
function rankingView(answer, now = new Date()) {
  const a = answer || {};
  return {
    year: a.year,
    range: rangeText(a.date_from, a.date_to, now),
    unit: (a.unit && a.unit.name) || '',
    rows: (a.schools || []).map((row) => rankingRow(row, a.year)),
    pending: (a.schools || []).filter((row) => !row.complete).length,
  };
}

/** Where a line's evidence goes on the phone: a hazard's page, else nowhere ('' ). */
function evidenceUrl(evidence) {
  if (!evidence || evidence.kind !== 'hazard') return '';
  const id = Number(evidence.id) || Number((/\/hazards\/(\d+)/.exec(evidence.href || '') || [])[1]);
  return id ? `/pages/hazards/detail?id=${id}` : '';
}

/** A line that cost points: its text, "-2.5" when it has points, the hazard link if any. */
function lineRow(line, index) {
  const lost = scoreText(line.points_lost);
  return {
    key: index,
    text: line.text,
    lost: lost && Number(lost) ? `-${lost}` : '',
    url: evidenceUrl(line.evidence),
  };
}

/** A hand item's state: its score ('' unscored), note, and who scored it when. */
function handView(hand, now) {
  const h = hand || {};
  const who = h.scored_by && h.scored_by.name;
  return {
    scored: h.score !== null && h.score !== undefined,
    score: scoreText(h.score),
    note: h.note || '',
    by: who ? `${who} ${formatDateTime(h.scored_at, now)}`.trim() : '',
  };
}

/** A criterion: score out of its points, what was lost, its measure, lines, hand state. */
function criterionRow(c, now = new Date()) {
  // A line that only repeats the measure (a hand item's 未评分) is not said twice.
  const lines = (c.lines || []).map(lineRow).filter((line) => line.text !== c.measure);
  return {
    code: c.code,
    name: c.name,
    hand: c.kind === 'hand',
    points: scoreText(c.points),
    pointsValue: Number(c.points) || 0,
    score: scoreText(c.score),
    lost: Number(c.lost) ? scoreText(c.lost) : '',
    notApplicable: Boolean(c.not_applicable),
    measure: [c.measure, c.not_applicable ? '期内无应做事项，按满分计' : ''].filter(Boolean).join(' · '),
    lines,
    more: Number(c.more) || 0,
    handState: c.kind === 'hand' ? handView(c.hand, now) : null,
  };
}

/** The page's view of a GET /evaluation/schools/{id} answer. */
function schoolView(answer, now = new Date()) {
  const a = answer || {};
  const ranks = [];
  if (a.rank_in_district) ranks.push({ key: 'district', text: `区排名 ${a.rank_in_district}/${a.district_size}` });
  if (a.rank_in_group && a.group_size) ranks.push({ key: 'group', text: `中心校排名 ${a.rank_in_group}/${a.group_size}` });
  return {
    year: a.year,
    range: rangeText(a.date_from, a.date_to, now),
    school: (a.school && a.school.name) || '',
    group: (a.group && a.group.name) || '',
    score: scoreText(a.score),
    points: scoreText(a.points),
    complete: Boolean(a.complete),
    ranks,
    criteria: (a.criteria || []).map((c, i, all) => ({
      ...criterionRow(c, now),
      // A heading before the first measured criterion and the first hand item.
      heading: i === all.findIndex((other) => (other.kind === 'hand') === (c.kind === 'hand'))
        ? HEADINGS[c.kind === 'hand' ? 'hand' : 'measured'] : '',
    })),
  };
}

/** What a hand item's score must be. */
function scoreRule(points) {
  return `请填写 0 到 ${scoreText(points)} 之间的分数（以 0.5 分为单位）`;
}

/**
 * Check a hand item's score and note -> `{ok, error, body}`: the score a number 0..points in
 * steps of 0.5, the note at most NOTE_MAX characters (trimmed).
 */
function scoreBody(year, score, note, points) {
  const text = String(score === null || score === undefined ? '' : score).trim();
  const n = Number(text);
  if (!text || Number.isNaN(n) || n < 0 || n > points || Math.round(n / STEP) * STEP !== n) {
    return { ok: false, error: scoreRule(points), body: null };
  }
  const trimmed = String(note || '').trim();
  if (trimmed.length > NOTE_MAX) return { ok: false, error: `说明最多 ${NOTE_MAX} 个字`, body: null };
  // The note always goes, so emptying it clears the one kept.
  return { ok: true, error: '', body: { year, score: n.toFixed(1), note: trimmed } };
}

module.exports = {
  NOTE_MAX,
  STEP,
  scoreText,
  yearChoices,
  schoolUrl,
  rankingRow,
  rankingView,
  evidenceUrl,
  lineRow,
  criterionRow,
  schoolView,
  scoreRule,
  scoreBody,
};
