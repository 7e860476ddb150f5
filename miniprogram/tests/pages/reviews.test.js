const { installWx, serve, apiError, flush } = require('../helpers/wx');
const { loadPage, tapEvent } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');
const { CENTER } = require('../helpers/fixtures');
const { MESSAGES } = require('../../api/messages');
const { COLORS } = require('../../utils/colors');

const HELD = {
  reviews: [
    {
      id: 3, kind: 'text', subject: 'notice', subject_id: 9, field: 'text', content: '暑期安全\n家长可联系代开发票',
      photo_url: null, status: 'review', writer_name: '刘副校长', unit_name: '城东第一小学',
      created_at: '2026-03-02T01:05:00Z',
    },
    {
      id: 4, kind: 'media', subject: 'notice', subject_id: 9, field: 'attachment', content: null,
      photo_url: 'https://s3.test/p.jpg', status: 'pending', writer_name: null, unit_name: '城东第一小学',
      created_at: '2026-03-02T01:06:00Z',
    },
  ],
};
let wx;
let page;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  page = loadPage('pages/reviews/index', { app: {} });
});

const routes = (extra = {}) => ({
  'GET /api/v1/units': { status: 200, body: { units: [CENTER] } },
  'GET /api/v1/reviews': { status: 200, body: HELD },
  ...extra,
});

test('lists the held texts and photos of the administered unit', async () => {
  const calls = serve(wx, routes());
  await page.onLoad({});
  expect(calls.find((c) => c.key === 'GET /api/v1/reviews').query).toEqual({ unit_id: String(CENTER.id) });
  expect(page.data.items.map((i) => [i.what, i.statusText, i.writer])).toEqual([
    ['通知 · 标题与正文', '待人工审核', '刘副校长'],
    ['通知 · 通知图片', '等待微信审核', '（未填写姓名）'],
  ]);
  expect(page.data.items[0].text).toContain('代开发票');
  expect(page.data.items[1].photoUrl).toBe('https://s3.test/p.jpg');
});

test("a parent's held name reads as 人员 · 姓名, without a unit when it was held before they had one", async () => {
  const name = {
    ...HELD.reviews[0], id: 6, subject: 'user', field: 'display_name', content: '王妈妈', writer_name: null, unit_name: null,
  };
  serve(wx, routes({ 'GET /api/v1/reviews': { status: 200, body: { reviews: [name] } } }));
  await page.onLoad({});
  const [item] = page.data.items;
  expect([item.what, item.text]).toEqual(['人员 · 姓名', '王妈妈']);
  expect(item.meta).toBe(`（未填写姓名） · ${item.time}`);
});

test('releasing asks first, then releases and reloads', async () => {
  const calls = serve(wx, routes({ 'POST /api/v1/reviews/3/release': { status: 200, body: {} } }));
  await page.onLoad({});
  await page.release(tapEvent({ id: 3 }));
  await flush();
  expect(wx.showModal.mock.calls[0][0].title).toBe('审核通过');
  expect(calls.map((c) => c.key)).toContain('POST /api/v1/reviews/3/release');
  expect(calls.filter((c) => c.key === 'GET /api/v1/reviews')).toHaveLength(2);
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已通过' }));
});

test('rejecting is confirmed in red and nothing happens when cancelled', async () => {
  const calls = serve(wx, routes());
  await page.onLoad({});
  wx.showModal.mockImplementation(({ success }) => success({ confirm: false, cancel: true }));
  await page.reject(tapEvent({ id: 3 }));
  expect(wx.showModal.mock.calls[0][0]).toEqual(expect.objectContaining({ title: '驳回内容', confirmColor: COLORS.danger }));
  expect(calls.some((c) => c.method === 'POST')).toBe(false);
});

test('an item another admin decided first is explained in Chinese', async () => {
  serve(wx, routes({ 'POST /api/v1/reviews/3/reject': apiError(409, 'review_decided') }));
  await page.onLoad({});
  await page.reject(tapEvent({ id: 3 }));
  await flush();
  const shown = wx.showModal.mock.calls[1][0];
  expect(shown.title).toBe('驳回内容失败');
  expect(shown.content).toBe('这条内容已经被其他管理员处理过了');
});

test('the content rules have Chinese messages', () => {
  expect(MESSAGES.content_risky).toContain('内容安全');
  expect(MESSAGES.content_held).toContain('审核');
});
