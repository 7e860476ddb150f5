const { installWx, serve, apiError, flush, allowSubscribe } = require('../helpers/wx');
const { loadPage, stubApp } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');
const { SCHOOL_A, grant } = require('../helpers/fixtures');
const { templatesOf } = require('../helpers/subscriptions');

const ME = {
  user: { id: 3, display_name: '陈老师', phone: '13800138000' },
  grants: [grant(9, 'teacher', '巡查教师', SCHOOL_A)],
  children: [],
  capabilities: ['hazard.report'],
};
// GET /subscriptions/templates in the server's shape: every configured template, with whether its
// messages reach this teacher (`applies`) and whether a one-time grant was spent (`used_up`).
const TEMPLATES = {
  templates: [
    { key: 'hazard_verified', template_id: 't1', title: '隐患已验收销号', long_term: false, remaining: 2, granted_long_term: false, applies: true, used_up: false },
    { key: 'notice', template_id: 't2', title: '致家长的一封信', long_term: false, remaining: 0, granted_long_term: false, applies: false, used_up: false },
    { key: 'task_reminder', template_id: 't3', title: '定时工作提醒', long_term: false, remaining: 0, granted_long_term: false, applies: true, used_up: false },
    { key: 'patrol_due', template_id: 't4', title: '巡查提醒', long_term: true, remaining: 0, granted_long_term: true, applies: true, used_up: false },
    { key: 'hazard_reported', template_id: 't5', title: '新隐患待处理', long_term: false, remaining: 0, granted_long_term: false, applies: false, used_up: true },
  ],
};
let wx;
let app;
let page;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  app = stubApp(ME);
  page = loadPage('pages/mine/index', { app });
});

test('shows the name, phone, roles with units and the subscriptions that reach this person, on or off', async () => {
  serve(wx, { 'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES } });
  await page.onShow();
  expect(app.getMe).toHaveBeenCalledWith({ refresh: true });
  expect(page.data.name).toBe('陈老师');
  expect(page.data.phone).toBe('13800138000');
  expect(page.data.grants).toEqual([{ id: 9, label: '巡查教师 · 城东第一小学' }]);
  // Not the parents' notices nor the safety officer's new reports: they never reach a teacher.
  expect(page.data.subscriptions.map((s) => [s.title, s.text, s.on])).toEqual([
    ['隐患已验收销号', '剩余 2 次', true],
    ['定时工作提醒', '未开启', false],
    ['巡查提醒', '已开启（长期）', true],
  ]);
  expect(page.data.anyOff).toBe(true);
});

test('a parent sees only the notices and their reminders, a spent grant as 已用完', async () => {
  const parentMe = { ...ME, grants: [], capabilities: [] };
  const answer = templatesOf('parent', { notice: { remaining: 1 }, reminder: { used_up: true } });
  serve(wx, { 'GET /api/v1/subscriptions/templates': { status: 200, body: answer } });
  const parent = loadPage('pages/mine/index', { app: stubApp(parentMe) });
  await parent.onShow();
  expect(parent.data.subscriptions.map((s) => [s.key, s.text, s.on])).toEqual([
    ['notice', '剩余 1 次', true],
    ['reminder', '已用完', false],
  ]);
  expect(parent.data.anyOff).toBe(true);
});

test('开启 asks for exactly the ones reaching this person that are off or used up, then shows them on', async () => {
  allowSubscribe(wx, 'accept');
  const after = {
    templates: TEMPLATES.templates.map((t) => (t.key === 'task_reminder' ? { ...t, remaining: 1 } : t)),
  };
  const calls = serve(wx, {
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'POST /api/v1/subscriptions': { status: 200, body: after },
  });
  await page.onShow();
  await page.turnOn();
  // Not t2 (notices) nor t5 (new reports, used up): they do not reach a teacher.
  expect(wx.requestSubscribeMessage.mock.calls.map((c) => c[0].tmplIds)).toEqual([['t3']]);
  expect(calls.find((c) => c.key === 'POST /api/v1/subscriptions').data).toEqual({ results: { t3: 'accept' } });
  expect(page.data.subscriptions.find((s) => s.key === 'task_reminder')).toMatchObject({ text: '剩余 1 次', on: true });
  expect(page.data).toMatchObject({ anyOff: false, subscribing: false });
});

test('开启 for a parent whose reminder grant is used up asks for it again, not for the staff pushes', async () => {
  allowSubscribe(wx, 'reject');
  const answer = templatesOf('parent', { notice: { remaining: 1 }, reminder: { used_up: true } });
  serve(wx, {
    'GET /api/v1/subscriptions/templates': { status: 200, body: answer },
    'POST /api/v1/subscriptions': { status: 200, body: answer },
  });
  const parent = loadPage('pages/mine/index', { app: stubApp({ ...ME, grants: [], capabilities: [] }) });
  await parent.onShow();
  await parent.turnOn();
  expect(wx.requestSubscribeMessage.mock.calls.map((c) => c[0].tmplIds)).toEqual([['tpl-reminder']]);
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringContaining('没有开启提醒') }));
  expect(parent.data.anyOff).toBe(true);
});

test('everything reaching this person on: no 开启', async () => {
  const answer = templatesOf('parent', { notice: { remaining: 1 }, reminder: { remaining: 3 } });
  serve(wx, { 'GET /api/v1/subscriptions/templates': { status: 200, body: answer } });
  await page.onShow();
  expect(page.data.subscriptions.map((s) => s.text)).toEqual(['剩余 1 次', '剩余 3 次']);
  expect(page.data.anyOff).toBe(false);
});

test('the subscriptions failing to load still shows the rest', async () => {
  serve(wx, { 'GET /api/v1/subscriptions/templates': apiError(503, 'service_unavailable') });
  await page.onShow();
  expect(page.data.error).toBe('');
  expect(page.data.subscriptions).toEqual([]);
  expect(page.data.name).toBe('陈老师');
});

test('editing the name and clearing the phone sends PATCH /me', async () => {
  const calls = serve(wx, {
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'PATCH /api/v1/me': { status: 200, body: { id: 3, display_name: '陈芳', phone: null } },
  });
  await page.onShow();
  page.edit();
  expect(page.data.draftName).toBe('陈老师');
  page.onNameInput({ detail: { value: ' 陈芳 ' } });
  page.onPhoneInput({ detail: '' });
  await page.save();
  const patch = calls.find((c) => c.method === 'PATCH');
  expect(patch.data).toEqual({ display_name: '陈芳', phone: null });
  expect(page.data.name).toBe('陈芳');
  expect(page.data.phone).toBe('');
  expect(page.data.editing).toBe(false);
});

test('a name held by the content check is shown to its writer as under review', async () => {
  serve(wx, {
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'PATCH /api/v1/me': { status: 200, body: { id: 3, display_name: '陈芳', name_under_review: true, phone: null } },
  });
  await page.onShow();
  page.edit();
  page.onNameInput({ detail: { value: '陈芳' } });
  await page.save();
  expect(page.data.nameUnderReview).toBe(true);
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已保存，姓名审核中', icon: 'none' });
});

test('a risky name is refused with the content rules message', async () => {
  serve(wx, {
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'PATCH /api/v1/me': apiError(422, 'content_risky'),
  });
  await page.onShow();
  page.edit();
  page.onNameInput({ detail: { value: '某某' } });
  await page.save();
  expect(page.data.nameError).toBe('内容含有违反微信内容安全规定的信息，请修改后重新提交');
});

test('a bad phone or an empty name is refused before calling the server', async () => {
  const calls = serve(wx, { 'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES } });
  await page.onShow();
  page.edit();
  page.onNameInput({ detail: { value: '  ' } });
  page.onPhoneInput({ detail: '1380013' });
  await page.save();
  expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);
  expect(page.data.nameError).toBe('请填写姓名');
  expect(page.data.phoneError).toBe('请填写 11 位手机号码，或留空');
});

test('log out revokes the token on the server, then forgets it here', async () => {
  const calls = serve(wx, {
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'POST /api/v1/auth/logout': { status: 204, body: '' },
  });
  wx.storage.set('offline_cache:me', { value: ME, savedAt: 1 });
  wx.storage.set('offline_cache:todo', { value: { total: 1 }, savedAt: 1 });
  await page.onShow();
  page.logout();
  await flush();
  await flush();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '退出登录' }));
  // The next person on this phone must not see this one's saved data.
  expect(wx.storage.has('offline_cache:me')).toBe(false);
  expect(wx.storage.has('offline_cache:todo')).toBe(false);
  const logout = calls.find((c) => c.key === 'POST /api/v1/auth/logout');
  expect(logout.header.Authorization).toBe('Bearer tok');
  expect(wx.storage.has(TOKEN_KEY)).toBe(false);
  expect(app.globalData.me).toBe(null);
  expect(page.data.loggedOut).toBe(true);
});

test('cancelling the log-out confirmation changes nothing', async () => {
  const calls = serve(wx, { 'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES } });
  await page.onShow();
  wx.showModal.mockImplementation(({ success }) => success({ confirm: false, cancel: true }));
  page.logout();
  await flush();
  expect(calls.some((c) => c.key === 'POST /api/v1/auth/logout')).toBe(false);
  expect(wx.storage.get(TOKEN_KEY)).toBe('tok');
});

test('staff find 加入单位 and 绑定孩子 here; someone without a role only 加入单位', async () => {
  serve(wx, { 'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES } });
  await page.onShow();
  expect(page.data.bindHere).toBe(true);
  const parent = loadPage('pages/mine/index', { app: stubApp({ ...ME, grants: [] }) });
  await parent.onShow();
  expect(parent.data.bindHere).toBe(false);
});

test('rendered: the join and bind cells, and the stale banner for a saved /me', async () => {
  const simulate = require('miniprogram-simulate');
  const { renderPage } = require('../helpers/render');
  serve(wx, { 'GET /api/v1/subscriptions/templates': { network: true } });
  const saved = stubApp(ME);
  saved.globalData.meSavedAt = new Date(2026, 4, 6, 7, 8).getTime();
  global.getApp = () => saved;
  const comp = renderPage('pages/mine/index');
  jest.useFakeTimers();
  const showing = comp.instance.onShow();
  await jest.runAllTimersAsync();
  await showing;
  jest.useRealTimers();
  await simulate.sleep(0);
  const titles = [...comp.dom.querySelectorAll('.van-cell__title')].map((n) => n.textContent.trim());
  expect(titles).toEqual(expect.arrayContaining(['巡查教师 · 城东第一小学', '加入单位（使用邀请码）', '绑定孩子']));
  expect(comp.dom.querySelector('.stale-banner__text').textContent).toMatch(/5月6日 07:08 保存的内容$/);
  comp.detach();
});

test('an error (no saved /me, no network): the message and 重试 that loads again', async () => {
  serve(wx, { 'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES } });
  app.getMe.mockRejectedValueOnce(Object.assign(new Error('网络不可用，请检查网络后重试'), { code: 'network_error' }));
  await page.onShow();
  expect(page.data).toMatchObject({ state: 'error', error: '网络不可用，请检查网络后重试', offline: true });
  await page.retry();
  expect(page.data.state).toBe('');
  expect(page.data.name).toBe('陈老师');
});

test('pull to refresh reloads and stops the spinner', async () => {
  serve(wx, { 'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES } });
  await page.onPullDownRefresh();
  expect(app.getMe).toHaveBeenCalledWith({ refresh: true });
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});
