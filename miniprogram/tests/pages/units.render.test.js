/** The units and campus pages as rendered, in each of their states. */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const fs = require('fs');
const path = require('path');
const { stubApp, loadPage, ROOT } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { TOKEN_KEY } = require('../../utils/session');
const { BUREAU, CENTER, SCHOOL_A, CLASSES } = require('../helpers/fixtures');

let wx;
let comp;
let calls;

const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
const text = (selector) => texts(selector)[0];
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await simulate.sleep(0);
};
const tapRetry = () => comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');

function render(pagePath, routes, options, me = {}) {
  if (routes) calls = serve(wx, routes);
  global.getApp = () => stubApp(me);
  comp = renderPage(pagePath);
  comp.instance.onLoad(options);
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});
afterEach(() => comp && comp.detach());

describe('units', () => {
  test('loading: the spinner', async () => {
    wx.request.mockImplementation(() => {});
    render('pages/units/index', null, {});
    await simulate.sleep(0);
    expect(texts('.van-loading')).toEqual(['正在加载…']);
  });

  test('the top units, and pull to refresh loads them again', async () => {
    render('pages/units/index', { 'GET /api/v1/units': { status: 200, body: { units: [BUREAU] } } }, {});
    await settle();
    expect(text('.section-title')).toBe('我的单位（1）');
    expect(texts('.van-cell__title')).toEqual(['埇桥区教体局']);
    await comp.instance.onPullDownRefresh();
    expect(calls).toHaveLength(2);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });

  test('nothing below a unit: the empty state names it', async () => {
    render('pages/units/index', {
      'GET /api/v1/units/2': { status: 200, body: CENTER },
      'GET /api/v1/units': { status: 200, body: { units: [] } },
    }, { id: '2' });
    await settle();
    expect(text('.name')).toBe('城东中心校');
    expect(text('.van-empty')).toBe('城东中心校下面没有单位');
  });

  test('an error with 重试 that loads again; a school shows its campus link and classes', async () => {
    render('pages/units/index', {
      'GET /api/v1/units/3': [apiError(500, 'internal_error'), { status: 200, body: SCHOOL_A }],
      'GET /api/v1/units/3/classes': { status: 200, body: { classes: CLASSES } },
    }, { id: '3' }, { capabilities: ['unit.campus'] });
    await settle();
    expect(text('.van-empty')).toBe('服务器出错了，请稍后再试重试');
    tapRetry();
    await settle();
    expect(texts('.campus .van-cell__title')).toEqual(['校园范围']);
    expect(text('.section-title')).toBe('班级（2）');
    expect(texts('.van-cell__value')).toContain('班级码 K7M2QX');
  });
});

// The campus page holds a van-stepper, which the render helper has no stand-in for: its states
// are checked on the page's data.
describe('campus', () => {
  const CAMPUS = { name: '城东第一小学', center: { lat: 33.6, lng: 116.9 }, radius_m: 250, polygon: null };

  test('loading, then an error with 重试, then the form; 保存 sits in the action bar', async () => {
    calls = serve(wx, {
      'GET /api/v1/units/3/campus': [apiError(403, 'forbidden'), { status: 200, body: CAMPUS }],
      'PUT /api/v1/units/3/campus': { status: 200, body: CAMPUS },
    });
    const page = loadPage('pages/units/campus', { app: stubApp({}) });
    const loading = page.onLoad({ id: '3' });
    expect(page.data.state).toBe('loading');
    await loading;
    expect(page.data).toMatchObject({ state: 'error', error: '你没有权限进行这个操作' });
    await page.retry();
    expect(page.data).toMatchObject({ state: '', radius: 250, center: { lat: 33.6, lng: 116.9 } });
    await page.save();
    expect(calls.find((c) => c.key === 'PUT /api/v1/units/3/campus').data).toEqual({
      coord_system: 'gcj02', center: { lat: 33.6, lng: 116.9 }, radius_m: 250,
    });
    const wxml = fs.readFileSync(path.join(ROOT, 'pages/units/campus.wxml'), 'utf8');
    expect(wxml).toMatch(/<action-bar>\s*<van-button class="save" type="primary"[^>]*>保存校园范围<\/van-button>\s*<\/action-bar>/);
  });
});
