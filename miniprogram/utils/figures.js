/**
 * 督导数据 (figures.view): the periods offered (本月 / 近90天 / 本年度; none picked: the server's
 * default, the running campaign's start to today), GET /figures as the page's view (headline,
 * rates as percentages or "—", the children as drill-down rows, by area, by focus problem and by
 * phase (utils/figures-breakdown.js)), the links a row opens,
 * and the copy kept on the phone per unit and period (utils/cache.js key 'figures').
 */
const api = require('../api/client');
const cache = require('./cache');
const { formatDate } = require('./format');
const { isoDay } = require('./patrol-admin');
const { focusView, phaseRows } = require('./figures-breakdown');

const PERIODS = [
  { value: 'month', label: '本月' },
  { value: '90', label: '近90天' },
  { value: 'year', label: '本年度' },
];
const SCHOOL_KINDS = ['school', 'kindergarten'];
// The figures of this many unit/period pairs stay on the phone (the ones opened last).
const KEPT = 12;

/** {from, to} of a period choice (the phone's days, up to today); {} for the server's default. */
function periodRange(value, now = new Date()) {
  const to = isoDay(now);
  if (value === 'month') return { from: `${to.slice(0, 8)}01`, to };
  if (value === 'year') return { from: `${now.getFullYear()}-01-01`, to };
  if (value === '90') return { from: isoDay(new Date(now.getTime() - 89 * 86400000)), to };
  return {};
}

/** A rate 0..1 as "87%", "—" when null (nothing was due). */
function percentText(rate) {
  if (rate === null || rate === undefined || Number.isNaN(Number(rate))) return '—';
  return `${Math.round(Number(rate) * 100)}%`;
}

/** Days as "3.5 天" ("2 天" for a whole number), "—" when null. */
function daysText(days) {
  if (days === null || days === undefined) return '—';
  return `${Number(Number(days).toFixed(1))} 天`;
}

/** The plans' funds "1200.00" -> "1200.00 元" ("0 元" when none). */
function fundsText(funds) {
  const n = Number(funds);
  return !funds || !n ? '0 元' : `${funds} 元`;
}

/** The four rates of a figures object, as labelled percentages. */
function rates(f) {
  return [
    { key: 'patrols', label: '巡查按时率', text: percentText(f.patrols && f.patrols.rate) },
    { key: 'water', label: '水域巡查率', text: percentText(f.water && f.water.rate) },
    { key: 'buses', label: '校车查验率', text: percentText(f.buses && f.buses.rate) },
    { key: 'notices', label: '家长确认率', text: percentText(f.notices && f.notices.rate) },
  ];
}

/**
 * The headline of a figures object: the counts (overdue flagged), the small things kept apart
 * (fixed on the spot, counted in 已整改 too; closed as not a hazard, counted only in 发现), days to
 * fix, funds, rates.
 */
function headline(f) {
  const t = f || {};
  const n = (v) => Number(v) || 0;
  return {
    counts: [
      { key: 'found', label: '发现', value: n(t.found) },
      { key: 'fixed', label: '已整改', value: n(t.fixed) },
      { key: 'verified', label: '已验收', value: n(t.verified) },
      { key: 'open', label: '未整改', value: n(t.open) },
      { key: 'overdue', label: '逾期', value: n(t.overdue), alert: n(t.overdue) > 0 },
    ],
    apart: [
      { key: 'fixed_on_spot', label: '当场整改', value: n(t.fixed_on_spot) },
      { key: 'closed_not_hazard', label: '不是隐患', value: n(t.closed_not_hazard) },
    ],
    median: daysText(t.median_days_to_fix),
    p90: daysText(t.p90_days_to_fix),
    funds: fundsText(t.funds_planned),
    rates: rates(t),
  };
}

/** A child unit's row: name, counts (overdue flagged), rates in a line, and where a tap goes. */
function childRow(child, period) {
  const unit = child.unit || {};
  const school = SCHOOL_KINDS.includes(unit.kind);
  return {
    id: unit.id,
    name: unit.name,
    school,
    found: Number(child.found) || 0,
    open: Number(child.open) || 0,
    overdue: Number(child.overdue) || 0,
    rates: rates(child).map((r) => `${r.label.replace(/率$/, '')} ${r.text}`).join(' · '),
    url: figuresUrl(unit, period),
    overdueUrl: school && Number(child.overdue) ? overdueUrl(unit.id) : '',
  };
}

/** The figures page of a unit (its kind and name go along so the page can title itself). */
function figuresUrl(unit, period = '') {
  const parts = [`unit_id=${unit.id}`, `name=${encodeURIComponent(unit.name || '')}`];
  if (unit.kind) parts.push(`kind=${unit.kind}`);
  if (period) parts.push(`period=${period}`);
  return `/pages/supervision/figures?${parts.join('&')}`;
}

/** A school's overdue hazards in the hazard list (utils/hazard-filters.js reads the link). */
function overdueUrl(schoolId) {
  return `/pages/hazards/list?school_id=${schoolId}&overdue=1`;
}

/** An area's row: its name and the hazard counts in words. */
function areaRow(row) {
  const area = row.area || {};
  return {
    code: area.code,
    name: area.name,
    figures: `发现 ${Number(row.found) || 0} · 已整改 ${Number(row.fixed) || 0} · 未整改 ${Number(row.open) || 0}`,
    overdue: Number(row.overdue) || 0,
  };
}

/** The page's view of a GET /figures answer; `period` goes on into the children's links. */
function figuresView(answer, period = '', now = new Date()) {
  const a = answer || {};
  return {
    range: a.from && a.to ? `${formatDate(a.from, now)} 至 ${formatDate(a.to, now)}` : '',
    headline: headline(a.totals),
    children: (a.children || []).map((child) => childRow(child, period)),
    areas: (a.by_area || []).map(areaRow),
    focus: focusView(a.by_focus, a.by_area),
    phases: phaseRows(a.by_phase, now),
  };
}

/** Whether an answer holds anything to show: hazards found, or anything due. */
function hasFigures(answer) {
  const t = (answer && answer.totals) || {};
  const due = [t.patrols && t.patrols.due, t.water && t.water.due, t.buses && t.buses.trips_due,
    t.notices && t.notices.children_targeted];
  return Boolean(Number(t.found) || Number(t.open) || due.some((v) => Number(v))
    || ((answer && answer.children) || []).length);
}

/** Keep an answer under `key`, dropping the pairs opened longest ago beyond KEPT. */
function keep(key, value) {
  const stored = cache.load('figures');
  const map = (stored && stored.value) || {};
  const next = { ...map, [key]: { value, savedAt: Date.now() } };
  const keys = Object.keys(next).sort((a, b) => next[b].savedAt - next[a].savedAt).slice(0, KEPT);
  cache.save('figures', Object.fromEntries(keys.map((k) => [k, next[k]])));
}

/**
 * GET /figures for a unit and period -> `{value, savedAt}` (savedAt '' when fresh, else when the
 * copy shown was kept); without signal the copy of that unit and period. Rejects otherwise.
 */
function loadFigures(unitId, period, now = new Date()) {
  const key = `${unitId}|${period || ''}`;
  return api.call('figures', { query: { unit_id: unitId, ...periodRange(period, now) } })
    .then((value) => {
      keep(key, value);
      return { value, savedAt: '' };
    })
    .catch((err) => {
      const stored = cache.isNetworkFailure(err) ? cache.load('figures') : null;
      const kept = stored && stored.value && stored.value[key];
      if (!kept) throw err;
      return { value: kept.value, savedAt: kept.savedAt };
    });
}

/** The units of the caller's grants above schools first (then schools), each once: [{id, name, kind}]. */
function figureUnits(me) {
  const seen = new Set();
  const units = ((me && me.grants) || [])
    .map((g) => g.unit)
    .filter((u) => u && !seen.has(u.id) && seen.add(u.id))
    .map((u) => ({ id: u.id, name: u.name, kind: u.kind }));
  return [...units.filter((u) => !SCHOOL_KINDS.includes(u.kind)), ...units.filter((u) => SCHOOL_KINDS.includes(u.kind))];
}

module.exports = {
  PERIODS,
  SCHOOL_KINDS,
  periodRange,
  percentText,
  daysText,
  fundsText,
  headline,
  childRow,
  areaRow,
  figuresUrl,
  overdueUrl,
  figuresView,
  hasFigures,
  loadFigures,
  figureUnits,
};
