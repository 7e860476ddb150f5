const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let page;
let calls;

const keyed = (key) => calls.filter((c) => c.key === key);
const PENDING = (remindedToday = false) => ({
  status: 200,
  body: {
    class: { id: 31, name: '一年级1班' },
    pending: [
      {
        child_name: '王小明',
        read: true,
        guardians: [
          { relation: 'father', relation_name: '父亲', parent_name: '王建国', read: true },
          { relation: 'mother', relation_name: '母亲', parent_name: null, read: false },
        ],
      },
      {
        child_name: '李小红', read: false, guardians: [{ relation: 'mother', relation_name: '母亲', parent_name: null, read: false }],
      },
    ],
    reminded_today: remindedToday,
  },
});
const PENDING_URL = 'GET /api/v1/notices/21/classes/31/pending';
const REMIND_URL = 'POST /api/v1/notices/21/classes/31/remind';

async function open(routes) {
  calls = serve(wx, routes);
  page = loadPage('pages/notices/class', { app: stubApp({}) });
  await page.onLoad({ id: '21', class_id: '31' });
}

const answerModal = (...answers) => answers.forEach((confirm) => {
  wx.showModal.mockImplementationOnce(({ success }) => success({ confirm, cancel: !confirm }));
});

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('lists the children not yet acknowledged, once each, with their guardians', async () => {
  await open({ [PENDING_URL]: PENDING() });
  expect(page.data.className).toBe('一年级1班');
  expect(page.data.rows.map((r) => [r.childName, r.guardians, r.readText])).toEqual([
    ['王小明', '父亲（王建国）、母亲', '已读未确认'],
    ['李小红', '母亲', '未读'],
  ]);
  expect(page.data.unreadCount).toBe(1);
  expect(page.data.remindedToday).toBe(false);
});

test('一键提醒 asks, sends once however often tapped, shows the count and turns into 今日已提醒', async () => {
  await open({ [PENDING_URL]: PENDING(), [REMIND_URL]: { status: 200, body: { reminded: 2 } } });
  answerModal(false);
  await page.remind();
  expect(keyed(REMIND_URL)).toEqual([]);

  await Promise.all([page.remind(), page.remind()]);
  expect(keyed(REMIND_URL)).toHaveLength(1);
  expect(page.data).toMatchObject({ remindedToday: true, remindedCount: 2, reminding: false });
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已提醒 2 位家长', icon: 'success' });
  await page.remind(); // disabled now
  expect(keyed(REMIND_URL)).toHaveLength(1);
});

test('already reminded today: the button does nothing', async () => {
  await open({ [PENDING_URL]: PENDING(true), [REMIND_URL]: { status: 200, body: { reminded: 2 } } });
  await page.remind();
  expect(wx.showModal).not.toHaveBeenCalled();
  expect(keyed(REMIND_URL)).toEqual([]);
});

test('a 409 (a colleague reminded first) shows the message and disables the button', async () => {
  await open({ [PENDING_URL]: PENDING(), [REMIND_URL]: apiError(409, 'already_reminded_today') });
  await page.remind();
  expect(wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({
    title: '提醒没有发送', content: '今天已经提醒过这个班级的家长了，每个班级每天只能提醒一次',
  }));
  expect(page.data.remindedToday).toBe(true);
});

test('someone above the school is refused with a clear message', async () => {
  await open({ [PENDING_URL]: apiError(403, 'forbidden') });
  expect(page.data.error).toBe('只有本班班主任和本校安全负责人可以查看家长名单');
});

describe('rendered', () => {
  let comp;
  afterEach(() => comp && comp.detach());

  async function render(remindedToday) {
    serve(wx, { [PENDING_URL]: PENDING(remindedToday) });
    global.getApp = () => stubApp({});
    comp = renderPage('pages/notices/class');
    await comp.instance.onLoad({ id: '21', class_id: '31' });
    await simulate.sleep(0);
    return comp.dom.querySelector('.remind').textContent.trim();
  }

  test('the button reads 今日已提醒 when reminded today', async () => {
    expect(await render(true)).toBe('今日已提醒');
  });

  test('otherwise 一键提醒未确认家长', async () => {
    expect(await render(false)).toBe('一键提醒未确认家长');
    expect(comp.dom.querySelector('.summary-text').textContent).toContain('还有 2 个孩子的家长未确认');
  });
});
