/**
 * Opening a page from a URL. The four tab pages (app.json tabBar) can only be opened with
 * wx.switchTab, which takes no query; every other page is pushed with wx.navigateTo.
 */
const TAB_PAGES = [
  'pages/index/index',
  'pages/todo/index',
  'pages/inbox/index',
  'pages/mine/index',
];

/** '/pages/todo/index?x=1' -> 'pages/todo/index'. */
function pathOf(url) {
  return String(url || '').trim().replace(/^\/+/, '').split('?')[0];
}

/** Whether the URL names one of the tab pages. */
function isTab(url) {
  return TAB_PAGES.includes(pathOf(url));
}

/** Open `url`: switchTab (query dropped) for a tab page, navigateTo otherwise. */
function open(url) {
  if (!url) return;
  if (isTab(url)) wx.switchTab({ url: `/${pathOf(url)}` });
  else wx.navigateTo({ url });
}

module.exports = { TAB_PAGES, pathOf, isTab, open };
