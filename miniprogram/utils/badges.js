/**
 * The tab bar's red badges: 待办 shows the to-do total, 消息 the unread count. WeChat refuses to
 * set a badge while no tab page is shown (and old clients lack the API); that only loses the badge
 * until the next refresh, so failures are ignored.
 */
const { TAB_PAGES } = require('./nav');

const TODO_TAB = TAB_PAGES.indexOf('pages/todo/index');
const INBOX_TAB = TAB_PAGES.indexOf('pages/inbox/index');

/** Show `n` on tab `index` ('99+' past 99), or remove the badge for 0. */
function setBadge(index, n) {
  const count = Math.max(0, Math.floor(Number(n)) || 0);
  const ignore = () => null;
  if (count > 0) {
    if (typeof wx.setTabBarBadge !== 'function') return;
    wx.setTabBarBadge({ index, text: count > 99 ? '99+' : String(count), fail: ignore });
  } else if (typeof wx.removeTabBarBadge === 'function') {
    wx.removeTabBarBadge({ index, fail: ignore });
  }
}

/** The 待办 tab's badge. */
const setTodo = (n) => setBadge(TODO_TAB, n);
/** The 消息 tab's badge. */
const setUnread = (n) => setBadge(INBOX_TAB, n);

module.exports = { TODO_TAB, INBOX_TAB, setBadge, setTodo, setUnread };
