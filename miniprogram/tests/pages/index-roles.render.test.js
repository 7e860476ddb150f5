/**
 * The home page's first screen per role, as rendered from its WXML: a patrol person opens on the
 * 今日巡查 card (counts, the round due next, 扫码巡查 → the round page, 上报隐患; offline from the
 * copy on the phone under the stale banner), a safety officer on 待办, a parent on the notices
 * still to acknowledge (or the words that none wait), a patrol teacher who is also a parent on
 * 今日巡查 with the notices after 待办.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { SCHOOL_A, grant } = require('../helpers/fixtures');
const { slot } = require('../helpers/patrols');
const { timeOf } = require('../../utils/patrols');
const { TOKEN_KEY } = require('../../utils/session');

const CHILD = {
  id: 31, name: '李小明', relation_name: '父亲', school: { id: 3, name: '城东第一小学' }, class: { id: 4, name: '三年级2班' },
};
const PATROL_TEACHER = {
  user: { id: 9, display_name: '王老师' },
  grants: [grant(8, 'patrol_teacher', '巡查教师', SCHOOL_A)],
  children: [],
  capabilities: ['campaign.view', 'hazard.report', 'patrol.do'],
};
const OFFICER = {
  user: { id: 2, display_name: '赵主任' },
  grants: [grant(7, 'school_safety_officer', '学校安全负责人', SCHOOL_A)],
  children: [],
  capabilities: ['campaign.view', 'hazard.report', 'hazard.view', 'hazard.plan', 'patrol.do', 'patrol.plan'],
};
const PARENT = {
  user: { id: 5, display_name: '李爸爸' },
  grants: [],
  children: [CHILD],
  capabilities: ['child.bind', 'notice.read'],
};
const PATROL_PARENT = { ...PATROL_TEACHER, children: [CHILD], capabilities: [...PATROL_TEACHER.capabilities, 'notice.read'] };

const notice = (id, title, sentAt) => ({ id, title, unit: { id: 3, name: '城东第一小学' }, sent_at: sentAt, children_pending: 1 });
const TODO = {
  patrols: { count: 1, items: [] },
  hazards: { overdue: { count: 1, items: [] }, verify: { count: 2, items: [] } },
  notices: { count: 0, items: [] },
  total: 4,
};
const PARENT_TODO = {
  hazards: {},
  notices: {
    count: 2,
    items: [notice(41, '关于寒假安全的通知', '2026-11-20T02:00:00Z'), notice(42, '冬季防溺水告家长书', '2026-11-28T02:00:00Z')],
  },
  total: 2,
};
const NEXT = slot(2, '教学楼', 60, 90);
const TODAY = {
  slots: [slot(3, '配电室', -300, -240, 'done', 11), NEXT, slot(4, '宿舍楼', -400, -350, 'missed'), slot(5, '操场', 180, 210)],
  counts: { open: 2, done: 1, late: 0, missed: 1 },
};
const NETWORK_DOWN = [{ network: true }, { network: true }, { network: true }];

let wx;
let comp;
let calls;
beforeEach(() => {
  wx = installWx();
  wx.switchTab = jest.fn();
  wx.storage.set(TOKEN_KEY, 'tok');
});
afterEach(() => {
  if (comp) comp.instance.onUnload();
  if (comp) comp.detach();
  comp = null;
});

/** Render the home page for `me` and load it. */
async function show(me) {
  global.getApp = () => stubApp(me);
  comp = renderPage('pages/index/index');
  await comp.instance.load();
  await simulate.sleep(0);
  return comp;
}

const all = (selector) => [...comp.dom.querySelectorAll(selector)];
const texts = (selector) => all(selector).map((node) => node.textContent.trim().replace(/\s+/g, ' '));
const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? node.textContent.trim().replace(/\s+/g, ' ') : null;
};
/** The cards from the top, by their class after `card`. */
const cardOrder = () => all('.card').map((node) => node.className.split(/\s+/).filter((c) => c.startsWith('card--'))[0]);

describe('a patrol person', () => {
  test('opens on 今日巡查: the counts, missed in the danger tone, the round due next, both buttons', async () => {
    calls = serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
    await show(PATROL_TEACHER);
    expect(cardOrder()).toEqual(['card--patrol', 'card--todo']);
    expect(text('.card--patrol .card-title')).toBe('今日巡查');
    expect(texts('.patrol-count')).toEqual(['待巡查 2', '已完成 1', '已错过 1']);
    expect(texts('.patrol-count--alert')).toEqual(['已错过 1']);
    expect(text('.patrol-next')).toBe(`下一轮：教学楼 ${timeOf(NEXT.opens_at)}-${timeOf(NEXT.closes_at)}`);
    expect(text('.patrol-next')).toMatch(/^下一轮：教学楼 \d\d:\d\d-\d\d:\d\d$/);
    expect(text('.patrol-scan')).toBe('扫码巡查');
    expect(comp.querySelector('.patrol-scan').data.type).toBe('primary');
    expect(comp.querySelector('.patrol-report').data.type).toBe('primary'); // plain: the secondary one
    expect(text('.patrol-report')).toBe('上报隐患');
    expect(text('.stale-banner__text')).toBeNull();
    expect(texts('.tile-title')).toEqual(['上报隐患']); // the card is the way to 今日巡查
    expect(calls.filter((c) => c.key === 'GET /api/v1/patrols/today')).toHaveLength(1);
  });

  test('扫码巡查 scans with the camera and opens the round; the card itself is not opened', async () => {
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
    await show(PATROL_TEACHER);
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'SAFETY-CP:cp_token_AAAAAAAAAAAAAAAAAAAA' }));
    comp.querySelector('.patrol-scan').querySelector('.van-button').dispatchEvent('tap');
    await simulate.sleep(10);
    expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true, scanType: ['qrCode'] }));
    expect(wx.navigateTo).toHaveBeenCalledTimes(1);
    expect(wx.navigateTo.mock.calls[0][0].url)
      .toMatch(/^\/pages\/patrol\/round\?token=cp_token_AAAAAAAAAAAAAAAAAAAA&scanned_at=\d{4}-\d\d-\d\dT/);
  });

  test('another code is explained in a dialog and opens nothing', async () => {
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
    await show(PATROL_TEACHER);
    wx.scanCode.mockImplementation(({ success }) => success({ result: 'https://weixin.qq.com/x' }));
    await comp.instance.scan();
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有识别到巡查点' }));
    expect(wx.navigateTo).not.toHaveBeenCalled();
  });

  test('上报隐患 opens the report; a tap on the card opens 今日巡查', async () => {
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
    await show(PATROL_TEACHER);
    comp.querySelector('.patrol-report').querySelector('.van-button').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(wx.navigateTo.mock.calls.map((c) => c[0].url)).toEqual(['/pages/hazards/report']);
    comp.querySelector('.card--patrol').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(wx.navigateTo.mock.calls.map((c) => c[0].url)).toEqual(['/pages/hazards/report', '/pages/patrol/today']);
  });

  test('offline: the day from the copy on the phone, under the stale banner', async () => {
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
    await show(PATROL_TEACHER);
    comp.instance.onUnload();
    comp.detach();
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, 'GET /api/v1/patrols/today': NETWORK_DOWN });
    await show(PATROL_TEACHER);
    await simulate.sleep(10);
    expect(texts('.patrol-count')).toEqual(['待巡查 2', '已完成 1', '已错过 1']);
    expect(text('.patrol-next')).toMatch(/^下一轮：教学楼 /);
    expect(text('.stale-banner__text')).toMatch(/^网络不可用 · 显示的是 .*\d\d:\d\d 保存的内容$/);
  });

  test('offline with nothing kept: the card says so and the scan button stays', async () => {
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, 'GET /api/v1/patrols/today': NETWORK_DOWN });
    await show(PATROL_TEACHER);
    await simulate.sleep(10);
    expect(texts('.patrol-count')).toEqual([]);
    expect(text('.patrol-next')).toBe('暂时无法加载今天的安排，扫码巡查仍可使用');
    expect(text('.patrol-scan')).toBe('扫码巡查');
  });

  test('a refusal other than the network also keeps the card with its buttons', async () => {
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, 'GET /api/v1/patrols/today': apiError(500, 'internal_error') });
    await show(PATROL_TEACHER);
    expect(text('.patrol-next')).toBe('暂时无法加载今天的安排，扫码巡查仍可使用');
    expect(text('.patrol-report')).toBe('上报隐患');
  });
});

test('a safety officer opens on 待办, with no 今日巡查 card and no call for it', async () => {
  calls = serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO } });
  await show(OFFICER);
  expect(cardOrder()).toEqual(['card--todo']);
  expect(text('.card--todo .card-title')).toBe('4 项待办');
  expect(texts('.todo-group')).toEqual(['待巡查 1', '已逾期 1', '待验收 2']);
  expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/todo']);
  expect(texts('.tile-title').slice(0, 4)).toEqual(['上报隐患', '隐患整改', '今日巡查', '巡查计划']);
});

describe('a parent', () => {
  test('opens on the notices to acknowledge: the count, the newest title; two open the list', async () => {
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: PARENT_TODO } });
    await show(PARENT);
    expect(cardOrder()).toEqual(['card--notices']);
    expect(text('.card--notices .card-title')).toBe('2 条通知待确认');
    expect(text('.notices-newest')).toBe('最新：冬季防溺水告家长书');
    expect(texts('.tile-title')).toEqual(['家长通知', '绑定孩子']);
    comp.querySelector('.card--notices').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/index' });
  });

  test('one notice waiting: the card opens it', async () => {
    serve(wx, {
      'GET /api/v1/todo': { status: 200, body: { hazards: {}, notices: { count: 1, items: [notice(42, '冬季防溺水告家长书', '2026-11-28T02:00:00Z')] }, total: 1 } },
    });
    await show(PARENT);
    expect(text('.card--notices .card-title')).toBe('1 条通知待确认');
    comp.querySelector('.card--notices').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/detail?id=42' });
  });

  test('none waiting: the card says so and opens the list', async () => {
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: { hazards: {}, notices: { count: 0, items: [] }, total: 0 } } });
    await show(PARENT);
    expect(cardOrder()).toEqual(['card--notices']);
    expect(text('.card--notices .card-title')).toBe('通知都已确认');
    expect(text('.notices-newest')).toBeNull();
    comp.querySelector('.card--notices').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/index' });
  });
});

describe('a patrol teacher who is also a parent', () => {
  test('opens on 今日巡查, then 待办, then the notices waiting', async () => {
    serve(wx, {
      'GET /api/v1/todo': { status: 200, body: { ...TODO, notices: PARENT_TODO.notices, total: 6 } },
      'GET /api/v1/patrols/today': { status: 200, body: TODAY },
    });
    await show(PATROL_PARENT);
    expect(cardOrder()).toEqual(['card--patrol', 'card--todo', 'card--notices']);
    expect(texts('.patrol-count')).toEqual(['待巡查 2', '已完成 1', '已错过 1']);
    expect(text('.card--notices .card-title')).toBe('2 条通知待确认');
    expect(texts('.tile-title')).toContain('上报隐患');
  });

  test('with no notice waiting the notices card stays away (待办 says the rest)', async () => {
    serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
    await show(PATROL_PARENT);
    expect(cardOrder()).toEqual(['card--patrol', 'card--todo']);
  });
});
