/** The home page as rendered by miniprogram-simulate from its WXML. */
const simulate = require('miniprogram-simulate');
const { installWx, serve } = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { SCHOOL_A, grant } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

const NEW_USER = { user: { id: 1, display_name: '' }, grants: [], children: [], capabilities: ['child.bind', 'campaign.view'] };
const ADMIN = {
  user: { id: 2, display_name: '赵校长' },
  grants: [grant(7, 'school_admin', '学校安全负责人', SCHOOL_A)],
  children: [],
  capabilities: ['campaign.view', 'child.bind', 'invitation.create', 'unit.view', 'hazard.report'],
};
const TODO = {
  hazards: { overdue: { count: 1, items: [] }, verify: { count: 2, items: [] } },
  notices: { count: 0, items: [] },
  total: 3,
};

let comp;
beforeEach(() => {
  installWx();
  wx.switchTab = jest.fn();
  wx.storage.set(TOKEN_KEY, 'tok');
  serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO } });
});
afterEach(() => comp && comp.detach());

async function show(me, app = stubApp(me)) {
  global.getApp = () => app;
  comp = renderPage('pages/index/index');
  await comp.instance.load();
  await simulate.sleep(0);
  return comp;
}

// Reading goes through the DOM (it reaches inside the stand-ins); taps go through simulate.
const dom = (selector) => comp.dom.querySelector(selector);
const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((node) => node.textContent.trim());

test('shows a loading state before /me arrives', () => {
  global.getApp = () => stubApp(ADMIN);
  comp = renderPage('pages/index/index');
  expect(dom('.page-state--loading').textContent).toContain('正在登录');
  expect(texts('.tile-title')).toEqual([]);
});

test('someone new sees the welcome words and the ways in', async () => {
  await show(NEW_USER);
  expect(dom('.greeting').textContent).toBe('你好');
  expect(dom('.welcome').textContent).toContain('邀请码');
  expect(texts('.tile-title')).toEqual(['绑定孩子', '加入单位']);
  expect(dom('.card')).toBeNull(); // no to-do card for someone new
});

test('an admin sees the role as people say it, the to-do card and the tiles', async () => {
  await show(ADMIN);
  expect(dom('.greeting').textContent).toBe('你好，赵校长');
  expect(texts('.role')).toEqual(['学校安全负责人 · 城东第一小学']);
  expect(dom('.welcome')).toBeNull();
  expect(texts('.card-title')).toEqual(['3 项待办']);
  expect(texts('.todo-group')).toEqual(['已逾期 1', '待验收 2']);
  expect(texts('.tile-title')).toEqual(['上报隐患', '邀请成员', '单位与班级', '电脑端登录']);

  comp.querySelector('.card').dispatchEvent('tap');
  await simulate.sleep(0);
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/todo/index' });
});

test('the outbox card says how many wait and how many failed', async () => {
  wx.storage.set('hazard_outbox', [{ id: 'a', status: 'pending', photos: [] }, { id: 'b', status: 'failed', photos: [] }]);
  await show(ADMIN);
  expect(texts('.card--outbox .card-title')).toEqual(['2 条隐患还没有发送']);
  expect(texts('.card-detail')).toEqual(['等待联网 1']);
  expect(texts('.card-failed')).toEqual(['1 条发送失败，点此查看原因']);
  expect(texts('.tile-badge')).toEqual(['待发送 2 条']);
  comp.querySelector('.card--outbox').dispatchEvent('tap');
  await simulate.sleep(0);
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/hazards/outbox' });
});

test('a saved /me shows the stale banner', async () => {
  const app = stubApp(ADMIN);
  app.globalData.meSavedAt = new Date(2026, 0, 5, 8, 30).getTime();
  await show(ADMIN, app);
  expect(dom('.stale-banner__text').textContent).toMatch(/^网络不可用 · 显示的是 (2026年)?1月5日 08:30 保存的内容$/);
});

test('tapping a tile navigates to its page', async () => {
  await show(ADMIN);
  comp.querySelectorAll('.tile')[1].dispatchEvent('tap');
  await simulate.sleep(0);
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/invite/create' });
});

test('an error shows its message and a retry button that loads again', async () => {
  const app = stubApp(ADMIN);
  app.getMe.mockRejectedValueOnce(Object.assign(new Error('网络不可用，请检查网络后重试'), { code: 'network_error' }));
  global.getApp = () => app;
  comp = renderPage('pages/index/index');
  await comp.instance.load();
  await simulate.sleep(0);
  expect(dom('.page-state--error').textContent).toContain('手机没有网络。第一次使用需要联网登录');

  comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
  await simulate.sleep(10);
  expect(app.getMe).toHaveBeenLastCalledWith({ refresh: true });
  expect(dom('.page-state--error')).toBeNull();
  expect(texts('.tile-title')).toHaveLength(4);
});
