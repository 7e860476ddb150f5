/**
 * 督导数据's hazards by focus problem and by campaign phase (GET /figures `by_focus`, `by_phase`)
 * as compact tables: found / fixed / open / overdue per row. The focus problems are grouped under
 * their areas in the campaign's order; the server lists every problem of the running campaign (a
 * clean one as zeros), so only those with hazards get a row and the rest are counted in one line.
 */
const { formatDate } = require('./format');

/** The four counts of a row of hazard figures (overdue flagged when any). */
function counts(row) {
  const n = (v) => Number(v) || 0;
  return {
    found: n(row.found), fixed: n(row.fixed), open: n(row.open), overdue: n(row.overdue),
  };
}

/** Whether a row has anything to show (a hazard found in the period or still open). */
function busy(row) {
  return Boolean(Number(row.found) || Number(row.open) || Number(row.overdue));
}

/**
 * The focus problems with hazards, grouped by area ({code, name, rows}), in the server's order;
 * `quiet` counts the problems without any. Area names come from `by_area` (the code otherwise).
 */
function focusView(byFocus, byArea) {
  const names = new Map((byArea || []).map((a) => [a.area && a.area.code, a.area && a.area.name]));
  const groups = [];
  let quiet = 0;
  (byFocus || []).forEach((row) => {
    if (!busy(row)) {
      quiet += 1;
      return;
    }
    const code = row.area_code || '';
    let group = groups.find((g) => g.code === code);
    if (!group) {
      group = { code, name: names.get(code) || code, rows: [] };
      groups.push(group);
    }
    const problem = row.focus_problem || {};
    group.rows.push({ code: problem.code, name: problem.name, ...counts(row) });
  });
  return { groups, quiet };
}

/** The campaign phases overlapping the period, each with its dates ("4月1日 至 10月31日"). */
function phaseRows(byPhase, now = new Date()) {
  return (byPhase || []).map((row) => {
    const phase = row.phase || {};
    const dates = phase.starts_on && phase.ends_on
      ? `${formatDate(phase.starts_on, now)} 至 ${formatDate(phase.ends_on, now)}` : '';
    return { code: phase.code, name: phase.name, dates, ...counts(row) };
  });
}

module.exports = { focusView, phaseRows };
