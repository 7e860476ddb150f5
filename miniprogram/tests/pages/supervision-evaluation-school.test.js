/**
 * A school's 年终考评: the score, ranks, criteria with their measure and lost lines (a hazard's
 * line opens the hazard, the others are text), the hand items; the editor for evaluation.score
 * holders only (score 0..points in steps of 0.5, the note), the PUT body, the school again after
 * saving, refusals (422 in the dialog, 403 hides the editor); empty, error and 重试; rendered.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { BUREAU, grant } = require('../helpers/fixtures');
const { SCHOOL } = require('../helpers/evaluation');
const { TOKEN_KEY } = require('../../utils/session');

const INSPECTOR = {
  user: { id: 9, display_name: '李专家' },
  grants: [grant(1, 'inspector', '督查专家', BUREAU)],
  children: [],
  capabilities: ['figures.view', 'evaluation.score'],
};
const VIEWER = { ...INSPECTOR, capabilities: ['figures.view'] };
const KEY = 'GET /api/v1/evaluation/schools/3';
const PUT = 'PUT /api/v1/evaluation/schools/3/items/drills';

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const asked = () => calls.filter((c) => c.key === KEY);

async function open(routes = {}, me = INSPECTOR, options = { id: '3', year: '2026' }) {
  calls = serve(wx, { [KEY]: { status: 200, body: SCHOOL }, ...routes });
  page = loadPage('pages/supervision/evaluation-school', { app: stubApp(me) });
  await page.onLoad(options);
}

test('the score, ranks and criteria with their measure, lost points and lines; the year asked', async () => {
  await open();
  expect(asked()[0].query).toEqual({ year: '2026' });
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '城东第一小学' });
  const { view } = page.data;
  expect(view).toMatchObject({
    score: '81.5', points: '100', complete: false, group: '城东中心校', range: '1月1日 至 12月31日',
  });
  expect(view.ranks.map((r) => r.text)).toEqual(['区排名 3/400', '中心校排名 1/12']);
  expect(view.criteria.map((c) => [c.name, c.score, c.points, c.lost, c.measure, c.hand])).toEqual([
    ['隐患按期整改', '22.5', '25', '2.5', '按期整改 9/10', false],
    ['巡查按时完成', '19', '20', '1', '按时完成 95/100', false],
    ['校车出车前检查', '10', '10', '', '没有校车 · 期内无应做事项，按满分计', false],
    ['安全制度与台账资料', '6.5', '8', '1.5', '', true],
    ['应急疏散演练', '0', '6', '6', '未评分', true],
  ]);
  expect(view.criteria[0].lines).toEqual([
    { key: 0, text: '隐患#123 逾期7天未整改(教学楼楼梯扶手松动)', lost: '-2.5', url: '/pages/hazards/detail?id=123' },
  ]);
  expect(view.criteria[1].lines[0]).toMatchObject({ lost: '', url: '' });
  expect(view.criteria[1].more).toBe(3);
  expect(view.criteria[3].handState).toMatchObject({ scored: true, score: '6.5', note: '台账不全' });
  expect(view.criteria[3].handState.by).toMatch(/^李专家 11月20日 \d\d:30$/);
  expect(view.criteria[4].handState).toMatchObject({ scored: false, by: '' });
  // The hand item's line 未评分 only repeats its measure: said once.
  expect(view.criteria[4].lines).toEqual([]);
  expect(view.criteria.map((c) => c.heading)).toEqual(['业务记录自动计算', '', '', '督查专家评分', '']);
});

test('a hazard line opens the hazard; a line without one opens nothing', async () => {
  await open();
  page.openLine(tapEvent({ url: '/pages/hazards/detail?id=123' }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/hazards/detail?id=123' });
  wx.navigateTo.mockClear();
  page.openLine(tapEvent({ url: '' }));
  expect(wx.navigateTo).not.toHaveBeenCalled();
});

test('评分: the editor checks the score (0..points, steps of 0.5) and the note, PUTs, then the school again', async () => {
  const scored = { ...SCHOOL.criteria[4], score: '5.50', hand: { ...SCHOOL.criteria[4].hand, score: '5.50' } };
  await open({ [PUT]: { status: 200, body: scored } });
  page.edit(tapEvent({ code: 'drills' }));
  expect(page.data.editor).toMatchObject({ show: true, name: '应急疏散演练', points: 6, score: 0, note: '' });
  page.onScore({ detail: 6.5 });
  await page.save();
  expect(page.data.editor.error).toBe('请填写 0 到 6 之间的分数（以 0.5 分为单位）');
  page.onScore({ detail: 5.3 });
  await page.save();
  expect(page.data.editor.error).toMatch(/^请填写/);
  page.onScore({ detail: 5.5 });
  page.onNote({ detail: { value: 'x'.repeat(501) } });
  await page.save();
  expect(page.data.editor.error).toBe('说明最多 500 个字');
  page.onNote({ detail: { value: ' 演练记录齐全，缺少照片 ' } });
  await page.save();
  const put = calls.find((c) => c.key === PUT);
  expect(put.data).toEqual({ year: 2026, score: '5.5', note: '演练记录齐全，缺少照片' });
  expect(page.data.editor.show).toBe(false);
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已保存评分', icon: 'success' });
  expect(asked()).toHaveLength(2);
});

test('修改评分 opens with the score and note kept; 取消 closes without a call', async () => {
  await open();
  page.edit(tapEvent({ code: 'records' }));
  expect(page.data.editor).toMatchObject({ show: true, points: 8, score: 6.5, note: '台账不全' });
  page.cancel();
  expect(page.data.editor.show).toBe(false);
  page.edit(tapEvent({ code: 'rectification' }));
  expect(page.data.editor.show).toBe(false);
  expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
});

test('refusals: out of range (422) in the dialog; 403 said, the editor hidden', async () => {
  await open({ [PUT]: [apiError(422, 'validation_error'), apiError(403, 'forbidden')] });
  page.edit(tapEvent({ code: 'drills' }));
  page.onScore({ detail: 4 });
  await page.save();
  expect(page.data.editor).toMatchObject({ show: true, sending: false, error: '请填写 0 到 6 之间的分数（以 0.5 分为单位）' });
  await page.save();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有保存评分' }));
  expect(page.data).toMatchObject({ mayScore: false, editor: { show: false } });
  expect(asked()).toHaveLength(1);
});

test('without evaluation.score: no editor', async () => {
  await open({}, VIEWER);
  expect(page.data.mayScore).toBe(false);
  page.edit(tapEvent({ code: 'drills' }));
  expect(page.data.editor.show).toBe(false);
});

test('an error and 重试; no school in the link: empty without a call; pull down', async () => {
  await open({ [KEY]: [apiError(404, 'not_found'), { status: 200, body: SCHOOL }] }, INSPECTOR, { id: '3' });
  expect(page.data).toMatchObject({ state: 'error', error: '要找的内容不存在或已被删除' });
  expect(asked()[0].query).toEqual({});
  await page.retry();
  expect(page.data.state).toBe('');
  await page.onPullDownRefresh();
  expect(asked()[2].query).toEqual({ year: '2026' });
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  await open({}, INSPECTOR, {});
  expect(page.data.state).toBe('empty');
  expect(asked()).toHaveLength(0);
});

test('as rendered: ranks, lost lines (the hazard one a link), 评分 / 修改评分 for the scorer, the editor', async () => {
  serve(wx, { [KEY]: { status: 200, body: SCHOOL } });
  global.getApp = () => stubApp(INSPECTOR);
  const comp = renderPage('pages/supervision/evaluation-school');
  await comp.instance.onLoad({ id: '3', year: '2026' });
  await simulate.sleep(0);
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
  expect(texts('.rank')).toEqual(['区排名 3/400', '中心校排名 1/12']);
  expect(texts('.section-title')).toEqual(['业务记录自动计算', '督查专家评分']);
  expect(texts('.line--link')).toEqual(['隐患#123 逾期7天未整改(教学楼楼梯扶手松动) ›-2.5']);
  expect(texts('.more-lines')).toEqual(['另有 3 条未列出，请在电脑端查看']);
  expect(texts('.score-button')).toEqual(['修改评分', '评分']);
  expect(comp.dom.querySelector('.dialog')).toBeNull();
  comp.instance.edit(tapEvent({ code: 'drills' }));
  await simulate.sleep(0);
  expect(texts('.dialog-title')).toEqual(['评分：应急疏散演练']);
  comp.detach();
});

test('as rendered without evaluation.score: no 评分 button', async () => {
  serve(wx, { [KEY]: { status: 200, body: SCHOOL } });
  global.getApp = () => stubApp(VIEWER);
  const comp = renderPage('pages/supervision/evaluation-school');
  await comp.instance.onLoad({ id: '3', year: '2026' });
  await simulate.sleep(0);
  expect(comp.dom.querySelector('.score-button')).toBeNull();
  comp.detach();
});
