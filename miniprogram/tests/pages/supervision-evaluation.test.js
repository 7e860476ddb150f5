/**
 * 年终考评: the caller's unit (a picker over several), the schools ranked with their district rank,
 * center school and rank, score and 待评分; this year or last; a tap opens the school's evaluation with the year;
 * empty (no school, no role), error and 重试, pull-down, back from a school; and the rendered page.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { CENTER, SCHOOL_A, grant } = require('../helpers/fixtures');
const { RANKING } = require('../helpers/evaluation');
const { TOKEN_KEY } = require('../../utils/session');

const SUPERVISOR = {
  user: { id: 2, display_name: '王督导' },
  grants: [grant(1, 'school_admin', '学校安全负责人', SCHOOL_A), grant(2, 'supervisor', '督导', CENTER)],
  children: [],
  capabilities: ['figures.view'],
};
const KEY = 'GET /api/v1/evaluation';

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const asked = () => calls.filter((c) => c.key === KEY);

async function open(answer = { status: 200, body: RANKING }, me = SUPERVISOR) {
  calls = serve(wx, { [KEY]: answer });
  page = loadPage('pages/supervision/evaluation', { app: stubApp(me) });
  await page.onLoad();
}

test('the unit above schools first; the schools ranked with their scores, 待评分 when not complete', async () => {
  await open();
  expect(page.data.units.map((u) => u.name)).toEqual(['城东中心校', '城东第一小学']);
  const { year } = page.data;
  expect(page.data.years.map((y) => y.value)).toEqual([year, year - 1]);
  expect(asked()[0].query).toEqual({ unit_id: '2', year: String(year) });
  expect(page.data.state).toBe('');
  const { view } = page.data;
  expect(view).toMatchObject({ year: 2026, range: '1月1日 至 12月31日', pending: 1 });
  expect(view.rows.map((r) => [r.rank, r.name, r.group, r.groupRank, r.score, r.complete])).toEqual([
    [3, '城东第一小学', '城东中心校', 1, '87.5', true],
    [57, '城东幼儿园', '城东中心校', 2, '61', false],
  ]);
});

test('a school row opens its evaluation for the year; another unit asks again', async () => {
  await open();
  const [row] = page.data.view.rows;
  expect(row.url).toBe('/pages/supervision/evaluation-school?id=3&year=2026');
  page.openSchool(tapEvent({ url: row.url }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: row.url });
  await page.pickUnit({ detail: { value: '1' } });
  expect(asked()[1].query).toEqual({ unit_id: '3', year: String(page.data.year) });
});

test('last year: asked with its year; the year on again asks nothing; a year not set up: the error', async () => {
  await open([{ status: 200, body: RANKING }, apiError(404, 'no_evaluation')]);
  const [, last] = page.data.years;
  await page.pickYear(tapEvent({ year: String(last.value) }));
  expect(asked()[1].query).toEqual({ unit_id: '2', year: String(last.value) });
  expect(page.data).toMatchObject({ year: last.value, state: 'error', error: '这一年的考评还没有设置', view: null });
  await page.pickYear(tapEvent({ year: String(last.value) }));
  expect(asked()).toHaveLength(2);
});

test('pull down and back from a school (not the first show) load again', async () => {
  await open();
  page.onShow();
  expect(asked()).toHaveLength(1);
  await page.onShow();
  expect(asked()).toHaveLength(2);
  await page.onPullDownRefresh();
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  expect(asked()).toHaveLength(3);
});

test('no year configured: the error and 重试; no school under the unit: empty; no role: empty without a call', async () => {
  await open([apiError(404, 'no_evaluation'), { status: 200, body: { ...RANKING, schools: [] } }]);
  expect(page.data).toMatchObject({ state: 'error', error: '这一年的考评还没有设置' });
  await page.retry();
  expect(page.data.state).toBe('empty');
  await open(undefined, { ...SUPERVISOR, grants: [] });
  expect(page.data.state).toBe('empty');
  expect(asked()).toHaveLength(0);
});

test('as rendered: the ranks, scores, 待评分 on the incomplete school only, the pending count', async () => {
  serve(wx, { [KEY]: { status: 200, body: RANKING } });
  global.getApp = () => stubApp(SUPERVISOR);
  const comp = renderPage('pages/supervision/evaluation');
  await comp.instance.onLoad();
  await simulate.sleep(0);
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
  expect(texts('.tab')).toEqual(comp.instance.data.years.map((y) => y.label));
  expect(texts('.tab--on')).toEqual([comp.instance.data.years[0].label]);
  expect(texts('.rank')).toEqual(['3', '57']);
  expect(texts('.score')).toEqual(['87.5', '61']);
  expect(texts('.row .pending')).toEqual(['待评分']);
  expect(comp.dom.querySelectorAll('.row')[1].querySelector('.pending')).not.toBeNull();
  expect(texts('.summary-count, .summary-pending')).toEqual(['共 2 所学校', '待评分 1 所']);
  expect(texts('.group')).toEqual(['城东中心校 · 第 1 名', '城东中心校 · 第 2 名']);
  comp.detach();
});
