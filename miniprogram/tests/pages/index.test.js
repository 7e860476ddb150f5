/** 首页: what each role sees, the 待办 and 待发送 cards, and the saved copy shown offline. */
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const {
  SCHOOL_A, CENTER, BUREAU, grant, hazard,
} = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

const EVERYONE = ['child.bind', 'campaign.view', 'inbox.view', 'notice.read'];
const STAFF = ['unit.view', 'hazard.report', 'hazard.view', 'photo.upload', 'hazard.fix_on_spot'];
const MANAGER = [...STAFF, 'invitation.create', 'staff.manage', 'content.review', 'notice.write', 'notice.completion',
  'schedule.manage', 'hazard.plan', 'hazard.work', 'hazard.signoff', 'hazard.duplicate', 'hazard.close', 'unit.campus',
  'hazard.escalation'];
const CHILD = {
  id: 5, name: '王小明', relation: 'father', relation_name: '父亲', class: { id: 31, name: '一年级1班' }, school: { id: 3, name: '城东第一小学' },
};

const me = (extra) => ({
  user: { id: 1, display_name: '李老师', created_at: '2024-01-01T00:00:00Z' },
  grants: [],
  children: [],
  capabilities: EVERYONE,
  ...extra,
});
const SCHOOL_ADMIN = me({
  grants: [grant(7, 'school_admin', '学校安全负责人', SCHOOL_A)],
  capabilities: [...EVERYONE, ...MANAGER, 'notice.class_pending', 'class.codes', 'class.roster', 'class.bindings'],
});
const SUPERVISOR = me({
  grants: [grant(8, 'supervisor', '中心校/集团校督导', CENTER)],
  capabilities: [...EVERYONE, ...MANAGER, 'hazard.signoff_major'],
});
const TODO = {
  hazards: {
    overdue: { count: 2, items: [hazard(1, { overdue: true })] },
    verify: { count: 0, items: [] },
    fix: { count: 0, items: [] },
    plan: { count: 3, items: [hazard(2)] },
    classify: { count: 0, items: [] },
  },
  notices: { count: 0, items: [] },
  total: 5,
};

let wx;
beforeEach(() => {
  wx = installWx();
  wx.switchTab = jest.fn();
  wx.storage.set(TOKEN_KEY, 'tok');
});

async function shown(meAnswer, routes = {}) {
  const calls = serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO }, ...routes });
  const app = stubApp(meAnswer);
  const page = loadPage('pages/index/index', { app });
  await page.load();
  return { page, app, calls };
}
const titles = async (answer) => (await shown(answer)).page.data.tiles.map((t) => t.title);

describe('tiles per role', () => {
  test('someone new (no role, no child) sees 绑定孩子 and 加入单位, and the welcome words', async () => {
    const { page } = await shown(me());
    expect(page.data.tiles.map((t) => t.title)).toEqual(['绑定孩子', '加入单位']);
    expect(page.data.newUser).toBe(true);
    expect(page.data.roles).toEqual([]);
  });

  test('a school admin without children: no 绑定孩子, no 加入单位, no campaign tile, no tab tiles', async () => {
    expect(await titles(SCHOOL_ADMIN)).toEqual([
      '上报隐患', '隐患整改', '发布通知', '班级通知确认', '班级名单与绑定审核', '邀请成员', '定时提醒', '人员管理', '内容审核',
      '单位与班级', '电脑端登录',
    ]);
  });

  test('a school admin who is also a parent sees 家长通知 and 绑定孩子', async () => {
    const list = await titles({ ...SCHOOL_ADMIN, children: [CHILD] });
    expect(list).toContain('家长通知');
    expect(list).toContain('绑定孩子');
    expect(list).not.toContain('加入单位');
  });

  test('a supervisor above schools and the bureau get the campaign tile', async () => {
    expect(await titles(SUPERVISOR)).toContain('活动与隐患分类');
    const bureauStaff = me({
      grants: [grant(9, 'bureau_staff', '安全办工作人员', BUREAU)],
      capabilities: [...EVERYONE, ...STAFF, 'notice.write', 'notice.completion', 'hazard.escalation'],
    });
    expect(await titles(bureauStaff)).toContain('活动与隐患分类');
    // An inspector at the bureau follows no campaign counts: no tile.
    const inspector = me({ grants: [grant(10, 'inspector', '督查专家', BUREAU)], capabilities: [...EVERYONE, ...STAFF] });
    expect(await titles(inspector)).not.toContain('活动与隐患分类');
  });

  test('a parent with a child: 家长通知 and 绑定孩子, no 加入单位', async () => {
    expect(await titles(me({ children: [CHILD] }))).toEqual(['家长通知', '绑定孩子']);
  });

  test('家长通知 also for someone who received notices before', async () => {
    wx.storage.set('notices_received', true);
    expect(await titles(me({ grants: [grant(9, 'teacher', '巡查教师', SCHOOL_A)], capabilities: [...EVERYONE, ...STAFF] })))
      .toContain('家长通知');
  });
});

test('greets the user and shows roles as people say them, and the children', async () => {
  const { page } = await shown(me({
    grants: [
      grant(7, 'bureau_staff', '安全办工作人员', BUREAU),
      grant(8, 'class_teacher', '班主任', SCHOOL_A, { id: 31, name: '一年级1班' }),
    ],
    children: [CHILD],
  }));
  expect(page.data.greeting).toBe('你好，李老师');
  expect(page.data.roles.map((g) => g.label)).toEqual(['安全办工作人员 · 埇桥区教体局', '班主任 · 城东第一小学 一年级1班']);
  expect(page.data.children).toEqual([{ id: 5, name: '王小明', label: '城东第一小学 一年级1班 · 父亲' }]);
  expect(page.data.newUser).toBe(false);
});

describe('the 待办 card', () => {
  test('counts from the fresh to-do; tapping opens the 待办 tab', async () => {
    const { page } = await shown(SCHOOL_ADMIN);
    expect(page.data.todo).toEqual({
      total: 5,
      text: '5 项待办',
      groups: [{ key: 'overdue', text: '已逾期 2', alert: true }, { key: 'plan', text: '待制定方案 3', alert: false }],
    });
    page.openTodo();
    expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/todo/index' });
    expect(wx.navigateTo).not.toHaveBeenCalled();
  });

  test('the saved to-do shows when the network fails', async () => {
    wx.storage.set('offline_cache:todo', { value: TODO, savedAt: 1700000000000 });
    const { page } = await shown(SCHOOL_ADMIN, { 'GET /api/v1/todo': apiError(503, 'unavailable') });
    expect(page.data.todo.text).toBe('5 项待办');
    expect(page.data.todoSavedAt).toBe(1700000000000);
  });

  test('nothing to do says so', async () => {
    const { page } = await shown(SCHOOL_ADMIN, { 'GET /api/v1/todo': { status: 200, body: { hazards: {}, notices: { count: 0, items: [] }, total: 0 } } });
    expect(page.data.todo).toEqual({ total: 0, text: '暂无待办事项', groups: [] });
  });
});

describe('the 待发送 card', () => {
  test('how many wait, are sent, failed; a tap opens the outbox', async () => {
    wx.storage.set('hazard_outbox', [
      { id: 'a', status: 'pending', photos: [] },
      { id: 'b', status: 'failed', photos: [], error: 'x' },
      { id: 'c', status: 'pending', photos: [] },
    ]);
    const { page } = await shown(SCHOOL_ADMIN);
    expect(page.data.outbox).toEqual({ title: '3 条隐患还没有发送', detail: '等待联网 2', failedText: '1 条发送失败，点此查看原因' });
    expect(page.data.tiles[0]).toMatchObject({ title: '上报隐患', badge: 3, badgeText: '待发送 3 条' });
    page.openOutbox();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/hazards/outbox' });
  });

  test('an empty outbox shows no card', async () => {
    const { page } = await shown(SCHOOL_ADMIN);
    expect(page.data.outbox).toBeNull();
  });
});

test('a copy of /me kept on the phone shows with the stale banner; a fresh one clears it', async () => {
  const app = stubApp(SCHOOL_ADMIN);
  app.globalData.meSavedAt = 1700000000000;
  let tell;
  app.watchMe = jest.fn((fn) => { tell = fn; return () => { tell = null; }; });
  serve(wx, { 'GET /api/v1/todo': { status: 200, body: TODO } });
  const page = loadPage('pages/index/index', { app });
  await page.onShow();
  expect(page.data.savedAt).toBe(1700000000000);
  tell({ me: SCHOOL_ADMIN, savedAt: '' });
  expect(page.data.savedAt).toBe('');
  page.onUnload();
  expect(tell).toBeNull();
});

test('a failure shows the Chinese message, and retry refreshes /me', async () => {
  const app = stubApp(me());
  app.getMe.mockRejectedValueOnce(Object.assign(new Error('服务器出错了，请稍后再试'), { code: 'internal_error' }));
  serve(wx, {});
  const page = loadPage('pages/index/index', { app });
  await page.load();
  expect(page.data).toMatchObject({ state: 'error', error: '服务器出错了，请稍后再试', offline: false });
  await page.retry();
  expect(app.getMe).toHaveBeenLastCalledWith({ refresh: true });
  expect(page.data.state).toBe('');
  expect(page.data.tiles.map((t) => t.title)).toEqual(['绑定孩子', '加入单位']);
});

test('waits for the launch before asking for /me', async () => {
  let finishLaunch;
  const app = stubApp(me());
  app.ready = new Promise((resolve) => { finishLaunch = resolve; });
  serve(wx, {});
  const page = loadPage('pages/index/index', { app });
  const loading = page.load();
  await new Promise((r) => setTimeout(r, 0));
  expect(app.getMe).not.toHaveBeenCalled();
  finishLaunch();
  await loading;
  expect(app.getMe).toHaveBeenCalledWith({ refresh: false });
});

test('a tile opens its page (navigateTo), a tab page by switchTab', () => {
  const page = loadPage('pages/index/index', { app: stubApp(me()) });
  page.openTile(tapEvent({ url: '/pages/join/index' }));
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' });
  page.openTile(tapEvent({ url: '/pages/mine/index?x=1' }));
  expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/mine/index' });
});
