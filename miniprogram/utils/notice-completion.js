/**
 * A notice's completion: counts and rates of reached / read / acknowledged parent-child pairs for a
 * unit and its parts, as percentages.
 */
const { mayOpenClass } = require('./notices');
const { formatDateTime } = require('./format');

/**
 * A rate (0..1, null when nobody was reached) -> {percent: number for a progress bar, text},
 * rounded to 0.1 %; "100%" only when everyone, "0%" only when nobody.
 */
function percent(rate) {
  if (rate === null || rate === undefined || Number.isNaN(Number(rate))) return { percent: 0, text: '—' };
  const r = Math.min(1, Math.max(0, Number(rate)));
  let value = Math.round(r * 1000) / 10;
  if (value === 100 && r < 1) value = 99.9;
  if (value === 0 && r > 0) value = 0.1;
  return { percent: value, text: `${value}%` };
}

/**
 * Whether a notice reached nobody here: the server's `reached: false` on a class row, a
 * `children: 0`, or no parent-child pair counted (older servers send only the counts).
 */
function notReached(counts) {
  if (!counts) return true;
  if (counts.reached === false || counts.children === 0) return true;
  return !(Number(counts.reached) > 0);
}

/** Counts and rates of a unit's totals or of a breakdown row. */
function ratesView(counts) {
  const read = percent(counts.read_rate);
  const ack = percent(counts.ack_rate);
  return {
    notReached: notReached(counts),
    reached: Number(counts.reached) || 0,
    read: counts.read || 0,
    acknowledged: counts.acknowledged || 0,
    readPercent: read.percent,
    readText: read.text,
    ackPercent: ack.percent,
    ackText: ack.text,
  };
}

/**
 * A breakdown row. Unit rows always drill down; a class row opens the class's parents only for
 * its class teacher or the school's own staff (`grants` from /me, `schoolId` the unit shown).
 */
function breakdownRow(row, grants, schoolId) {
  const isClass = row.kind === 'class';
  const rates = ratesView(row);
  return {
    kind: row.kind,
    id: row.id,
    name: row.name,
    ...rates,
    notReachedText: isClass ? '未送达：该班暂无已绑定的家长' : '未送达：该单位暂无收到通知的家长',
    // A class nobody was reached in has no parents to list; unit rows always drill down.
    canOpen: isClass ? !rates.notReached && mayOpenClass(grants, schoolId, row.id) : true,
  };
}

/** The page's view of GET /notices/{id}/completion. */
function completionView(res, grants) {
  const unit = res.unit || {};
  return {
    unit: { id: unit.id, name: unit.name || '' },
    totals: ratesView(res.totals || {}),
    rows: (res.breakdown || []).map((row) => breakdownRow(row, grants, unit.id)),
    byClass: (res.breakdown || []).some((row) => row.kind === 'class'),
  };
}

/**
 * A row of the notices from above (GET /notices/received): who sent it, the caller's unit it
 * reached and, where the caller may see completion there, that unit's counts (`rates`) and the
 * unit to open the completion at.
 */
function receivedRow(notice) {
  return {
    id: notice.id,
    key: `${notice.id}-${notice.own_unit ? notice.own_unit.id : 0}`,
    title: notice.title,
    body: notice.body || '',
    from: notice.unit ? notice.unit.name : '',
    ownUnit: notice.own_unit ? notice.own_unit.name : '',
    time: notice.sent_at ? `${formatDateTime(notice.sent_at)} 下发` : '',
    completionUnitId: notice.completion_unit_id || null,
    rates: notice.totals ? ratesView(notice.totals) : null,
  };
}

module.exports = { percent, notReached, ratesView, breakdownRow, completionView, receivedRow };
