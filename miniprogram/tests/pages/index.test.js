const { installWx, serve } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { SCHOOL_A, BUREAU, grant } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

const me = (extra) => ({
  user: { id: 1, display_name: '李老师', created_at: '2024-01-01T00:00:00Z' },
  grants: [],
  children: [],
  capabilities: ['campaign.view', 'child.bind'],
  ...extra,
});

beforeEach(() => installWx());

async function shown(meAnswer) {
  const app = stubApp(meAnswer);
  const page = loadPage('pages/index/index', { app });
  await page.load();
  return { page, app };
}

test('tiles follow the capabilities: a parent sees bind, campaign and join only', async () => {
  const { page } = await shown(me());
  expect(page.data.tiles.map((t) => t.title)).toEqual(['绑定孩子', '活动与隐患分类', '加入单位', '我的']);
});

test('an admin also sees invite and units tiles', async () => {
  const { page } = await shown(me({
    grants: [grant(7, 'school_admin', '学校安全负责人', SCHOOL_A)],
    capabilities: ['campaign.view', 'child.bind', 'invitation.create', 'unit.view'],
  }));
  expect(page.data.tiles.map((t) => t.url)).toEqual([
    '/pages/invite/create', '/pages/children/bind', '/pages/campaign/index', '/pages/units/index', '/pages/join/index',
    '/pages/mine/index',
  ]);
});

test('greets the user and lists grants as role · unit, and children', async () => {
  const { page } = await shown(me({
    grants: [
      grant(7, 'bureau_staff', '安全办工作人员', BUREAU),
      grant(8, 'class_teacher', '班主任', SCHOOL_A, { id: 31, name: '一年级1班' }),
    ],
    children: [{
      id: 5, name: '王小明', relation: 'father', relation_name: '父亲',
      class: { id: 31, name: '一年级1班' }, school: { id: 3, name: '城东第一小学' },
    }],
  }));
  expect(page.data.greeting).toBe('你好，李老师');
  expect(page.data.grants.map((g) => g.label)).toEqual([
    '安全办工作人员 · 埇桥区教体局',
    '班主任 · 城东第一小学 一年级1班',
  ]);
  expect(page.data.children).toEqual([{ id: 5, name: '王小明', label: '城东第一小学 一年级1班 · 父亲' }]);
  expect(page.data.empty).toBe(false);
});

test('no grants and no children shows the empty state; a child alone does not', async () => {
  expect((await shown(me())).page.data.empty).toBe(true);
  const withChild = await shown(me({
    children: [{ id: 5, name: '王小明', relation_name: '母亲', class: { name: '一年级1班' }, school: { name: '城东第一小学' } }],
  }));
  expect(withChild.page.data.empty).toBe(false);
});

test('a failure shows the Chinese message, and retry refreshes /me', async () => {
  const app = stubApp(me());
  app.getMe.mockRejectedValueOnce(new Error('网络不可用，请检查网络后重试'));
  const page = loadPage('pages/index/index', { app });
  await page.load();
  expect(page.data.error).toBe('网络不可用，请检查网络后重试');
  page.retry();
  await new Promise((r) => setTimeout(r, 0));
  expect(app.getMe).toHaveBeenLastCalledWith({ refresh: true });
  expect(page.data.error).toBe('');
  expect(page.data.tiles.length).toBe(4);
});

test('waits for the launch sign-in before asking for /me', async () => {
  let finishLaunch;
  const app = stubApp(me());
  app.ready = new Promise((resolve) => { finishLaunch = resolve; });
  const page = loadPage('pages/index/index', { app });
  const loading = page.load();
  await new Promise((r) => setTimeout(r, 0));
  expect(app.getMe).not.toHaveBeenCalled();
  finishLaunch();
  await loading;
  expect(app.getMe).toHaveBeenCalledWith({ refresh: false });
});

test('staff see the hazard tiles first, the report tile with the outbox count', async () => {
  wx.storage.set('hazard_outbox', [{ id: 'a', status: 'pending', photos: [] }, { id: 'b', status: 'failed', photos: [] }]);
  const { page } = await shown(me({
    grants: [grant(9, 'teacher', '巡查教师', SCHOOL_A)],
    capabilities: ['campaign.view', 'child.bind', 'hazard.report', 'hazard.view', 'unit.view'],
  }));
  expect(page.data.tiles.slice(0, 2).map((t) => [t.title, t.url, t.badge, t.badgeText])).toEqual([
    ['上报隐患', '/pages/hazards/report', 2, '待发送 2 条'],
    ['隐患整改', '/pages/hazards/list', '', ''],
  ]);
});

test('a tile opens its page', () => {
  const page = loadPage('pages/index/index', { app: stubApp(me()) });
  page.openTile(tapEvent({ url: '/pages/join/index' }));
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' });
});

describe('messages and notices', () => {
  const CHILD = {
    id: 5, name: '王小明', relation: 'father', relation_name: '父亲', class: { id: 31, name: '一年级1班' }, school: { id: 3, name: '城东第一小学' },
  };
  const EVERYONE = ['campaign.view', 'child.bind', 'inbox.view', 'notice.read'];

  test('showing the page refreshes the unread count into the 消息 tile badge', async () => {
    wx.storage.set(TOKEN_KEY, 'tok');
    const calls = serve(wx, { 'GET /api/v1/inbox/unread-count': [{ status: 200, body: { unread_count: 4 } }, { status: 200, body: { unread_count: 0 } }] });
    const page = loadPage('pages/index/index', { app: stubApp(me({ capabilities: EVERYONE })) });
    await page.onShow();
    const inbox = () => page.data.tiles.find((t) => t.title === '消息');
    expect(inbox()).toMatchObject({ url: '/pages/inbox/index', badge: 4, badgeText: '4 条未读' });

    page.onHide();
    await page.onShow();
    expect(calls.filter((c) => c.key === 'GET /api/v1/inbox/unread-count')).toHaveLength(2);
    expect(inbox()).toMatchObject({ badge: '', badgeText: '' });
    page.onUnload();
  });

  test('家长通知 shows for parents with children, or who received notices before', async () => {
    const titles = async (answer) => (await shown(answer)).page.data.tiles.map((t) => t.title);
    expect(await titles(me({ capabilities: EVERYONE }))).not.toContain('家长通知');
    expect(await titles(me({ capabilities: EVERYONE, children: [CHILD] }))).toEqual(['消息', '家长通知', '绑定孩子', '活动与隐患分类', '加入单位', '我的']);
    wx.storage.set('notices_received', true);
    expect(await titles(me({ capabilities: EVERYONE }))).toContain('家长通知');
  });

  test('writers see 发布通知, class teachers 班级通知确认', async () => {
    const { page } = await shown(me({
      grants: [grant(8, 'class_teacher', '班主任', SCHOOL_A, { id: 31, name: '一年级1班' })],
      capabilities: [...EVERYONE, 'notice.write', 'notice.completion', 'notice.class_pending'],
    }));
    expect(page.data.tiles.filter((t) => t.url.startsWith('/pages/notices/')).map((t) => [t.title, t.url])).toEqual([
      ['发布通知', '/pages/notices/compose'],
      ['班级通知确认', '/pages/notices/issued?mode=class'],
    ]);
  });

  test('class teachers see 班级名单与绑定审核', async () => {
    const { page } = await shown(me({
      grants: [grant(8, 'class_teacher', '班主任', SCHOOL_A, { id: 31, name: '一年级1班' })],
      capabilities: [...EVERYONE, 'class.roster', 'class.bindings'],
    }));
    expect(page.data.tiles.filter((t) => t.url === '/pages/roster/index').map((t) => t.title)).toEqual(['班级名单与绑定审核']);
  });

  test('no inbox capability: the count is not asked for', async () => {
    const calls = serve(wx, {});
    const page = loadPage('pages/index/index', { app: stubApp(me()) });
    await page.onShow();
    expect(calls).toEqual([]);
    page.onUnload();
  });
});
