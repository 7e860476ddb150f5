const { installWx } = require('../helpers/wx');
const codes = require('../../utils/codes');
const { validateBindForm } = require('../../utils/children');
const { flattenUnitTree, isSchool, unitChoices } = require('../../utils/units');
const { invitationStatus, buildInvitationBody, rolesForUnit } = require('../../utils/invitations');
const { formatDate, formatDateTime, grantLabel } = require('../../utils/format');
const { tilesFor, TILES } = require('../../utils/tiles');
const config = require('../../config');
const { messageFor } = require('../../api/messages');
const { BUREAU, CENTER, SCHOOL_A, KINDER, DIRECT_SCHOOL, UNITS_BELOW, ROLES } = require('../helpers/fixtures');

describe('codes', () => {
  test.each([
    ['SAFETY-INVITE:AB7KM2QX', 'AB7KM2QX'],
    ['safety-invite:ab7km2qx', 'AB7KM2QX'],
    [' ab7k m2qx\n', 'AB7KM2QX'],
    ['AB7KM2QX', 'AB7KM2QX'],
  ])('normalizeInviteCode(%j) -> %s', (input, expected) => {
    expect(codes.normalizeInviteCode(input)).toBe(expected);
  });

  test('problems are reported in Chinese', () => {
    expect(codes.inviteCodeProblem('AB7KM2QX')).toBe('');
    expect(codes.inviteCodeProblem('AB7KM2Q')).toBe('邀请码应为 8 位字母或数字');
    expect(codes.inviteCodeProblem('AB7KM2Q!')).toBe('邀请码应为 8 位字母或数字');
    expect(codes.classCodeProblem('K7M2QX')).toBe('');
    expect(codes.classCodeProblem('')).toBe('请输入班级码');
  });
});

describe('validateBindForm', () => {
  const valid = { parentName: ' 王妈妈 ', classCode: 'k7m2qx', childName: '王小明', relation: 'guardian' };

  test('a valid form gives the request body', () => {
    expect(validateBindForm(valid)).toEqual({
      ok: true,
      errors: {},
      body: { class_code: 'K7M2QX', child_name: '王小明', relation: 'guardian', display_name: '王妈妈' },
    });
  });

  test("the parent's own name is required, at most 20 characters", () => {
    expect(validateBindForm({ ...valid, parentName: '  ' }).errors).toEqual({ parentName: '请填写姓名' });
    expect(validateBindForm({ ...valid, parentName: '王'.repeat(21) }).errors.parentName).toBe('姓名最多 20 个字');
  });

  test('names are 2-20 characters, counted as people count them', () => {
    expect(validateBindForm({ ...valid, childName: '阿依古丽·买买提' }).ok).toBe(true);
    expect(validateBindForm({ ...valid, childName: '𠀋𠀋' }).ok).toBe(true); // two characters outside the BMP
    expect(validateBindForm({ ...valid, childName: '王' }).errors.childName).toBe('姓名应为 2-20 个字');
    expect(validateBindForm({ ...valid, childName: '王'.repeat(21) }).errors.childName).toBe('姓名应为 2-20 个字');
    expect(validateBindForm({ ...valid, childName: '   ' }).errors.childName).toBe('请输入孩子的姓名');
  });

  test('the relation must be one of the three', () => {
    expect(validateBindForm({ ...valid, relation: 'uncle' }).errors.relation).toBe('请选择你与孩子的关系');
  });
});

describe('unitChoices', () => {
  test('the wanted unit when it is offered, else the first, else none', () => {
    const units = [{ id: 3, name: '东城小学', kind: 'school' }, { id: 4, name: '西城小学', kind: 'school' }];
    expect(unitChoices(units, 4)).toEqual({ units: [{ id: 3, name: '东城小学' }, { id: 4, name: '西城小学' }], chosen: { id: 4, name: '西城小学' } });
    expect(unitChoices(units, 99).chosen).toEqual({ id: 3, name: '东城小学' });
    expect(unitChoices([], null)).toEqual({ units: [], chosen: null });
  });
});

describe('flattenUnitTree', () => {
  test('orders units depth-first with their depth and never fetches below a school', async () => {
    const fetchChildren = jest.fn((id) => Promise.resolve(UNITS_BELOW[id] || []));
    const flat = await flattenUnitTree([BUREAU], fetchChildren);
    expect(flat.map((u) => `${u.depth}:${u.name}`)).toEqual([
      `0:${BUREAU.name}`, `1:${CENTER.name}`, `2:${SCHOOL_A.name}`, `2:${KINDER.name}`, `1:${DIRECT_SCHOOL.name}`,
    ]);
    expect(fetchChildren.mock.calls.map((c) => c[0])).toEqual([1, 2]);
  });

  test('a school admin gets just the school, with no request', async () => {
    const fetchChildren = jest.fn();
    const flat = await flattenUnitTree([SCHOOL_A], fetchChildren);
    expect(flat).toEqual([{ ...SCHOOL_A, depth: 0, label: SCHOOL_A.name }]);
    expect(fetchChildren).not.toHaveBeenCalled();
  });

  test('schools and kindergartens are schools', () => {
    expect([BUREAU, CENTER, SCHOOL_A, KINDER].map(isSchool)).toEqual([false, false, true, true]);
  });
});

describe('invitations', () => {
  const now = Date.parse('2024-05-01T00:00:00Z');
  const inv = { revoked: false, expires_at: '2024-05-02T00:00:00Z', uses: 0, max_uses: 1 };

  test('status', () => {
    expect(invitationStatus(inv, now)).toEqual({ status: 'active', text: '有效', active: true });
    expect(invitationStatus({ ...inv, expires_at: '2024-04-30T00:00:00Z' }, now)).toMatchObject({ status: 'expired', text: '已过期' });
    expect(invitationStatus({ ...inv, uses: 1 }, now)).toMatchObject({ status: 'used', text: '已用完' });
    expect(invitationStatus({ ...inv, revoked: true }, now)).toMatchObject({ status: 'revoked', text: '已撤销' });
  });

  test('the body refuses a role that does not fit the unit, and bad max uses', () => {
    const bureauAdmin = ROLES[0];
    const teacher = ROLES[3];
    expect(buildInvitationBody({ unit: SCHOOL_A, role: bureauAdmin, maxUses: 1, hours: 72 }).error)
      .toBe('城东第一小学不能设置“安全办管理员”');
    expect(buildInvitationBody({ unit: SCHOOL_A, role: teacher, maxUses: 501, hours: 72 }).error)
      .toBe('可使用人数应为 1-500');
    expect(buildInvitationBody({ unit: SCHOOL_A, role: teacher, maxUses: 0, hours: 72 }).error)
      .toBe('可使用人数应为 1-500');
    expect(buildInvitationBody({ unit: null, role: teacher, maxUses: 1 }).error).toBe('请选择单位');
    expect(buildInvitationBody({ unit: SCHOOL_A, role: undefined, maxUses: 1 }).error).toBe('请选择身份');
    expect(buildInvitationBody({ unit: SCHOOL_A, role: teacher, maxUses: '500', hours: 24 }).body)
      .toEqual({ unit_id: 3, role: 'teacher', max_uses: 500, expires_in_hours: 24 });
  });

  test('rolesForUnit keeps the roles allowed at the unit kind', () => {
    expect(rolesForUnit(ROLES, DIRECT_SCHOOL).map((r) => r.code)).toEqual(['school_admin', 'teacher', 'class_teacher']);
    expect(rolesForUnit(ROLES, null)).toEqual([]);
  });
});

describe('display helpers', () => {
  test('formatDate and grantLabel', () => {
    expect(formatDate('2023-04-01')).toBe('2023年4月1日');
    const now = new Date(2026, 10, 29, 12, 0);
    expect(formatDate('2026-04-01', now)).toBe('4月1日'); // this year: no year
    expect(formatDate('2027-01-02', now)).toBe('2027年1月2日');
    expect(formatDateTime(new Date(2026, 2, 2, 9, 5).toISOString(), now)).toBe('3月2日 09:05');
    expect(formatDateTime(new Date(2025, 11, 31, 23, 59).toISOString(), now)).toBe('2025年12月31日 23:59');
    expect(grantLabel({ role_name: '班主任', unit: { name: '城关小学' }, class: { name: '三年级2班' } }))
      .toBe('班主任 · 城关小学 三年级2班');
    expect(formatDate('')).toBe('');
    expect(grantLabel({ role_name: '保安', unit: { name: '城东第一小学' }, class: null })).toBe('保安 · 城东第一小学');
  });

  test('every tile has a title, an icon and a page of the app; join only for someone new', () => {
    const pages = require('../../app.json').pages.map((p) => `/${p}`);
    TILES.forEach((tile) => {
      expect(pages).toContain(tile.url.split('?')[0]);
      expect(tile.title).toMatch(/[\u4e00-\u9fa5]/);
      expect(tile.icon).toBeTruthy();
    });
    expect(tilesFor([], undefined, {}, { newUser: true }).map((t) => t.title)).toEqual(['加入单位']);
    expect(tilesFor(undefined).map((t) => t.title)).toEqual([]);
  });

  test('messageFor falls back to the generic text with the status', () => {
    expect(messageFor('token_expired', 401)).toBe('登录已过期，请关闭小程序后重新打开');
    expect(messageFor('something_new', 409)).toBe('操作失败，请稍后再试（409）');
    expect(messageFor('', 0)).toBe('操作失败，请稍后再试');
  });
});

describe('config', () => {
  test('the API address follows the running version', () => {
    const wx = installWx();
    expect(config.apiBaseUrl).toBe('http://127.0.0.1:5000');
    wx.getAccountInfoSync.mockReturnValue({ miniProgram: { envVersion: 'trial' } });
    expect(config.apiBaseUrl).toBe(config.API_BASE_URLS.trial);
    wx.getAccountInfoSync.mockReturnValue({ miniProgram: { envVersion: 'release' } });
    expect(config.apiBaseUrl).toBe(config.API_BASE_URLS.release);
    expect(config.API_BASE_URLS.release).toMatch(/^https:\/\//);
  });

  test('falls back to the development address where WeChat cannot tell', () => {
    const wx = installWx();
    wx.getAccountInfoSync.mockImplementation(() => { throw new Error('not supported'); });
    expect(config.envVersion()).toBe('develop');
    delete wx.getAccountInfoSync;
    expect(config.apiBaseUrl).toBe('http://127.0.0.1:5000');
  });
});
