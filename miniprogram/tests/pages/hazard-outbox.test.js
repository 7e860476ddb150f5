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

test('lists the entries with state, time and error', () => {
  seed(UUID_A, 'a.jpg');
  seed(UUID_B, 'b.jpg');
  const stored = wx.storage.get('hazard_outbox');
  stored[1] = { ...stored[1], status: 'failed', error: '请选择隐患所在的学校' };
  wx.storage.set('hazard_outbox', stored);
  open();
  page.onShow();
  expect(page.data.entries.map((e) => [e.title, e.statusText, e.error, e.failed])).toEqual([
    ['消防安全问题2', '等待发送', '', false],
    ['消防安全问题2', '发送失败', '请选择隐患所在的学校', true],
  ]);
  expect(page.data.entries[0].label).toMatch(/^城东第一小学 · \d+月\d+日 \d{2}:\d{2} 保存 · 1 张照片$/);
  expect(page.data.entries[0].thumb).toMatch(/^wxfile:\/\/usr\/hazard_outbox\//);
});

test('立即发送 sends and empties the list', async () => {
  seed(UUID_A, 'a.jpg');
  const calls = serve(wx, {
    'POST /api/v1/photos': { status: 201, body: { id: 1 } },
    'POST /api/v1/hazards': { status: 201, body: hazard(3) },
  });
  open();
  page.onShow();
  await page.sendNow();
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
  await page.sendNow();
  expect(page.data.entries[0]).toMatchObject({ failed: true, error: '你没有权限进行这个操作' });
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
