/**
 * A round's summary and 我的巡查记录 in their states: loading, error with 重试, empty, full,
 * paging with before_id, pull to refresh; the hazard of a fail opens; flags for supervisors only.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { patrol } = require('../helpers/patrols');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let comp;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});
afterEach(() => comp && comp.detach());

const settle = () => simulate.sleep(0);
const all = (selector) => [...comp.dom.querySelectorAll(selector)];
const texts = (selector) => all(selector).map((node) => node.textContent.trim().replace(/\s+/g, ' '));
const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? node.textContent.trim().replace(/\s+/g, ' ') : null;
};
const tapRetry = () => comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');

const FLAGGED = patrol(11, {
  late_submission: true,
  flags: [{ kind: 'photo_reused', photo_id: 4, detail: '与 11月20日 的巡查照片几乎相同' }],
});

describe('the summary', () => {
  /** Render the summary of round 11 for a user with these capabilities. */
  async function open(capabilities, routes) {
    calls = serve(wx, routes || { 'GET /api/v1/patrols/11': { status: 200, body: FLAGGED } });
    global.getApp = () => stubApp({ capabilities });
    comp = renderPage('pages/patrol/detail');
    await comp.instance.onLoad({ id: '11' });
    await settle();
  }

  test('loading', () => {
    global.getApp = () => stubApp({});
    comp = renderPage('pages/patrol/detail');
    expect(text('.van-loading')).toBe('正在加载巡查结果…');
  });

  test('the answers, the hazard of the fail, the times and 补传', async () => {
    await open(['patrol.do']);
    expect(text('.title')).toBe('食堂后厨');
    expect(all('.head .van-tag').map((n) => [n.textContent.trim(), n.dataset.type])).toEqual([['补传', 'primary']]);
    expect(texts('.answer-text')).toEqual(['1. 灭火器在位', '2. 安全出口畅通', '3. 应急照明完好']);
    expect(all('.answer .van-tag').map((n) => [n.textContent.trim(), n.dataset.type])).toEqual([
      ['合格', 'success'], ['不合格', 'danger'], ['合格', 'success'],
    ]);
    expect(texts('.answer-note')).toEqual(['通道堆放杂物']);
    expect(texts('.van-cell__title')).toEqual(['扫码', '提交', '服务器收到', '位置']);
    expect(text('.late-note')).toMatch(/补传/);
    // A teacher does not see the flags.
    expect(comp.dom.querySelector('.flags')).toBeNull();
    comp.querySelector('.hazard-link').dispatchEvent('tap');
    await settle();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/hazards/detail?id=77' });
  });

  test('a supervisor sees the flags', async () => {
    await open(['patrol.do', 'patrol.view']);
    expect(text('.flags-title')).toBe('需要核查');
    expect(texts('.flag .van-tag')).toEqual(['照片疑似重复使用']);
    expect(text('.flag-detail')).toBe('与 11月20日 的巡查照片几乎相同');
  });

  test('not found: said for a round; 重试 loads again; pull to refresh', async () => {
    await open([], { 'GET /api/v1/patrols/11': [apiError(404, 'not_found'), { status: 200, body: FLAGGED }, { status: 200, body: FLAGGED }] });
    expect(comp.dom.textContent).toContain('这条巡查记录不存在，或不在你的查看范围内');
    tapRetry();
    await settle();
    await settle();
    expect(text('.title')).toBe('食堂后厨');
    await comp.instance.onPullDownRefresh();
    expect(calls).toHaveLength(3);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('my rounds', () => {
  const page1 = { patrols: [patrol(13, { counts: { pass: 3, fail: 0, na: 0 } }), patrol(12, { late_submission: true })], next_before_id: 12 };
  const page2 = { patrols: [patrol(11, { checkpoint: { id: 6, name: '配电室' } })], next_before_id: null };

  /** Render the history. */
  async function open(routes) {
    calls = serve(wx, routes);
    global.getApp = () => stubApp({});
    comp = renderPage('pages/patrol/history');
    await comp.instance.onLoad();
    await settle();
  }

  test('full, then the next page at the bottom with before_id', async () => {
    await open({ 'GET /api/v1/patrols': [{ status: 200, body: page1 }, { status: 200, body: page2 }] });
    expect(calls[0].query).toEqual({ mine: '1', limit: '20' });
    expect(texts('.row-title')).toEqual(['食堂后厨', '食堂后厨']);
    expect(texts('.row-counts')).toEqual(['合格 3 · 不合格 0 · 不适用 0', '合格 2 · 不合格 1 · 不适用 0']);
    expect(all('.row .van-tag').map((n) => [n.textContent.trim(), n.dataset.type])).toEqual([['补传', 'primary'], ['有不合格', 'danger']]);
    await comp.instance.onReachBottom();
    await settle();
    expect(calls[1].query).toEqual({ mine: '1', limit: '20', before_id: '12' });
    expect(texts('.row-title')).toEqual(['食堂后厨', '食堂后厨', '配电室']);
    expect(text('.more')).toBe('没有更早的记录了');
    await comp.instance.onReachBottom();
    expect(calls).toHaveLength(2);
    comp.querySelectorAll('.row')[2].dispatchEvent('tap');
    await settle();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/patrol/detail?id=11' });
  });

  test('empty', async () => {
    await open({ 'GET /api/v1/patrols': { status: 200, body: { patrols: [], next_before_id: null } } });
    expect(text('.van-empty')).toBe('还没有巡查记录。扫描巡查点的二维码开始第一次巡查');
  });

  test('an error with 重试; pull to refresh', async () => {
    await open({ 'GET /api/v1/patrols': [apiError(500, 'internal_error'), { status: 200, body: page1 }, { status: 200, body: page1 }] });
    expect(comp.dom.textContent).toContain('服务器出错了，请稍后再试');
    tapRetry();
    await settle();
    await settle();
    expect(texts('.row-title')).toHaveLength(2);
    await comp.instance.onPullDownRefresh();
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});
