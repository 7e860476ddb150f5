/**
 * 今日校车 as rendered from its WXML, in each state: loading, full (the counts, every trip state
 * with its tag, the alerts, the inspector, the failed items opening their hazards), empty (with
 * the way to the registry for those who keep it), an error whose 重试 reloads, offline from the
 * copy on the phone (and not another school's copy), a push's school, 扫码检查 asking for the bus
 * pushes, 开启提醒, pull to refresh.
 */
const simulate = require('miniprogram-simulate');
const {
  installWx, serve, apiError, allowSubscribe, flush,
} = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { SCHOOL_A, KINDER, grant } = require('../helpers/fixtures');
const { board, busTemplates, freezeClock } = require('../helpers/buses');
const { TOKEN_KEY } = require('../../utils/session');

const INSPECTOR = {
  user: { id: 5, display_name: '王师傅' },
  grants: [grant(1, 'bus_inspector', '校车检查员', SCHOOL_A)],
  children: [],
  capabilities: ['patrol.do', 'hazard.report', 'hazard.view'],
};
const OFFICER = {
  user: { id: 9, display_name: '李主任' },
  grants: [grant(2, 'school_admin', '学校安全负责人', SCHOOL_A), grant(3, 'school_admin', '学校安全负责人', KINDER)],
  children: [],
  capabilities: ['patrol.do', 'patrol.view', 'hazard.plan', 'bus.manage'],
};
const VIEWER = { ...INSPECTOR, capabilities: ['patrol.view'] };
const NETWORK_DOWN = [{ network: true }, { network: true }, { network: true }];

// A fixed clock: the board's times are minutes from now (see freezeClock).
beforeAll(() => freezeClock());
afterAll(() => jest.useRealTimers());

let wx;
let comp;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  global.getApp = () => stubApp(INSPECTOR);
});
afterEach(() => {
  if (comp) comp.detach();
  comp = null;
});

const settle = () => simulate.sleep(0);
const all = (selector) => [...comp.dom.querySelectorAll(selector)];
const clean = (node) => node.textContent.trim().replace(/\s+/g, ' ');
const texts = (selector) => all(selector).map(clean);
const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? clean(node) : null;
};
const boards = () => calls.filter((c) => c.key === 'GET /api/v1/buses/board');

/** Render and load the page for `me`, opened with `query`. */
async function open(me = INSPECTOR, query = {}) {
  global.getApp = () => stubApp(me);
  comp = renderPage('pages/bus/board');
  comp.instance.onLoad(query);
  await comp.instance.onShow();
  await settle();
}

test('loading: the words, no scan button yet', () => {
  comp = renderPage('pages/bus/board');
  expect(text('.van-loading')).toBe('正在加载今日校车…');
  expect(comp.dom.querySelector('.scan')).toBeNull();
});

test('full: the counts, each bus with its alerts, each trip with its state, inspector and failed items', async () => {
  calls = serve(wx, { 'GET /api/v1/buses/board': { status: 200, body: board() } });
  await open();
  expect(boards()[0].query).toEqual({ school_id: '3' });
  expect(all('.count').map((n) => [n.querySelector('.count-label').textContent, n.querySelector('.count-value').textContent]))
    .toEqual([['已放行', '1'], ['不合格', '1'], ['待检查', '2'], ['漏检', '1'], ['迟检', '1']]);
  expect(texts('.plate')).toEqual(['皖L12345', '皖L67890', '皖L00001']);
  expect(texts('.seats')).toEqual(['35 座', '19 座', '56 座']);
  expect(all('.alerts .van-tag').map((n) => [clean(n), n.dataset.type])).toEqual([
    ['安全协议12月5日到期', 'warning'], ['未装视频报警', 'danger'], ['驾驶员李四驾驶证已过期', 'danger'], ['安全协议已过期', 'danger'],
  ]);
  // The trips in the day's order, whatever order the server gave.
  expect(texts('.trip-title')).toEqual(['早班', '午班', '晚班', '早班', '午班', '晚班', '早班']);
  expect(all('.trip .van-tag').map((n) => [clean(n), n.dataset.type])).toEqual([
    ['已放行', 'success'], ['不合格', 'danger'], ['待检查', 'primary'],
    ['漏检', 'danger'], ['迟检', 'warning'], ['待检查', 'primary'],
    ['今日无班次', 'default'],
  ]);
  const metas = texts('.trip-meta');
  expect(metas[0]).toMatch(/^检查人 王师傅 · \d\d:\d\d 检查$/);
  expect(metas[1]).toMatch(/^检查人 王师傅 · \d\d:\d\d 检查$/);
  expect(metas[2]).toMatch(/^现在可以检查，\d\d:\d\d 发车前完成$/);
  expect(metas[3]).toMatch(/^\d\d:\d\d 发车前没有检查$/);
  expect(metas[4]).toMatch(/^检查人 赵老师 · \d\d:\d\d 检查（发车后）$/);
  expect(metas[5]).toMatch(/^出车前90分钟内检查（\d\d:\d\d 起）$/);
  expect(metas[6]).toBe('今天不是上学日，没有班次');
  expect(texts('.trip-departs').filter(Boolean)).toHaveLength(6);
  expect(texts('.failed-text')).toEqual(['制动（刹车）有效', '安全带齐全可用']);
  expect(texts('.failed-link')).toEqual(['查看隐患 ›']);
  comp.querySelector('.failed').dispatchEvent('tap');
  await settle();
  // Only the hazard opens (the tap does not also reach the trip's round).
  expect(wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/hazards/detail?id=77' }]]);
  wx.navigateTo.mockClear();
  comp.querySelector('.trip').dispatchEvent('tap');
  await settle();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/patrol/detail?id=9' });
  expect(text('.scan')).toBe('扫码检查');
  expect(comp.dom.querySelector('.school-pick')).toBeNull();
});

test('迟检 has a count box only when a trip was inspected late', async () => {
  const b = board();
  b.counts.late = 0;
  calls = serve(wx, { 'GET /api/v1/buses/board': { status: 200, body: b } });
  await open();
  expect(texts('.count-label')).toEqual(['已放行', '不合格', '待检查', '漏检']);
});

test('empty: says so; the registry is offered to those who keep the buses', async () => {
  const empty = { ...board(), buses: [], counts: { cleared: 0, failed: 0, pending: 0, missed: 0, late: 0 } };
  calls = serve(wx, { 'GET /api/v1/buses/board': { status: 200, body: empty } });
  await open();
  expect(text('.van-empty')).toBe('这所学校还没有登记校车');
  expect(comp.dom.querySelector('.registry')).toBeNull();
  comp.detach();
  await open(OFFICER);
  comp.querySelector('.registry').dispatchEvent('tap');
  await settle();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/bus/index?school_id=3' });
});

test('someone with no school has nothing to inspect', async () => {
  calls = serve(wx, { 'GET /api/v1/hazards/schools': { status: 200, body: { schools: [] } } });
  await open({ ...INSPECTOR, grants: [] });
  expect(text('.van-empty')).toBe('你没有在学校任职，没有要检查的校车');
  expect(boards()).toHaveLength(0);
});

test('an error with 重试 that loads again', async () => {
  calls = serve(wx, { 'GET /api/v1/buses/board': [apiError(403, 'forbidden'), { status: 200, body: board() }] });
  await open();
  expect(text('.van-empty')).toContain('你没有权限进行这个操作');
  comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
  await settle();
  await settle();
  expect(boards()).toHaveLength(2);
  expect(texts('.plate')).toHaveLength(3);
});

test('offline: the board last seen, under the stale banner; another school\'s copy is not shown', async () => {
  serve(wx, { 'GET /api/v1/buses/board': { status: 200, body: board() } });
  await open();
  comp.detach();
  calls = serve(wx, { 'GET /api/v1/buses/board': NETWORK_DOWN });
  await open();
  expect(texts('.plate')).toEqual(['皖L12345', '皖L67890', '皖L00001']);
  expect(comp.dom.textContent).toMatch(/网络不可用 · 显示的是 .* 保存的内容/);
  comp.detach();
  await open(OFFICER, { school_id: String(KINDER.id) });
  expect(boards().pop().query).toEqual({ school_id: '4' });
  expect(texts('.plate')).toEqual([]);
  expect(text('.van-empty')).toContain('这所学校的校车还没有在这台手机上打开过');
});

test('a push opens the school it names; the picker changes school', async () => {
  calls = serve(wx, { 'GET /api/v1/buses/board': { status: 200, body: board() } });
  await open(OFFICER, { school_id: '4' });
  expect(text('.school-pick')).toContain('城东幼儿园');
  expect(boards()[0].query).toEqual({ school_id: '4' });
  await comp.instance.pickSchool({ detail: { value: '0' } });
  await settle();
  expect(boards()[1].query).toEqual({ school_id: '3' });
  expect(text('.school-pick')).toContain('城东第一小学');
});

test('who only watches (patrol.view) has no scan button', async () => {
  calls = serve(wx, { 'GET /api/v1/buses/board': { status: 200, body: board() } });
  await open(VIEWER);
  expect(texts('.plate')).toHaveLength(3);
  expect(comp.dom.querySelector('.scan')).toBeNull();
});

test('扫码检查: the first tap asks for the bus pushes, then the sticker opens the round; once', async () => {
  allowSubscribe(wx, 'accept');
  calls = serve(wx, {
    'GET /api/v1/buses/board': { status: 200, body: board() },
    'GET /api/v1/subscriptions/templates': { status: 200, body: busTemplates(false) },
    'POST /api/v1/subscriptions': { status: 200, body: busTemplates(false) },
  });
  await open();
  await flush();
  wx.scanCode.mockImplementation(({ success }) => success({ result: 'SAFETY-CP:bus_token_AAAAAAAAAAAAAAAAAAAA' }));
  await comp.instance.scan();
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  // bus_failed does not reach a bus inspector: only the trips due and missed are asked.
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-patrol-missed', 'tpl-patrol-due']);
  expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true }));
  expect(wx.navigateTo.mock.calls[0][0].url).toMatch(/^\/pages\/patrol\/round\?token=bus_token_AAAAAAAAAAAAAAAAAAAA&scanned_at=/);
  await comp.instance.scan();
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(wx.scanCode).toHaveBeenCalledTimes(2);
});

test('开启提醒: shown to a safety officer until the failed-inspection pushes are on', async () => {
  allowSubscribe(wx, 'accept');
  const on = busTemplates(true);
  on.templates[0] = { ...on.templates[0], remaining: 1 };
  calls = serve(wx, {
    'GET /api/v1/buses/board': { status: 200, body: board() },
    'GET /api/v1/subscriptions/templates': { status: 200, body: busTemplates(true) },
    'POST /api/v1/subscriptions': { status: 200, body: on },
  });
  await open(OFFICER);
  await flush();
  expect(text('.subscribe-text')).toBe('校车检查不合格时，立即在微信里提醒你');
  await comp.instance.subscribeFailed();
  await flush();
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-bus-failed', 'tpl-patrol-missed', 'tpl-patrol-due']);
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已开启不合格提醒' }));
  expect(comp.dom.querySelector('.subscribe')).toBeNull();
});

test('no 开启提醒 for whom the failed-inspection pushes do not reach', async () => {
  serve(wx, {
    'GET /api/v1/buses/board': { status: 200, body: board() },
    'GET /api/v1/subscriptions/templates': { status: 200, body: busTemplates(false) },
  });
  allowSubscribe(wx, 'accept');
  await open();
  await flush();
  expect(comp.dom.querySelector('.subscribe')).toBeNull();
});

test('pull to refresh reloads and stops the spinner', async () => {
  calls = serve(wx, { 'GET /api/v1/buses/board': { status: 200, body: board() } });
  await open();
  await comp.instance.onPullDownRefresh();
  expect(boards()).toHaveLength(2);
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});
