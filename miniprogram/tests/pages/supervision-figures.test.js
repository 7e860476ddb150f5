/**
 * 督导数据: the caller's unit (a picker over several), the server's default period then 本月 /
 * 近90天 / 本年度, the headline (逾期 in red), rates ("—" when null), the children as drill-down
 * rows (a school's 查看逾期隐患 opens the hazard list filtered), by area, by focus problem (grouped
 * by area, the clean ones counted) and by phase; a child opened by link;
 * offline (the copy kept, stale banner), error, empty; and the rendered page.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { BUREAU, CENTER, SCHOOL_A, grant } = require('../helpers/fixtures');
const { FIGURES, EMPTY_FIGURES } = require('../helpers/supervision');
const { periodRange } = require('../../utils/figures');
const { TOKEN_KEY } = require('../../utils/session');

const SUPERVISOR = {
  user: { id: 2, display_name: '王督导' },
  grants: [grant(1, 'school_admin', '学校安全负责人', SCHOOL_A), grant(2, 'supervisor', '督导', CENTER)],
  children: [],
  capabilities: ['figures.view'],
};
const NETWORK_DOWN = [{ network: true }, { network: true }, { network: true }];
const KEY = 'GET /api/v1/figures';

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const asked = () => calls.filter((c) => c.key === KEY);

/** The page, loaded with `options`. */
async function open(answer = { status: 200, body: FIGURES }, options = {}, me = SUPERVISOR) {
  calls = serve(wx, { [KEY]: answer });
  page = loadPage('pages/supervision/figures', { app: stubApp(me) });
  await page.onLoad(options);
}

test('the unit above schools first, the default period; headline, rates, children and areas', async () => {
  await open();
  expect(page.data.units.map((u) => u.name)).toEqual(['城东中心校', '城东第一小学']);
  expect(asked()[0].query).toEqual({ unit_id: '2' });
  expect(page.data.state).toBe('');
  const { view } = page.data;
  expect(view.range).toBe('9月1日 至 11月29日');
  expect(view.headline.counts.map((c) => [c.label, c.value, Boolean(c.alert)])).toEqual([
    ['发现', 12, false], ['已整改', 7, false], ['已验收', 5, false], ['未整改', 4, false], ['逾期', 3, true],
  ]);
  // Fixed on the spot and not a hazard, kept apart from the planned fixes.
  expect(view.headline.apart.map((c) => [c.label, c.value])).toEqual([['当场整改', 2], ['不是隐患', 1]]);
  expect(view.headline).toMatchObject({ median: '3.5 天', p90: '12 天', funds: '1200.00 元' });
  expect(view.headline.rates.map((r) => r.text)).toEqual(['85%', '75%', '—', '95%']);
  expect(view.children.map((c) => [c.name, c.overdue, c.overdueUrl])).toEqual([
    ['城东第一小学', 3, '/pages/hazards/list?school_id=3&overdue=1'],
    ['城东幼儿园', 0, ''],
  ]);
  expect(view.children[1].rates).toBe('巡查按时 — · 水域巡查 75% · 校车查验 — · 家长确认 95%');
  expect(view.areas.map((a) => [a.name, a.figures, a.overdue])).toEqual([
    ['消防安全', '发现 8 · 已整改 5 · 未整改 3', 2], ['食品安全', '发现 4 · 已整改 2 · 未整改 1', 0],
  ]);
  expect(page.data.schoolOverdueUrl).toBe('');
});

test('by focus problem: those with hazards under their areas, the clean ones counted; by phase with dates', async () => {
  await open();
  const { focus, phases } = page.data.view;
  expect(focus.groups.map((g) => [g.name, g.rows.map((r) => [r.name, r.found, r.fixed, r.open, r.overdue])])).toEqual([
    ['消防安全', [['消防通道堵塞', 5, 3, 2, 2], ['电线私拉乱接', 3, 2, 1, 0]]],
    ['食品安全', [['食材过期', 4, 2, 1, 0]]],
  ]);
  expect(focus.quiet).toBe(2);
  expect(phases.map((p) => [p.name, p.dates, p.found, p.overdue])).toEqual([
    ['全面检查、补齐短板', '4月1日 至 10月31日', 9, 2], ['督导评估、巩固提升', '11月1日 至 12月31日', 3, 1],
  ]);
});

test('by focus: no hazards at all -> no table; an area missing from by_area keeps its code', async () => {
  const quiet = FIGURES.by_focus.map((r) => ({ ...r, found: 0, open: 0, overdue: 0 }));
  await open({ status: 200, body: { ...FIGURES, by_focus: quiet, by_phase: [] } });
  expect(page.data.view.focus).toEqual({ groups: [], quiet: 5 });
  expect(page.data.view.phases).toEqual([]);
  await open({ status: 200, body: { ...FIGURES, by_area: [] } });
  expect(page.data.view.focus.groups.map((g) => g.name)).toEqual(['area1', 'area2']);
});

test('drill-down: a child row opens the same page for it, a school row its overdue hazards', async () => {
  await open();
  await page.pickPeriod(tapEvent({ period: 'month' }));
  const [school] = page.data.view.children;
  expect(school.url).toBe('/pages/supervision/figures?unit_id=3&name=%E5%9F%8E%E4%B8%9C%E7%AC%AC%E4%B8%80%E5%B0%8F%E5%AD%A6&kind=school&period=month');
  page.openChild(tapEvent({ url: school.url }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: school.url });
  page.openOverdue(tapEvent({ url: school.overdueUrl }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/hazards/list?school_id=3&overdue=1' });
});

test('a school opened by link: its figures, the period kept, 查看逾期隐患 at the top', async () => {
  await open({ status: 200, body: { ...FIGURES, unit: { id: 3, name: SCHOOL_A.name }, children: [] } }, {
    unit_id: '3', name: encodeURIComponent(SCHOOL_A.name), kind: 'school', period: 'month',
  });
  expect(page.data).toMatchObject({ drilled: true, period: 'month', schoolOverdueUrl: '/pages/hazards/list?school_id=3&overdue=1' });
  expect(asked()[0].query).toEqual({ unit_id: '3', ...periodRange('month') });
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: SCHOOL_A.name });
});

test('本月, 近90天, 本年度 ask with dates; the chip on again goes back to the default; another unit', async () => {
  await open();
  await page.pickPeriod(tapEvent({ period: '90' }));
  expect(asked()[1].query).toEqual({ unit_id: '2', ...periodRange('90') });
  await page.pickPeriod(tapEvent({ period: 'year' }));
  expect(asked()[2].query.from).toMatch(/^\d{4}-01-01$/);
  await page.pickPeriod(tapEvent({ period: 'year' }));
  expect(asked()[3].query).toEqual({ unit_id: '2' });
  await page.pickUnit({ detail: { value: '1' } });
  expect(asked()[4].query).toEqual({ unit_id: '3' });
});

test('offline: the copy kept for that unit and period with the stale banner; none kept: the error', async () => {
  await open();
  serve(wx, { [KEY]: NETWORK_DOWN });
  await page.onPullDownRefresh();
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  expect(page.data.state).toBe('');
  expect(page.data.savedAt).toBeGreaterThan(0);
  expect(page.data.view.children).toHaveLength(2);
  serve(wx, { [KEY]: NETWORK_DOWN });
  await page.pickPeriod(tapEvent({ period: 'year' }));
  expect(page.data).toMatchObject({ state: 'error', offline: true, savedAt: '' });
}, 15000);

test('a refusal: the error and 重试; nothing in the period: empty; no role: empty without a call', async () => {
  await open([apiError(403, 'forbidden'), { status: 200, body: EMPTY_FIGURES }]);
  expect(page.data).toMatchObject({ state: 'error', error: '你没有权限进行这个操作' });
  await page.retry();
  expect(page.data.state).toBe('empty');
  await open(undefined, {}, { ...SUPERVISOR, grants: [] });
  expect(page.data.state).toBe('empty');
  expect(asked()).toHaveLength(0);
});

test('as rendered: counts with 逾期 in red, the rates, children with 查看逾期隐患 on the school only', async () => {
  serve(wx, { [KEY]: { status: 200, body: FIGURES } });
  global.getApp = () => stubApp({ ...SUPERVISOR, grants: [grant(3, 'bureau_staff', '教育局', BUREAU)] });
  const comp = renderPage('pages/supervision/figures');
  await comp.instance.onLoad({});
  await simulate.sleep(0);
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
  expect(texts('.tab')).toEqual(['本月', '近90天', '本年度']);
  expect(comp.dom.querySelector('.tab--on')).toBeNull();
  expect(texts('.count--alert')).toEqual(['3逾期']);
  expect(texts('.fact--apart')).toEqual(['当场整改 2 件 · 不是隐患 1 件']);
  expect(texts('.rate-value')).toEqual(['85%', '75%', '—', '95%']);
  expect(texts('.section-title')).toEqual(['下级单位', '按领域', '按重点问题', '按活动阶段']);
  expect(texts('.group-name')).toEqual(['消防安全', '食品安全']);
  expect(texts('.focus-row')[0]).toBe('消防通道堵塞5322');
  expect(texts('.focus-row .overdue')).toEqual(['2']);
  expect(texts('.quiet')).toEqual(['其余 2 个重点问题期内没有隐患']);
  expect(texts('.phase-row .dates')).toEqual(['4月1日 至 10月31日', '11月1日 至 12月31日']);
  expect(texts('.child .link--alert')).toEqual(['查看逾期隐患 ›']);
  expect(texts('.child .overdue')).toEqual(['逾期 3']);
  comp.detach();
});
