const { installWx, serve, apiError, flush } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');
const { BUREAU, CENTER, SCHOOL_A, KINDER, DIRECT_SCHOOL, UNITS_BELOW, ROLES, CLASSES } = require('../helpers/fixtures');

const INVITATION = {
  id: 11, code: 'AB7KM2QX', role: 'teacher', role_name: '巡查教师', unit: SCHOOL_A, class: null,
  max_uses: 5, uses: 0, expires_at: '2099-01-04T08:00:00Z', revoked: false, qr_text: 'SAFETY-INVITE:AB7KM2QX',
};

let wx;
let page;
let calls;

function routes(extra = {}) {
  return {
    'GET /api/v1/units': (req) => ({ status: 200, body: { units: req.query.parent_id ? (UNITS_BELOW[req.query.parent_id] || []) : [BUREAU] } }),
    'GET /api/v1/roles': { status: 200, body: { roles: ROLES } },
    'GET /api/v1/invitations': { status: 200, body: { invitations: [] } },
    'GET /api/v1/units/3/classes': { status: 200, body: { classes: CLASSES } },
    ...extra,
  };
}

async function open(extra) {
  calls = serve(wx, routes(extra));
  page = loadPage('pages/invite/create', { app: stubApp({}) });
  await page.onLoad();
}

const unitIndex = (id) => page.data.units.findIndex((u) => u.id === id);
const roleIndex = (code) => page.data.roles.findIndex((r) => r.code === code);

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('lists the units in scope as an indented tree, without asking for units below schools', async () => {
  await open();
  expect(page.data.units.map((u) => [u.name, u.depth])).toEqual([
    ['埇桥区教体局', 0], ['城东中心校', 1], ['城东第一小学', 2], ['城东幼儿园', 2], ['区直实验学校', 1],
  ]);
  expect(page.data.units[2].label).toBe('　　城东第一小学');
  const asked = calls.filter((c) => c.key === 'GET /api/v1/units').map((c) => c.query.parent_id);
  expect(asked.sort()).toEqual([undefined, '1', '2'].sort());
});

test('the top level is only the units the user administers, not every unit in view', async () => {
  await open({
    'GET /api/v1/units': (req) => {
      if (req.query.parent_id) return { status: 200, body: { units: UNITS_BELOW[req.query.parent_id] || [] } };
      // A supervisor of the center school who is also a teacher at the direct school.
      return { status: 200, body: { units: req.query.administered === 'true' ? [CENTER] : [CENTER, DIRECT_SCHOOL] } };
    },
  });
  const top = calls.filter((c) => c.key === 'GET /api/v1/units' && !c.query.parent_id);
  expect(top.map((c) => c.query)).toEqual([{ administered: 'true' }]);
  expect(calls.filter((c) => c.query.parent_id).every((c) => c.query.administered === undefined)).toBe(true);
  expect(page.data.units.map((u) => u.name)).toEqual(['城东中心校', '城东第一小学', '城东幼儿园']);
});

test('admin roles are marked, and choosing one says what it allows', async () => {
  await open();
  await page.selectUnit(unitIndex(SCHOOL_A.id));
  expect(page.data.roles.map((r) => r.label)).toEqual(['学校安全负责人（管理员）', '巡查教师', '班主任']);
  await page.selectRole(roleIndex('school_admin'));
  expect(page.data.adminRole).toBe(true);
  await page.selectRole(roleIndex('teacher'));
  expect(page.data.adminRole).toBe(false);
});

test('roles are filtered to the chosen unit kind', async () => {
  await open();
  expect(page.data.roles.map((r) => r.code)).toEqual(['bureau_admin']); // the bureau, selected first
  page.onUnitChange({ detail: { value: String(unitIndex(CENTER.id)) } });
  expect(page.data.roles.map((r) => r.code)).toEqual(['supervisor']);
  page.onUnitChange({ detail: { value: String(unitIndex(KINDER.id)) } });
  expect(page.data.roles.map((r) => r.code)).toEqual(['school_admin', 'teacher', 'class_teacher']);
});

test('a single fitting role is chosen for the user', async () => {
  await open();
  expect(page.data.roleIndex).toBe(0);
  expect(page.data.roles[0].code).toBe('bureau_admin');
});

test('creates an invitation with the right body, shows code and QR, and lists it', async () => {
  await open({
    'POST /api/v1/invitations': { status: 201, body: INVITATION },
    'GET /api/v1/invitations/11/qr.png': { status: 200 },
    'GET /api/v1/invitations': [{ status: 200, body: { invitations: [] } }, { status: 200, body: { invitations: [INVITATION] } }],
  });
  await page.selectUnit(unitIndex(SCHOOL_A.id));
  page.onRoleChange({ detail: { value: String(roleIndex('teacher')) } });
  page.onMaxUsesChange({ detail: 5 });
  page.onValidityChange({ detail: { value: '2' } });
  await page.create();

  const post = calls.find((c) => c.key === 'POST /api/v1/invitations');
  expect(post.data).toEqual({ unit_id: 3, role: 'teacher', max_uses: 5, expires_in_hours: 168 });
  expect(page.data.created).toMatchObject({ id: 11, code: 'AB7KM2QX' });
  expect(page.data.qrPath).toMatch(/^wxfile:/);
  const qr = calls.find((c) => c.key === 'GET /api/v1/invitations/11/qr.png');
  expect(qr.header.Authorization).toBe('Bearer tok');
  expect(page.data.invitations).toEqual([expect.objectContaining({ code: 'AB7KM2QX', statusText: '有效', active: true, role: '巡查教师' })]);
  expect(calls.filter((c) => c.key === 'GET /api/v1/invitations').pop().query).toEqual({ unit_id: '3' });
});

test('defaults: one use, valid 72 hours', async () => {
  await open({ 'POST /api/v1/invitations': { status: 201, body: INVITATION } });
  await page.selectUnit(unitIndex(SCHOOL_A.id));
  page.onRoleChange({ detail: { value: String(roleIndex('school_admin')) } });
  await page.create();
  const post = calls.find((c) => c.key === 'POST /api/v1/invitations');
  expect(post.data).toEqual({ unit_id: 3, role: 'school_admin', max_uses: 1, expires_in_hours: 72 });
});

test('a class teacher needs a class of the school, sent as class_id', async () => {
  await open({ 'POST /api/v1/invitations': { status: 201, body: { ...INVITATION, role: 'class_teacher' } } });
  await page.selectUnit(unitIndex(SCHOOL_A.id));
  await page.selectRole(roleIndex('class_teacher'));
  expect(page.data.needsClass).toBe(true);
  expect(page.data.classes.map((c) => c.name)).toEqual(['一年级1班', '一年级2班']);

  await page.create();
  expect(page.data.formError).toBe('请选择班级');
  expect(calls.some((c) => c.key === 'POST /api/v1/invitations')).toBe(false);

  page.onClassChange({ detail: { value: '1' } });
  await page.create();
  const post = calls.find((c) => c.key === 'POST /api/v1/invitations');
  expect(post.data).toEqual({ unit_id: 3, role: 'class_teacher', class_id: 32, max_uses: 1, expires_in_hours: 72 });
});

test('server errors are shown in Chinese', async () => {
  await open({ 'POST /api/v1/invitations': apiError(403, 'forbidden') });
  await page.selectUnit(unitIndex(DIRECT_SCHOOL.id));
  page.onRoleChange({ detail: { value: String(roleIndex('teacher')) } });
  await page.create();
  expect(page.data.formError).toBe('你没有权限进行这个操作');
  expect(page.data.created).toBeNull();
});

test('copies the code', async () => {
  await open();
  page.setData({ created: { id: 11, code: 'AB7KM2QX' } });
  page.copyCode();
  expect(wx.setClipboardData).toHaveBeenCalledWith({ data: 'AB7KM2QX' });
});

test('lists the unit invitations with their state and revokes after confirmation', async () => {
  const revoked = { ...INVITATION, id: 12, code: 'ZZZZ2222', revoked: true };
  const usedUp = { ...INVITATION, id: 13, code: 'YYYY3333', uses: 5 };
  await open({
    'GET /api/v1/invitations': [
      { status: 200, body: { invitations: [INVITATION, revoked, usedUp] } },
      { status: 200, body: { invitations: [INVITATION, revoked, usedUp] } },
      { status: 200, body: { invitations: [{ ...INVITATION, revoked: true }, revoked, usedUp] } },
    ],
    'DELETE /api/v1/invitations/11': { status: 204 },
  });
  await page.selectUnit(unitIndex(SCHOOL_A.id));
  expect(page.data.invitations.map((i) => [i.code, i.statusText, i.active])).toEqual([
    ['AB7KM2QX', '有效', true], ['ZZZZ2222', '已撤销', false], ['YYYY3333', '已用完', false],
  ]);
  page.revoke(tapEvent({ id: 11, code: 'AB7KM2QX' }));
  await flush();
  await flush();
  expect(wx.showModal.mock.calls[0][0].content).toContain('AB7KM2QX');
  expect(calls.some((c) => c.key === 'DELETE /api/v1/invitations/11')).toBe(true);
  expect(page.data.invitations[0].statusText).toBe('已撤销');
});
