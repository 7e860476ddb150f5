const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { hazard } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

const UUID_A = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';
const UUID_B = '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b';
const REPORT = {
  focus_problem: 'area1.p2', description: '灭火器过期', severity: 'general', lat: 33.1, lng: 116.2, accuracy: 12, coord_system: 'gcj02',
};

let wx;
let page;
let outbox;

/** The page, and a separate outbox instance over the same storage to check what the page left. */
function open() {
  page = loadPage('pages/hazards/outbox', { app: stubApp({}) });
  jest.isolateModules(() => { outbox = require('../../utils/outbox'); });
}

function seed(uuid, name) {
  const path = `http://tmp/${name}`;
  wx.fs.files.set(path, name);
  // Entries are stored data: seed them through a separate instance, as an earlier session would.
  let writer;
  jest.isolateModules(() => { writer = require('../../utils/outbox'); });
  return writer.add({ clientUuid: uuid, report: REPORT, photos: [path], title: '消防安全问题2', school: '城东第一小学' });
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

afterEach(() => page && page.onUnload());

test('lists the entries with their state and, in plain words, why each is still here', () => {
  seed(UUID_A, 'a.jpg');
  seed(UUID_B, 'b.jpg');
  const stored = wx.storage.get('hazard_outbox');
  stored[1] = { ...stored[1], status: 'failed', error: '请选择隐患所在的学校' };
  wx.storage.set('hazard_outbox', stored);
  open();
  page.onShow();
  expect(page.data.entries.map((e) => [e.title, e.statusText, e.statusType, e.reason, e.failed])).toEqual([
    ['灭火器过期', '等待发送', 'warning', '等待联网后自动发送', false],
    ['灭火器过期', '发送失败', 'danger', '请选择隐患所在的学校', true],
  ]);
  expect(page.data.failedCount).toBe(1);
  expect(page.data.state).toBe('');
  expect(page.data.entries[0].label).toMatch(/^消防安全问题2 · 城东第一小学 · \d+月\d+日 \d{2}:\d{2} 保存 · 1 张照片$/);
  expect(page.data.entries[0].thumb).toMatch(/^wxfile:\/\/usr\/hazard_outbox\//);
});

test('全部重试 sends and empties the list', async () => {
  seed(UUID_A, 'a.jpg');
  const calls = serve(wx, {
    'POST /api/v1/photos': { status: 201, body: { id: 1 } },
    'POST /api/v1/hazards': { status: 201, body: hazard(3) },
  });
  open();
  page.onShow();
  await page.retryAll();
  expect(page.data.state).toBe('empty');
  expect(calls.find((c) => c.key === 'POST /api/v1/hazards').data.client_uuid).toBe(UUID_A);
  expect(page.data.entries).toEqual([]);
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已发送 1 条', icon: 'success' });
});

test('a failed entry can be retried with the same client_uuid', async () => {
  seed(UUID_A, 'a.jpg');
  const calls = serve(wx, {
    'POST /api/v1/photos': { status: 201, body: { id: 1 } },
    'POST /api/v1/hazards': [apiError(403, 'forbidden'), { status: 201, body: hazard(3) }],
  });
  open();
  page.onShow();
  await page.retryAll();
  expect(page.data.entries[0]).toMatchObject({ failed: true, statusText: '发送失败', reason: '你没有权限进行这个操作' });
  await page.retry(tapEvent({ id: UUID_A }));
  const uuids = calls.filter((c) => c.key === 'POST /api/v1/hazards').map((c) => c.data.client_uuid);
  expect(uuids).toEqual([UUID_A, UUID_A]);
  expect(page.data.entries).toEqual([]);
});

test('delete asks first, then removes the entry and its photos', async () => {
  const entry = seed(UUID_A, 'a.jpg');
  open();
  page.onShow();
  wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
  await page.remove(tapEvent({ id: UUID_A }));
  expect(page.data.entries).toHaveLength(1);
  await page.remove(tapEvent({ id: UUID_A }));
  expect(page.data.entries).toEqual([]);
  expect(wx.fs.files.has(entry.photos[0])).toBe(false);
  expect(outbox.count()).toBe(0);
});

test('全部重试 sends the failed entries again; offline it says they wait', async () => {
  seed(UUID_A, 'a.jpg');
  seed(UUID_B, 'b.jpg');
  const stored = wx.storage.get('hazard_outbox').map((e) => ({ ...e, status: 'failed', error: '服务器出错了' }));
  wx.storage.set('hazard_outbox', stored);
  open();
  page.onShow();
  wx.setOnline(false);
  await page.retryAll();
  expect(page.data.entries.map((e) => e.statusText)).toEqual(['等待发送', '等待发送']);
  expect(wx.showToast).toHaveBeenCalledWith({ title: '网络不可用，联网后会自动发送', icon: 'none' });

  const calls = serve(wx, {
    'POST /api/v1/photos': { status: 201, body: { id: 1 } },
    'POST /api/v1/hazards': { status: 201, body: hazard(3) },
  });
  wx.setOnline(true);
  await page.retryAll();
  expect(calls.filter((c) => c.key === 'POST /api/v1/hazards').map((c) => c.data.client_uuid)).toEqual([UUID_A, UUID_B]);
  expect(page.data.state).toBe('empty');
});

test('an entry being sent shows 发送中; an empty outbox is the empty state', async () => {
  open();
  page.onShow();
  expect(page.data).toMatchObject({ state: 'empty', entries: [] });

  seed(UUID_A, 'a.jpg');
  wx.uploadFile.mockImplementation(() => ({})); // the photo upload never ends
  page.onShow();
  page.retryAll();
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(page.data.entries[0]).toMatchObject({
    statusText: '发送中', statusType: 'primary', sending: true, reason: '正在上传照片和隐患信息…',
  });
  expect(page.data.flushing).toBe(true);
});
