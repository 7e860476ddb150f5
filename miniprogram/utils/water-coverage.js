/**
 * 水域巡查统计 (patrol.view): the periods offered (近30天 / 近90天 / 今年), and GET
 * /water-points/coverage's counts (in total, per school, per point, per period of the schedule)
 * as rows with the completion rate as a bar, and the visits missed.
 */
const { formatDate } = require('./format');
const { isoDay } = require('./patrol-admin');
const { periodTag, deadlineText } = require('./water');

const PERIODS = [
  { value: '30', label: '近30天' },
  { value: '90', label: '近90天' },
  { value: 'year', label: '今年' },
];
const DEFAULT_PERIOD = '90';

/** {from, to} (YYYY-MM-DD, the phone's days) of a period choice, up to today. */
function periodRange(value, now = new Date()) {
  if (value === 'year') return { from: `${now.getFullYear()}-01-01`, to: isoDay(now) };
  const days = Number(value) || Number(DEFAULT_PERIOD);
  return { from: isoDay(new Date(now.getTime() - (days - 1) * 86400000)), to: isoDay(now) };
}

/**
 * Counts `{due, done, late, missed, open, rate}` as a row: the figures in words and the rate
 * ((done + late) / (due - open); null: nothing was due yet) as a bar with its level.
 */
function countsRow(id, name, counts) {
  const c = counts || {};
  const rate = c.rate === null || c.rate === undefined ? null : Number(c.rate);
  const percent = rate === null ? 0 : Math.round(rate * 100);
  let level = 'good';
  if (percent < 60) level = 'bad';
  else if (percent < 90) level = 'fair';
  const parts = [`应巡 ${Number(c.due) || 0}`, `按时 ${Number(c.done) || 0}`, `逾时 ${Number(c.late) || 0}`, `错过 ${Number(c.missed) || 0}`];
  if (Number(c.open)) parts.push(`未到期 ${c.open}`);
  return {
    id,
    name,
    figures: parts.join(' · '),
    percent,
    rateText: rate === null ? '无应巡' : `${percent}%`,
    hasRate: rate !== null,
    level,
  };
}

/** A missed visit: the point, the school, the window's dates and its period. */
function missedRow(miss, now = new Date()) {
  return {
    id: miss.slot_id,
    name: (miss.water_point && miss.water_point.name) || '水域',
    school: (miss.school && miss.school.name) || '',
    window: `${formatDate(miss.opens_at, now)} 至 ${deadlineText(miss.closes_at, now).replace(/前$/, '')}`,
    period: periodTag(miss.period_name),
  };
}

/** The page's view of a coverage answer. */
function coverageView(answer, now = new Date()) {
  const a = answer || {};
  return {
    period: a.from && a.to ? `${formatDate(a.from, now)} 至 ${formatDate(a.to, now)}` : '',
    total: countsRow('total', '合计', a.totals),
    schools: (a.schools || []).map((row) => countsRow(row.school.id, row.school.name, row)),
    points: (a.points || []).map((row) => countsRow(row.water_point.id, row.water_point.name, row)),
    // Per period of the schedule (平时, 汛期, 暑假), when the server gives them.
    periods: (a.periods || []).map((row) => ({ ...countsRow(row.code || row.name, row.name, row), period: periodTag(row.name) })),
    missed: (a.missed || []).map((miss) => missedRow(miss, now)),
  };
}

module.exports = {
  PERIODS, DEFAULT_PERIOD, periodRange, countsRow, missedRow, coverageView,
};
