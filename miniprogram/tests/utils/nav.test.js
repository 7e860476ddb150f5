/** utils/nav.js, utils/badges.js and the tab bar in app.json. */
const fs = require('fs');
const path = require('path');
const { installWx } = require('../helpers/wx');
const { ROOT } = require('../helpers/page');
const nav = require('../../utils/nav');
const badges = require('../../utils/badges');
const { PAGES } = require('../../utils/inbox');

const app = require('../../app.json');

let wx;
beforeEach(() => {
  wx = installWx();
  wx.switchTab = jest.fn();
  wx.setTabBarBadge = jest.fn();
  wx.removeTabBarBadge = jest.fn();
});

test('the tab bar: 首页, 待办, 消息, 我的 with normal and selected icons of 81x81', () => {
  expect(app.tabBar.color).toBe('#646566');
  expect(app.tabBar.selectedColor).toBe('#1a6fd8');
  expect(app.tabBar.list.map((t) => [t.text, t.pagePath])).toEqual([
    ['首页', 'pages/index/index'],
    ['待办', 'pages/todo/index'],
    ['消息', 'pages/inbox/index'],
    ['我的', 'pages/mine/index'],
  ]);
  expect(app.tabBar.list.map((t) => t.pagePath)).toEqual(nav.TAB_PAGES);
  app.tabBar.list.forEach((tab) => {
    expect(app.pages).toContain(tab.pagePath);
    [tab.iconPath, tab.selectedIconPath].forEach((icon) => {
      const png = fs.readFileSync(path.join(ROOT, icon));
      expect(png.slice(1, 4).toString()).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([81, 81]);
      expect(png.length).toBeLessThan(40 * 1024); // WeChat's limit for a tab icon
    });
  });
  expect(PAGES).toContain('pages/todo/index');
});

test('open: switchTab without the query for a tab page, navigateTo otherwise', () => {
  nav.open('/pages/todo/index');
  nav.open('pages/inbox/index?from=push');
  nav.open('/pages/hazards/detail?id=3');
  nav.open('');
  expect(wx.switchTab.mock.calls.map((c) => c[0].url)).toEqual(['/pages/todo/index', '/pages/inbox/index']);
  expect(wx.navigateTo.mock.calls.map((c) => c[0].url)).toEqual(['/pages/hazards/detail?id=3']);
  expect(nav.isTab('/pages/mine/index')).toBe(true);
  expect(nav.isTab('/pages/join/index')).toBe(false);
});

test('badges: the count on 待办 and 消息, 99+ past 99, removed at 0', () => {
  badges.setTodo(5);
  badges.setUnread(120);
  badges.setTodo(0);
  expect(wx.setTabBarBadge.mock.calls.map((c) => [c[0].index, c[0].text])).toEqual([[1, '5'], [2, '99+']]);
  expect(wx.removeTabBarBadge.mock.calls.map((c) => c[0].index)).toEqual([1]);
});

test('badges: an old WeChat without the API is left alone', () => {
  delete wx.setTabBarBadge;
  delete wx.removeTabBarBadge;
  expect(() => { badges.setTodo(3); badges.setUnread(0); }).not.toThrow();
});
