/** The campaign page as rendered by miniprogram-simulate from its WXML. */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { renderPage } = require('../helpers/render');
const { TOKEN_KEY } = require('../../utils/session');
const { CAMPAIGN } = require('../helpers/fixtures');

test('the current phase is the one highlighted, with a 进行中 tag', async () => {
  const wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  serve(wx, { 'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN } });
  const comp = renderPage('pages/campaign/index');
  await comp.instance.onLoad();
  await simulate.sleep(0);

  const phases = [...comp.dom.querySelectorAll('.phase')];
  expect(phases).toHaveLength(3);
  expect(phases.map((p) => p.classList.contains('phase-current'))).toEqual([false, true, false]);
  expect(phases[1].querySelector('.van-tag').textContent).toBe('进行中');
  expect(phases[0].querySelector('.van-tag')).toBeNull();
  expect(comp.dom.querySelector('.year').textContent).toContain('当前：全面检查、补齐短板');
  expect([...comp.dom.querySelectorAll('.van-collapse-item__title')].map((n) => n.textContent))
    .toEqual(['1. 消防安全', '2. 食品安全', '3. 校车安全', '4. 防溺水', '5. 防欺凌', '6. 校园周边']);
  expect(comp.dom.querySelectorAll('.problem')).toHaveLength(30);
  comp.detach();
});

describe('states', () => {
  let wx;
  let comp;
  const text = (selector) => {
    const node = comp.dom.querySelector(selector);
    return node ? node.textContent.trim() : null;
  };
  beforeEach(() => {
    wx = installWx();
    wx.storage.set(TOKEN_KEY, 'tok');
  });
  afterEach(() => comp.detach());

  test('loading: the spinner with its words', async () => {
    comp = renderPage('pages/campaign/index');
    expect(text('.van-loading')).toBe('正在加载专项行动…');
    expect(comp.dom.querySelector('.phase')).toBeNull();
  });

  test('no campaign under way: the empty state says so, with no retry', async () => {
    serve(wx, { 'GET /api/v1/campaigns/active': apiError(404, 'no_active_campaign') });
    comp = renderPage('pages/campaign/index');
    await comp.instance.onLoad();
    await simulate.sleep(0);
    expect(text('.van-empty')).toBe('当前没有进行中的专项行动');
    expect(comp.dom.querySelector('.page-state__retry')).toBeNull();
  });

  test('an error with 重试 that loads again; pull to refresh reloads and stops the spinner', async () => {
    const calls = serve(wx, { 'GET /api/v1/campaigns/active': [apiError(500, 'internal_error'), { status: 200, body: CAMPAIGN }] });
    comp = renderPage('pages/campaign/index');
    await comp.instance.onLoad();
    await simulate.sleep(0);
    expect(text('.van-empty')).toBe('服务器出错了，请稍后再试重试');
    comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
    for (let i = 0; i < 4; i += 1) await simulate.sleep(0);
    expect(comp.dom.querySelectorAll('.phase')).toHaveLength(3);
    await comp.instance.onPullDownRefresh();
    expect(calls).toHaveLength(3);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});
