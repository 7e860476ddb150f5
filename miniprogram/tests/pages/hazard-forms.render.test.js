/**
 * The plan and fix forms as rendered: loading, a load error with a retry that loads again, the
 * form with its submit button in the bar at the bottom, and the plan of a hazard without a
 * category refused in words a teacher understands.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { hazard } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');
const { todayString } = require('../../utils/plan-form');

let wx;
let comp;
let calls;
// The school's staff the plan's responsible person is picked from.
const PEOPLE = [{ id: 21, display_name: '刘副校长', roles: ['学校安全负责人'] }];

const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
const text = (selector) => texts(selector)[0];
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await simulate.sleep(0);
};

function render(pagePath, routes, options = { id: '5' }) {
  if (routes) calls = serve(wx, routes);
  global.getApp = () => stubApp({});
  comp = renderPage(pagePath);
  comp.instance.onLoad(options);
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});
afterEach(() => comp && comp.detach());

describe.each([
  ['pages/hazards/plan', '保存整改方案'],
  ['pages/hazards/fix', '提交整改'],
])('%s', (pagePath, submitText) => {
  const routes = (answer) => ({
    'GET /api/v1/hazards/5': answer,
    // The error comes from the hazard only: both are asked for again on 重试.
    'GET /api/v1/hazards/5/responsible-candidates': { status: 200, body: { people: PEOPLE } },
  });

  test('loading: the spinner, no form and no bar', async () => {
    wx.request.mockImplementation(() => {});
    render(pagePath, null);
    await simulate.sleep(0);
    expect(texts('.van-loading')).toEqual(['正在加载隐患…']);
    expect(comp.dom.querySelector('.action-bar')).toBeNull();
  });

  test('a load error with 重试 that loads again; then the form with its submit in the bar', async () => {
    render(pagePath, routes([apiError(404, 'not_found'), { status: 200, body: hazard(5, { description: '围栏松动\n两根立柱倾斜' }, { detail: true }) }]));
    await settle();
    expect(text('.van-empty')).toBe('要找的内容不存在或已被删除重试');
    comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
    await settle();
    expect(comp.dom.querySelector('.van-empty')).toBeNull();
    expect(text('.section-title')).toBe('#5 围栏松动');
    expect(texts('.action-bar .van-button')).toEqual([submitText]);
    expect(comp.dom.querySelector('.page').classList.contains('with-action-bar')).toBe(true);
  });
});

test('the fix on the spot has its own words in the bar', async () => {
  render('pages/hazards/fix', { 'GET /api/v1/hazards/5': { status: 200, body: hazard(5, {}, { detail: true }) } }, { id: '5', mode: 'spot' });
  await settle();
  expect(texts('.action-bar .van-button')).toEqual(['整改完成，关闭隐患']);
});

test('a plan for a hazard without a category: 409 needs_category says to classify first', async () => {
  render('pages/hazards/plan', {
    'GET /api/v1/hazards/5': { status: 200, body: hazard(5, { focus_problem: null, area: null }, { detail: true }) },
    'GET /api/v1/hazards/5/responsible-candidates': { status: 200, body: { people: PEOPLE } },
    'POST /api/v1/hazards/5/plan': apiError(409, 'needs_category'),
  });
  await settle();
  const page = comp.instance;
  page.onChoiceChange({ detail: { value: '0' } });
  ['measures', 'funds', 'contingency'].forEach((field, i) => page.onFieldChange({
    currentTarget: { dataset: { field } }, detail: ['加固围栏', '300', '拉警戒线'][i],
  }));
  page.onDeadlineChange({ detail: { value: todayString() } });
  comp.querySelector('.submit').querySelector('.van-button').dispatchEvent('tap');
  await settle();
  expect(calls.filter((c) => c.key === 'POST /api/v1/hazards/5/plan')).toHaveLength(1);
  expect(text('.form-error')).toBe('请先确定隐患类别，再制定整改方案');
});

test('a school without staff to pick: the empty state and the way to invite them, no form', async () => {
  render('pages/hazards/plan', {
    'GET /api/v1/hazards/5': { status: 200, body: hazard(5, {}, { detail: true }) },
    'GET /api/v1/hazards/5/responsible-candidates': { status: 200, body: { people: [] } },
  });
  await settle();
  expect(text('.van-empty')).toBe('本校还没有可选的整改责任人。请先邀请本校教职工加入，加入后即可从名单中选择。');
  expect(texts('.empty-action .van-button')).toEqual(['去邀请本校人员']);
  expect(comp.dom.querySelector('.action-bar')).toBeNull();
});
