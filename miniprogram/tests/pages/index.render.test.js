/** The home page as rendered by miniprogram-simulate from its WXML. */
const simulate = require('miniprogram-simulate');
const { installWx } = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { SCHOOL_A, grant } = require('../helpers/fixtures');

const PARENT = { user: { id: 1, display_name: '' }, grants: [], children: [], capabilities: ['child.bind', 'campaign.view'] };
const ADMIN = {
  user: { id: 2, display_name: '赵校长' },
  grants: [grant(7, 'school_admin', '学校安全负责人', SCHOOL_A)],
  children: [],
  capabilities: ['campaign.view', 'child.bind', 'invitation.create', 'unit.view'],
};

let comp;
beforeEach(() => installWx());
afterEach(() => comp && comp.detach());

async function show(me) {
  global.getApp = () => stubApp(me);
  comp = renderPage('pages/index/index');
  await comp.instance.load();
  await simulate.sleep(0);
  return comp;
}

// Reading goes through the DOM (it reaches inside the stand-ins); taps go through simulate.
const dom = (selector) => comp.dom.querySelector(selector);
const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((node) => node.textContent.trim());

test('shows a loading state before /me arrives', () => {
  global.getApp = () => stubApp(PARENT);
  comp = renderPage('pages/index/index');
  expect(dom('.van-loading').textContent).toContain('正在登录');
  expect(texts('.tile-title')).toEqual([]);
});

test('a new user sees the empty state and only the tiles everyone has', async () => {
  await show(PARENT);
  expect(dom('.greeting').textContent).toBe('你好');
  expect(dom('.van-empty').textContent).toContain('邀请码');
  expect(texts('.tile-title')).toEqual(['绑定孩子', '活动与隐患分类', '加入单位', '我的']);
});

test('an admin sees the greeting, the grant and all tiles, no empty state', async () => {
  await show(ADMIN);
  expect(dom('.greeting').textContent).toBe('你好，赵校长');
  expect(dom('.van-empty')).toBeNull();
  expect(texts('.van-cell__title')).toEqual(['学校安全负责人 · 城东第一小学']);
  expect(texts('.tile-title')).toEqual(['邀请成员', '绑定孩子', '活动与隐患分类', '单位与班级', '加入单位', '我的']);
});

test('the report tile shows how many reports wait to be sent', async () => {
  wx.storage.set('hazard_outbox', [{ id: 'a', status: 'pending', photos: [] }]);
  await show({ ...ADMIN, capabilities: [...ADMIN.capabilities, 'hazard.report', 'hazard.view'] });
  expect(texts('.tile-title').slice(0, 2)).toEqual(['上报隐患', '隐患整改']);
  expect(texts('.tile-badge')).toEqual(['待发送 1 条']);
});

test('tapping a tile navigates to its page', async () => {
  await show(ADMIN);
  comp.querySelectorAll('.tile')[0].dispatchEvent('tap');
  await simulate.sleep(0);
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/invite/create' });
});

test('an error shows its message and a retry button that loads again', async () => {
  const app = stubApp(ADMIN);
  app.getMe.mockRejectedValueOnce(new Error('网络不可用，请检查网络后重试'));
  global.getApp = () => app;
  comp = renderPage('pages/index/index');
  await comp.instance.load();
  await simulate.sleep(0);
  expect(dom('.error-text').textContent).toBe('网络不可用，请检查网络后重试');

  comp.querySelector('#retry').querySelector('.van-button').dispatchEvent('tap');
  await simulate.sleep(10);
  expect(app.getMe).toHaveBeenLastCalledWith({ refresh: true });
  expect(dom('.error-text')).toBeNull();
  expect(texts('.tile-title')).toHaveLength(6);
});
