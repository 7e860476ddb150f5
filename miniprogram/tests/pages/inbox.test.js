const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { message } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');
const { RECEIVED_KEY } = require('../../utils/notices');

let wx;
let page;
let calls;

const ids = (from, to) => Array.from({ length: from - to + 1 }, (v, i) => from - i);
const pageOf = (list, next, unread = 5) => ({
  status: 200,
  body: { messages: list.map((id) => message(id)), unread_count: unread, next_before_id: next },
});
const keyed = (key) => calls.filter((c) => c.key === key);

async function open(routes) {
  calls = serve(wx, routes);
  page = loadPage('pages/inbox/index', { app: stubApp({}) });
  await page.onLoad();
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('lists messages newest first with unread dots, and pages with next_before_id until it is null', async () => {
  await open({
    'GET /api/v1/inbox': (req) => {
      if (!req.query.before_id) return pageOf(ids(60, 41), 41);
      return pageOf(ids(40, 35), null, 4);
    },
  });
  expect(keyed('GET /api/v1/inbox')[0].query).toEqual({ limit: '20' });
  expect(page.data.rows).toHaveLength(20);
  expect(page.data.rows[0]).toMatchObject({ id: 60, title: '通知 60', kind: '家长通知', read: false, url: '/pages/notices/detail?id=60' });
  expect(page.data.unreadCount).toBe(5);

  await page.onReachBottom();
  expect(keyed('GET /api/v1/inbox')[1].query).toEqual({ before_id: '41', limit: '20' });
  expect(page.data.rows.map((r) => r.id)).toEqual(ids(60, 35));
  expect(page.data.nextBeforeId).toBeNull();
  expect(page.data.unreadCount).toBe(4);
  await page.onReachBottom(); // the end
  expect(keyed('GET /api/v1/inbox')).toHaveLength(2);
  expect(wx.storage.get(RECEIVED_KEY)).toBe(true); // notices arrived: the home page shows 家长通知
});

test('two reach-bottom events at once load the next page once', async () => {
  await open({ 'GET /api/v1/inbox': (req) => (req.query.before_id ? pageOf(ids(40, 21), null) : pageOf(ids(60, 41), 41)) });
  await Promise.all([page.onReachBottom(), page.onReachBottom()]);
  expect(keyed('GET /api/v1/inbox')).toHaveLength(2);
  expect(page.data.rows).toHaveLength(40);
});

test('tapping an unread message marks it read and opens its page', async () => {
  await open({
    'GET /api/v1/inbox': pageOf([9, 8], null, 2),
    'POST /api/v1/inbox/9/read': { status: 200, body: { ...message(9), read: true } },
  });
  await page.openMessage(tapEvent({ id: 9 }));
  expect(keyed('POST /api/v1/inbox/9/read')).toHaveLength(1);
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/detail?id=9' });
  expect(page.data.rows.map((r) => r.read)).toEqual([true, false]);
  expect(page.data.unreadCount).toBe(1);

  await page.openMessage(tapEvent({ id: 9 })); // already read: opened without asking again
  expect(keyed('POST /api/v1/inbox/9/read')).toHaveLength(1);
  expect(wx.navigateTo).toHaveBeenCalledTimes(2);
});

test('a hazard message opens the hazard; one without a page of ours shows its text instead', async () => {
  await open({
    'GET /api/v1/inbox': {
      status: 200,
      body: {
        messages: [
          message(3, { kind: 'hazard_overdue', page: 'pages/hazards/detail?id=12', read: true }),
          message(2, { kind: 'scheduled', title: '巡查提醒', body: '请完成本周的校园巡查', page: 'pages/index/index', read: true }),
        ],
        unread_count: 0,
        next_before_id: null,
      },
    },
  });
  await page.openMessage(tapEvent({ id: 3 }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/hazards/detail?id=12' });
  await page.openMessage(tapEvent({ id: 2 }));
  expect(wx.navigateTo).toHaveBeenCalledTimes(1);
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '巡查提醒', content: '请完成本周的校园巡查' }));
});

test('the read call failing does not stop the message from opening', async () => {
  await open({ 'GET /api/v1/inbox': pageOf([9], null, 1), 'POST /api/v1/inbox/9/read': apiError(404, 'not_found') });
  await page.openMessage(tapEvent({ id: 9 }));
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/detail?id=9' });
});

test('全部已读 marks every row read and the count zero; with nothing unread it does nothing', async () => {
  await open({
    'GET /api/v1/inbox': pageOf([9, 8, 7], null, 3),
    'POST /api/v1/inbox/read-all': { status: 200, body: { unread_count: 0 } },
  });
  await page.markAllRead();
  expect(page.data.rows.every((r) => r.read)).toBe(true);
  expect(page.data.unreadCount).toBe(0);
  await page.markAllRead();
  expect(keyed('POST /api/v1/inbox/read-all')).toHaveLength(1);
});

test('pull-down refresh starts over; errors show in Chinese with a retry', async () => {
  await open({ 'GET /api/v1/inbox': [pageOf([9], null, 1), apiError(500, 'internal_error'), pageOf([9], null, 0)] });
  await page.onPullDownRefresh();
  expect(page.data).toMatchObject({ state: 'error', error: '服务器出错了，请稍后再试' });
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  await page.retry();
  expect(page.data.state).toBe('');
  expect(page.data.rows).toHaveLength(1);
});

test('loading first; no messages is the empty state', async () => {
  calls = serve(wx, { 'GET /api/v1/inbox': pageOf([], null, 0) });
  page = loadPage('pages/inbox/index', { app: stubApp({}) });
  const loading = page.onLoad();
  expect(page.data.state).toBe('loading');
  await loading;
  expect(page.data.state).toBe('empty');
});

test('a message naming a tab page opens it with switchTab; coming back to the tab reloads', async () => {
  wx.switchTab = jest.fn();
  await open({
    'GET /api/v1/inbox': { status: 200, body: { messages: [message(5, { page: 'pages/todo/index', read: true })], unread_count: 0, next_before_id: null } },
  });
  await page.openMessage(tapEvent({ id: 5 }));
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/todo/index' });
  expect(wx.navigateTo).not.toHaveBeenCalled();
  page.onShow();
  await page.onShow();
  expect(keyed('GET /api/v1/inbox')).toHaveLength(2);
  expect(page.data.state).toBe('');
});
