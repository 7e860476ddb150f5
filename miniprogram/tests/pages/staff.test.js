const { installWx, serve, apiError, flush } = require('../helpers/wx');
const { loadPage, tapEvent } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');
const { CENTER, SCHOOL_A, grant } = require('../helpers/fixtures');

const STAFF = {
  staff: [
    {
      id: 5, display_name: '孙老师', phone: '13800138000', active: true, is_self: false,
      grants: [grant(21, 'teacher', '巡查教师', SCHOOL_A)],
    },
    {
      id: 6, display_name: null, phone: null, active: false, is_self: false,
      grants: [grant(22, 'guard', '保安', SCHOOL_A)],
    },
    {
      id: 7, display_name: '陈校长', phone: null, active: true, is_self: true,
      grants: [grant(23, 'supervisor', '中心校/集团校督导', CENTER)],
    },
  ],
};
let wx;
let page;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  page = loadPage('pages/staff/index', { app: {} });
});

const AUDIT = {
  records: [
    {
      id: 2, action: 'user_disabled', actor: { id: 7, display_name: '陈校长' }, target: { id: 6, display_name: null },
      unit: { id: SCHOOL_A.id, name: SCHOOL_A.name }, role: null, role_name: null, created_at: '2026-03-02T01:05:00Z',
    },
    {
      id: 1, action: 'grant_revoked', actor: { id: 7, display_name: '陈校长' }, target: { id: 5, display_name: '孙老师' },
      unit: { id: SCHOOL_A.id, name: SCHOOL_A.name }, role: 'guard', role_name: '保安', created_at: '2026-03-01T01:05:00Z',
    },
  ],
};

const routes = (extra = {}) => ({
  'GET /api/v1/units': { status: 200, body: { units: [CENTER] } },
  'GET /api/v1/audit': { status: 200, body: AUDIT },
  [`GET /api/v1/units/${CENTER.id}/staff`]: { status: 200, body: STAFF },
  ...extra,
});

test('lists the people of the administered unit with phones, roles and state', async () => {
  const calls = serve(wx, routes());
  await page.onLoad({});
  expect(calls[0].query).toEqual({ administered: 'true' });
  expect(page.data.unitId).toBe(CENTER.id);
  expect(page.data.people).toEqual([
    { id: 5, name: '孙老师', phone: '13800138000', active: true, isSelf: false, selfType: 'primary', disabledType: 'danger', grants: [{ id: 21, label: '巡查教师 · 城东第一小学' }] },
    { id: 6, name: '（未填写姓名）', phone: '', active: false, isSelf: false, selfType: 'primary', disabledType: 'danger', grants: [{ id: 22, label: '保安 · 城东第一小学' }] },
    { id: 7, name: '陈校长', phone: '', active: true, isSelf: true, selfType: 'primary', disabledType: 'danger', grants: [{ id: 23, label: '中心校/集团校督导 · 城东中心校' }] },
  ]);
});

test('revoking a role asks first, then deletes the grant and reloads', async () => {
  const calls = serve(wx, routes({ 'DELETE /api/v1/grants/21': { status: 204, body: '' } }));
  await page.onLoad({});
  await page.revoke(tapEvent({ id: 21, label: '巡查教师 · 城东第一小学', name: '孙老师' }));
  await flush();
  expect(wx.showModal.mock.calls[0][0].title).toBe('撤销身份');
  expect(wx.showModal.mock.calls[0][0].content).toContain('孙老师');
  expect(calls.map((c) => c.key)).toContain('DELETE /api/v1/grants/21');
  expect(calls.filter((c) => c.key.endsWith('/staff'))).toHaveLength(2);
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已撤销' }));
});

test('nothing happens when the confirmation is cancelled', async () => {
  const calls = serve(wx, routes());
  await page.onLoad({});
  wx.showModal.mockImplementation(({ success }) => success({ confirm: false, cancel: true }));
  await page.toggleActive(tapEvent({ id: 5, name: '孙老师', active: true }));
  expect(calls.some((c) => c.method === 'POST')).toBe(false);
});

test('disabling an active person and enabling a disabled one', async () => {
  const calls = serve(wx, routes({
    'POST /api/v1/users/5/disable': { status: 200, body: { ...STAFF.staff[0], active: false } },
    'POST /api/v1/users/6/enable': { status: 200, body: { ...STAFF.staff[1], active: true } },
  }));
  await page.onLoad({});
  await page.toggleActive(tapEvent({ id: 5, name: '孙老师', active: true }));
  expect(wx.showModal.mock.calls[0][0].title).toBe('停用账号');
  expect(wx.showModal.mock.calls[0][0].content).toContain('立即退出登录');
  await page.toggleActive(tapEvent({ id: 6, name: '（未填写姓名）', active: false }));
  expect(wx.showModal.mock.calls[1][0].title).toBe('启用账号');
  expect(calls.filter((c) => c.method === 'POST').map((c) => c.key)).toEqual([
    'POST /api/v1/users/5/disable', 'POST /api/v1/users/6/enable',
  ]);
});

test('a refusal from the server is shown in Chinese', async () => {
  serve(wx, routes({ 'POST /api/v1/users/5/disable': apiError(403, 'beyond_your_scope') }));
  await page.onLoad({});
  await page.toggleActive(tapEvent({ id: 5, name: '孙老师', active: true }));
  const shown = wx.showModal.mock.calls[1][0];
  expect(shown.title).toBe('停用账号失败');
  expect(shown.content).toBe('此人还在你管理范围以外的单位任职，请联系上级管理员处理');
});

test('several administered units can be switched', async () => {
  const calls = serve(wx, routes({
    'GET /api/v1/units': { status: 200, body: { units: [CENTER, SCHOOL_A] } },
    [`GET /api/v1/units/${SCHOOL_A.id}/staff`]: { status: 200, body: { staff: [] } },
  }));
  await page.onLoad({ unit_id: String(SCHOOL_A.id) });
  expect(page.data.unitId).toBe(SCHOOL_A.id);
  await page.chooseUnit(tapEvent({ id: CENTER.id }));
  expect(page.data.people).toHaveLength(3);
  expect(calls.filter((c) => c.key.endsWith('/staff')).map((c) => c.path)).toEqual([
    `/api/v1/units/${SCHOOL_A.id}/staff`, `/api/v1/units/${CENTER.id}/staff`,
  ]);
});

test('a list the server refuses shows its message', async () => {
  serve(wx, routes({ [`GET /api/v1/units/${CENTER.id}/staff`]: apiError(403, 'forbidden') }));
  await page.onLoad({});
  expect(page.data).toMatchObject({ listState: 'error', listError: '你没有权限进行这个操作' });
});

test('the latest changes are listed in words', async () => {
  const calls = serve(wx, routes());
  await page.onLoad({});
  expect(calls.find((c) => c.key === 'GET /api/v1/audit').query).toEqual({ unit_id: String(CENTER.id) });
  expect(page.data.audit.map((a) => a.text)).toEqual([
    '陈校长停用了（未填写姓名）的账号',
    '陈校长撤销了孙老师在城东第一小学的“保安”身份',
  ]);
  expect(page.data.audit[0].time).toMatch(/^(\d{4}年)?3月2日 /);
});
