/**
 * The supervision utils: periods and the figures in words (rates "—" when null, days, funds),
 * drill-down links, the units one sees figures for, the offline copy per unit and period (the
 * oldest dropped); visit rows and members; the laggards' evidence body; the home tiles by role.
 */
const { installWx } = require('../helpers/wx');
const { BUREAU, CENTER, SCHOOL_A, grant } = require('../helpers/fixtures');
const { FIGURES, LAGGARDS } = require('../helpers/supervision');
const F = require('../../utils/figures');
const V = require('../../utils/visits');
const L = require('../../utils/laggards');
const cache = require('../../utils/cache');
const { TILES, tilesFor, contextOf } = require('../../utils/tiles');

const NOW = new Date(2026, 10, 29, 10, 0);

beforeEach(() => { installWx(); });

test('periods: 本月 from the 1st, 近90天 inclusive, 本年度 from 1 January; none: the server decides', () => {
  expect(F.periodRange('month', NOW)).toEqual({ from: '2026-11-01', to: '2026-11-29' });
  expect(F.periodRange('90', NOW)).toEqual({ from: '2026-09-01', to: '2026-11-29' });
  expect(F.periodRange('year', NOW)).toEqual({ from: '2026-01-01', to: '2026-11-29' });
  expect(F.periodRange('', NOW)).toEqual({});
});

test('figures in words: rates as percentages or —, days, funds', () => {
  expect([0, 0.8549, 1, null, undefined].map(F.percentText)).toEqual(['0%', '85%', '100%', '—', '—']);
  expect([3.5, 12, 0.25, null].map(F.daysText)).toEqual(['3.5 天', '12 天', '0.3 天', '—']);
  expect([F.fundsText('1200.00'), F.fundsText('0.00'), F.fundsText(null)]).toEqual(['1200.00 元', '0 元', '0 元']);
});

test('drill-down links carry the unit, its name and kind, and the period', () => {
  expect(F.figuresUrl({ id: 2, name: '中心校', kind: 'center_school' }, '90'))
    .toBe(`/pages/supervision/figures?unit_id=2&name=${encodeURIComponent('中心校')}&kind=center_school&period=90`);
  expect(F.childRow(FIGURES.children[1], '').overdueUrl).toBe('');
  expect(F.childRow({ ...FIGURES.children[0], unit: { id: 2, name: '中心校', kind: 'center_school' } }).overdueUrl).toBe('');
});

test('the units for figures: above schools first, each once', () => {
  const me = { grants: [grant(1, 'school_admin', 'x', SCHOOL_A), grant(2, 'bureau_staff', 'y', BUREAU), grant(3, 'supervisor', 'z', CENTER), grant(4, 'teacher', 't', SCHOOL_A)] };
  expect(F.figureUnits(me).map((u) => u.id)).toEqual([1, 2, 3]);
  expect(F.figureUnits(null)).toEqual([]);
});

test('hasFigures: something found or due, or children to show', () => {
  expect(F.hasFigures(FIGURES)).toBe(true);
  expect(F.hasFigures({ totals: { found: 0, patrols: { due: 0 } }, children: [] })).toBe(false);
  expect(F.hasFigures({ totals: { found: 0, buses: { trips_due: 2 } }, children: [] })).toBe(true);
});

test('the offline copy keeps the 12 unit/period pairs opened last', async () => {
  const api = require('../../api/client');
  const spy = jest.spyOn(api, 'call').mockImplementation((name, { query }) => Promise.resolve({ unit: { id: Number(query.unit_id) } }));
  let clock = 1000;
  const now = jest.spyOn(Date, 'now').mockImplementation(() => { clock += 1; return clock; });
  for (let id = 1; id <= 13; id += 1) await F.loadFigures(id, 'year', NOW);
  const kept = Object.keys(cache.load('figures').value);
  expect(kept).toHaveLength(12);
  expect(kept).not.toContain('1|year');
  expect(kept).toContain('13|year');
  spy.mockRestore();
  now.mockRestore();
});

test('visit rows and members in words', () => {
  expect(V.memberText({ name: '李', organisation: '消防', role: null })).toBe('李（消防）');
  expect(V.memberText({ name: '李', organisation: '消防', role: '组长' })).toBe('李（消防 · 组长）');
  expect(V.visitingUnits({ grants: [grant(1, 'teacher', 't', SCHOOL_A), grant(2, 'supervisor', 's', CENTER)] }).map((u) => u.id)).toEqual([2]);
  expect(V.ORGANISATIONS).toEqual(['教育局', '公安', '市场监管', '消防', '卫生', '其他']);
});

test('accountability: the reason checked, the evidence of the row shown, none for a school not listed', () => {
  expect(L.accountabilityBody('notice', ' x ', LAGGARDS, 3)).toMatchObject({ ok: false, body: null });
  expect(L.accountabilityBody('notice', '多次漏巡', LAGGARDS, 4).body.evidence.missed_patrols.count).toBe(5);
  expect(L.accountabilityBody('notice', '多次漏巡', LAGGARDS, 99).body).toEqual({ kind: 'notice', reason: '多次漏巡' });
});

describe('home tiles', () => {
  const titles = (capabilities, grants) => tilesFor(capabilities, TILES, {}, contextOf({ capabilities, grants }))
    .map((t) => t.title)
    .filter((t) => ['督导数据', '督导检查', '需关注单位'].includes(t));

  test('above schools: 督导数据 and 需关注单位 with figures.view, 督导检查 with visit.record', () => {
    const center = [grant(1, 'supervisor', 's', CENTER)];
    expect(titles(['figures.view', 'visit.record'], center)).toEqual(['督导数据', '督导检查', '需关注单位']);
    expect(titles(['visit.record'], center)).toEqual(['督导检查']);
  });

  test('a school manager with figures.view: no supervision tiles', () => {
    expect(titles(['figures.view'], [grant(1, 'school_admin', 'a', SCHOOL_A)])).toEqual([]);
  });
});
