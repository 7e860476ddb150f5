/**
 * 水域巡查统计: the unit and the period asked for (近90天 to start; 近30天 and 今年), the total with
 * its rate, per school and per point, the visits missed; empty, error and the rendered page.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { CENTER, SCHOOL_A, grant } = require('../helpers/fixtures');
const { COVERAGE } = require('../helpers/water');
const { periodRange } = require('../../utils/water-coverage');
const { TOKEN_KEY } = require('../../utils/session');

const SUPERVISOR = {
  user: { id: 2, display_name: '王督导' },
  grants: [grant(1, 'supervisor', '督导', CENTER), grant(2, 'school_admin', '学校安全负责人', SCHOOL_A)],
  children: [],
  capabilities: ['patrol.view'],
};
const EMPTY = {
  from: '2026-09-01', to: '2026-11-29', totals: { due: 0, done: 0, late: 0, missed: 0, open: 0, rate: null }, schools: [], points: [], missed: [],
};

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const keyed = () => calls.filter((c) => c.key === 'GET /api/v1/water-points/coverage');

/** The page, loaded. */
async function open(answer = { status: 200, body: COVERAGE }) {
  calls = serve(wx, { 'GET /api/v1/water-points/coverage': answer });
  page = loadPage('pages/water/coverage', { app: stubApp(SUPERVISOR) });
  await page.onLoad();
}

test('the first unit and the last 90 days; the figures, per school, per point and the misses', async () => {
  await open();
  expect(keyed()[0].query).toEqual({ unit_id: '2', ...periodRange('90') });
  expect(page.data.state).toBe('');
  const { view } = page.data;
  expect(view.total).toMatchObject({ rateText: '78%', figures: '应巡 10 · 按时 6 · 逾时 1 · 错过 2 · 未到期 1' });
  expect(view.schools.map((r) => r.name)).toEqual(['城东第一小学']);
  expect(view.points.map((r) => [r.name, r.rateText])).toEqual([['沱河符离段', '100%'], ['张庄大塘', '50%']]);
  expect(view.missed.map((r) => [r.name, r.school, r.window, r.period.text])).toEqual([
    ['张庄大塘', '城东第一小学', '7月1日 至 7月8日', '汛期'],
    ['张庄大塘', '城东第一小学', '8月1日 至 8月4日', '暑假'],
  ]);
});

test('近30天, 今年 and another unit ask again; the same period does not', async () => {
  await open();
  await page.pickPeriod(tapEvent({ period: '30' }));
  expect(keyed()[1].query).toEqual({ unit_id: '2', ...periodRange('30') });
  await page.pickPeriod(tapEvent({ period: '30' }));
  expect(keyed()).toHaveLength(2);
  await page.pickPeriod(tapEvent({ period: 'year' }));
  expect(keyed()[2].query.from).toMatch(/^\d{4}-01-01$/);
  await page.pickUnit({ detail: { value: '1' } });
  expect(keyed()[3].query.unit_id).toBe('3');
});

test('nothing due: empty; a refusal: the error, and pull-down loads again', async () => {
  await open([{ status: 200, body: EMPTY }, apiError(403, 'forbidden')]);
  expect(page.data.state).toBe('empty');
  await page.onPullDownRefresh();
  expect(page.data).toMatchObject({ state: 'error', error: '你没有权限进行这个操作' });
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});

test('as rendered: the period chips, the total, the missed visits in red with their period tags', async () => {
  serve(wx, { 'GET /api/v1/water-points/coverage': { status: 200, body: COVERAGE } });
  global.getApp = () => stubApp(SUPERVISOR);
  const comp = renderPage('pages/water/coverage');
  await comp.instance.onLoad();
  await simulate.sleep(0);
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
  expect(texts('.tab')).toEqual(['近30天', '近90天', '今年']);
  expect(comp.dom.querySelector('.tab--on').textContent).toBe('近90天');
  expect(texts('.card--total .rate')).toEqual(['完成率 78%']);
  expect(texts('.section-title')).toEqual(['未按期巡查 2 次', '按时期', '按学校', '按水域']);
  expect(texts('.section--periods .van-tag')).toEqual(['汛期', '暑假']);
  expect(texts('.missed .van-tag')).toEqual(['汛期', '暑假']);
  expect([...comp.dom.querySelectorAll('.missed .van-tag')].map((n) => n.dataset.type)).toEqual(['danger', 'warning']);
  expect(texts('.missed .figures')).toEqual(['城东第一小学 · 7月1日 至 7月8日', '城东第一小学 · 8月1日 至 8月4日']);
  comp.detach();
});
