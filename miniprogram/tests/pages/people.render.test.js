/**
 * The roster, staff, reviews, invite and bind pages in each of their states, as rendered from their
 * WXML: loading, an error whose 重试 reloads, empty, full with their status tags (utils/tone.js),
 * the main action in the bar at the bottom, destructive actions confirmed in the danger colour,
 * and pulling to refresh.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const {
  BUREAU, CENTER, SCHOOL_A, UNITS_BELOW, ROLES, grant,
} = require('../helpers/fixtures');
const { COLORS } = require('../../utils/colors');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let comp;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});
afterEach(() => comp && comp.detach());

const settle = () => simulate.sleep(0);
const keyed = (key) => calls.filter((c) => c.key === key);
const all = (selector) => [...comp.dom.querySelectorAll(selector)];
const texts = (selector) => all(selector).map((node) => node.textContent.trim().replace(/\s+/g, ' '));
const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? node.textContent.trim().replace(/\s+/g, ' ') : null;
};
/** Tap 重试 on the <page-state> with this id. */
const tapRetry = (id = '#state') => comp.querySelector(id).querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
/** The status tags as shown: [text, Vant type]. */
const tags = () => all('.van-tag').map((n) => [n.textContent.trim(), n.dataset.type]);

async function show(pagePath, routes, options, me = { grants: [], children: [] }) {
  calls = serve(wx, routes);
  global.getApp = () => stubApp(me);
  comp = renderPage(pagePath);
  await comp.instance.onLoad(options);
  await settle();
}

async function showLoading(pagePath, options, me = { grants: [], children: [] }) {
  wx.request.mockImplementation(() => {});
  global.getApp = () => stubApp(me);
  comp = renderPage(pagePath);
  comp.instance.onLoad(options);
  await settle();
}

describe('roster', () => {
  const TEACHER = { grants: [grant(8, 'class_teacher', '班主任', SCHOOL_A, { id: 31, name: '一年级1班' })], children: [] };
  const ROSTER = { status: 200, body: { class: { id: 31, name: '一年级1班' }, pupils: [{ id: 1, name: '张小明', guardians: 2, waiting: 0 }, { id: 2, name: '李小红', guardians: 0, waiting: 1 }] } };
  const WAITING = { status: 200, body: { bindings: [{ id: 7, child: { id: 2, name: '李小红' }, relation: 'mother', relation_name: '母亲', parent_name: '李妈妈', status: 'pending' }] } };
  const routes = (extra) => ({ 'GET /api/v1/classes/31/roster': ROSTER, 'GET /api/v1/classes/31/bindings': WAITING, ...extra });

  test("a waiting binding shows the parent's name, or that it is under review", async () => {
    const held = { ...WAITING.body.bindings[0], id: 8, parent_name: null, parent_name_under_review: true };
    await show('pages/roster/index', routes({
      'GET /api/v1/classes/31/bindings': { status: 200, body: { bindings: [WAITING.body.bindings[0], held] } },
    }), undefined, TEACHER);
    expect(texts('.binding-label')).toEqual(['申请人：李妈妈待确认', '申请人姓名审核中待确认']);
  });

  test('loading', async () => {
    await showLoading('pages/roster/index', undefined, TEACHER);
    expect(text('.van-loading')).toBe('正在加载…');
  });

  test('full: the waiting binding tagged 待确认, 拒绝 in danger, the roster', async () => {
    await show('pages/roster/index', routes(), undefined, TEACHER);
    expect(text('.class-name')).toBe('一年级1班');
    expect(texts('.section-title')).toEqual(['待确认的绑定申请（1）', '班级名单（2 人）']);
    expect(text('.binding-label')).toBe('申请人：李妈妈待确认');
    expect(tags()).toEqual([['待确认', 'warning']]);
    expect(comp.querySelector('.reject').data.type).toBe('danger');
    expect(texts('.van-cell__title')).toEqual(['李小红 的母亲', '张小明', '李小红']);
  });

  test('拒绝 asks first in the danger colour', async () => {
    await show('pages/roster/index', routes({ 'POST /api/v1/classes/31/bindings/7/reject': { status: 200, body: {} } }), undefined, TEACHER);
    wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    await comp.instance.decide({ currentTarget: { dataset: { id: 7, verb: 'reject' } } });
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '拒绝绑定', confirmColor: COLORS.danger });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  test('no class: said so', async () => {
    await show('pages/roster/index', {}, undefined, { grants: [], children: [] });
    expect(text('.van-empty')).toBe('你还没有负责的班级');
  });

  test('an error says what happened; 重试 loads again; pulling down reloads', async () => {
    await show('pages/roster/index', routes({ 'GET /api/v1/classes/31/roster': [apiError(403, 'forbidden'), ROSTER] }), undefined, TEACHER);
    expect(text('.van-empty')).toContain('你没有权限进行这个操作');
    tapRetry();
    await settle();
    await settle();
    expect(text('.class-name')).toBe('一年级1班');
    await comp.instance.onPullDownRefresh();
    expect(keyed('GET /api/v1/classes/31/roster')).toHaveLength(3);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('staff', () => {
  const STAFF = {
    staff: [
      { id: 5, display_name: '孙老师', phone: '13800138000', active: true, is_self: false, grants: [grant(21, 'teacher', '巡查教师', SCHOOL_A)] },
      { id: 6, display_name: '吴师傅', phone: null, active: false, is_self: false, grants: [grant(22, 'guard', '保安', SCHOOL_A)] },
      { id: 7, display_name: '陈校长', phone: null, active: true, is_self: true, grants: [grant(23, 'supervisor', '中心校/集团校督导', CENTER)] },
    ],
  };
  const routes = (extra) => ({
    'GET /api/v1/units': { status: 200, body: { units: [CENTER] } },
    'GET /api/v1/audit': { status: 200, body: { records: [] } },
    'GET /api/v1/units/2/staff': { status: 200, body: STAFF },
    ...extra,
  });

  test('loading', async () => {
    await showLoading('pages/staff/index', {});
    expect(text('.van-loading')).toBe('正在加载…');
  });

  test('full: 我 and 已停用 tagged by meaning, 停用 in danger, 邀请成员 in the bar', async () => {
    await show('pages/staff/index', routes(), {});
    expect(texts('.name')).toEqual(['孙老师', '吴师傅', '陈校长']);
    expect(tags()).toEqual([['已停用', 'danger'], ['我', 'primary']]);
    expect(texts('.toggle')).toEqual(['停用', '启用']);
    expect(comp.querySelector('.toggle').data.type).toBe('danger');
    expect(texts('.action-bar .van-button')).toEqual(['邀请成员']);
    comp.instance.openInvite();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/invite/create' });
  });

  test('停用 asks in the danger colour, 启用 in the primary one', async () => {
    await show('pages/staff/index', routes(), {});
    wx.showModal.mockImplementation(({ success }) => success({ confirm: false, cancel: true }));
    await comp.instance.toggleActive({ currentTarget: { dataset: { id: 5, name: '孙老师', active: true } } });
    await comp.instance.toggleActive({ currentTarget: { dataset: { id: 6, name: '吴师傅', active: false } } });
    expect(wx.showModal.mock.calls.map((c) => [c[0].title, c[0].confirmColor])).toEqual([
      ['停用账号', COLORS.danger], ['启用账号', COLORS.primary],
    ]);
  });

  test('empty: nobody yet, and no unit to manage', async () => {
    await show('pages/staff/index', routes({ 'GET /api/v1/units/2/staff': { status: 200, body: { staff: [] } } }), {});
    expect(text('.van-empty')).toBe('还没有人加入，可点下方“邀请成员”生成邀请码');
    comp.detach();
    await show('pages/staff/index', routes({ 'GET /api/v1/units': { status: 200, body: { units: [] } } }), {});
    expect(text('.van-empty')).toBe('你没有可以管理人员的单位');
  });

  test('an error in the list: 重试 loads it again; pulling down too', async () => {
    await show('pages/staff/index', routes({ 'GET /api/v1/units/2/staff': [apiError(403, 'forbidden'), { status: 200, body: STAFF }] }), {});
    expect(text('.van-empty')).toContain('你没有权限进行这个操作');
    expect(comp.dom.querySelector('.action-bar')).toBeNull(); // 重试 is the one primary action then
    tapRetry('#list-state');
    await settle();
    await settle();
    expect(texts('.name')).toHaveLength(3);
    expect(texts('.action-bar .van-button')).toEqual(['邀请成员']);
    await comp.instance.onPullDownRefresh();
    expect(keyed('GET /api/v1/units/2/staff')).toHaveLength(3);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });

  test('the units failing: 重试 loads the page again', async () => {
    await show('pages/staff/index', routes({ 'GET /api/v1/units': [apiError(500, 'internal_error'), { status: 200, body: { units: [CENTER] } }] }), {});
    expect(text('.van-empty')).toContain('服务器出错了，请稍后再试');
    tapRetry();
    await settle();
    await settle();
    expect(texts('.name')).toHaveLength(3);
  });
});

describe('reviews', () => {
  const HELD = {
    reviews: [
      { id: 3, kind: 'text', subject: 'notice', field: 'text', content: '暑期安全', photo_url: null, status: 'review', writer_name: '刘副校长', unit_name: '城东第一小学', created_at: '2026-03-02T01:05:00Z' },
      { id: 4, kind: 'media', subject: 'notice', field: 'attachment', content: null, photo_url: 'https://s3.test/p.jpg', status: 'pending', writer_name: null, unit_name: '城东第一小学', created_at: '2026-03-02T01:06:00Z' },
      { id: 5, kind: 'text', subject: 'hazard', field: 'description', content: '……', photo_url: null, status: 'risky', writer_name: '李老师', unit_name: '城东第一小学', created_at: '2026-03-02T01:07:00Z' },
    ],
  };
  const routes = (extra) => ({
    'GET /api/v1/units': { status: 200, body: { units: [CENTER] } },
    'GET /api/v1/reviews': { status: 200, body: HELD },
    ...extra,
  });

  test('loading', async () => {
    await showLoading('pages/reviews/index', {});
    expect(text('.van-loading')).toBe('正在加载…');
  });

  test('full: each item\'s status tagged by meaning, 驳回 in danger and 通过 plain', async () => {
    await show('pages/reviews/index', routes(), {});
    expect(texts('.what')).toEqual(['通知 · 标题与正文', '通知 · 通知图片', '隐患 · 隐患描述']);
    expect(tags()).toEqual([['待人工审核', 'warning'], ['等待微信审核', 'primary'], ['微信判定不合规', 'danger']]);
    expect(texts('.card-actions .van-button')).toEqual(['驳回', '通过', '驳回', '通过', '驳回', '通过']);
    expect(comp.querySelector('.reject').data.type).toBe('danger');
  });

  test('empty', async () => {
    await show('pages/reviews/index', routes({ 'GET /api/v1/reviews': { status: 200, body: { reviews: [] } } }), {});
    expect(text('.van-empty')).toBe('没有待审核的内容');
  });

  test('an error: 重试 loads again; pulling down reloads', async () => {
    await show('pages/reviews/index', routes({ 'GET /api/v1/reviews': [apiError(403, 'forbidden'), { status: 200, body: HELD }] }), {});
    expect(text('.van-empty')).toContain('你没有权限进行这个操作');
    tapRetry('#list-state');
    await settle();
    await settle();
    expect(texts('.what')).toHaveLength(3);
    await comp.instance.onPullDownRefresh();
    expect(keyed('GET /api/v1/reviews')).toHaveLength(3);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('invite', () => {
  const INVITATION = {
    id: 11, code: 'AB7KM2QX', role: 'teacher', role_name: '巡查教师', unit: SCHOOL_A, class: null,
    max_uses: 5, uses: 1, expires_at: '2099-01-04T08:00:00Z', revoked: false,
  };
  const routes = (extra) => ({
    'GET /api/v1/units': (req) => ({ status: 200, body: { units: req.query.parent_id ? (UNITS_BELOW[req.query.parent_id] || []) : [BUREAU] } }),
    'GET /api/v1/roles': { status: 200, body: { roles: ROLES } },
    'GET /api/v1/invitations': { status: 200, body: { invitations: [INVITATION, { ...INVITATION, id: 12, code: 'ZZZZ2222', revoked: true }, { ...INVITATION, id: 13, code: 'YYYY3333', uses: 5 }, { ...INVITATION, id: 14, code: 'XXXX4444', expires_at: '2020-01-01T00:00:00Z' }] } },
    ...extra,
  });

  test('loading', async () => {
    await showLoading('pages/invite/create');
    expect(text('.van-loading')).toBe('正在加载…');
  });

  test('full: 生成邀请码 in the bar; the invitations tagged by meaning, 撤销 only on the active one', async () => {
    await show('pages/invite/create', routes());
    expect(texts('.action-bar .van-button')).toEqual(['生成邀请码']);
    expect(comp.querySelector('.create').data.type).toBe('primary');
    expect(tags()).toEqual([['有效', 'success'], ['已撤销', 'default'], ['已用完', 'default'], ['已过期', 'default']]);
    expect(texts('.revoke')).toEqual(['撤销']);
  });

  test('生成邀请码 shows the new code on top of the form', async () => {
    await show('pages/invite/create', routes({
      'POST /api/v1/invitations': { status: 201, body: { ...INVITATION, uses: 0 } },
      'GET /api/v1/invitations/11/qr.png': { status: 200 },
    }));
    await comp.instance.create();
    await settle();
    expect(text('.created-code')).toBe('AB7KM2QX');
    expect(comp.dom.querySelector('.created').nextElementSibling.textContent.trim()).toBe('新建邀请');
  });

  test('撤销 asks in the danger colour', async () => {
    await show('pages/invite/create', routes());
    wx.showModal.mockImplementationOnce(() => {});
    comp.instance.revoke({ currentTarget: { dataset: { id: 11, code: 'AB7KM2QX' } } });
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '撤销邀请', confirmColor: COLORS.danger });
  });

  test('empty: no invitation yet, and no unit to manage', async () => {
    await show('pages/invite/create', routes({ 'GET /api/v1/invitations': { status: 200, body: { invitations: [] } } }));
    expect(text('.van-empty')).toBe('还没有邀请');
    comp.detach();
    await show('pages/invite/create', routes({ 'GET /api/v1/units': { status: 200, body: { units: [] } } }));
    expect(text('.van-empty')).toBe('你目前没有可以管理的单位');
    expect(comp.dom.querySelector('.action-bar')).toBeNull();
  });

  test('errors: 重试 on the page and on the list load again; pulling down reloads the list', async () => {
    await show('pages/invite/create', routes({ 'GET /api/v1/roles': [apiError(500, 'internal_error'), { status: 200, body: { roles: ROLES } }] }));
    expect(text('.van-empty')).toContain('服务器出错了，请稍后再试');
    tapRetry();
    await settle();
    await settle();
    expect(texts('.action-bar .van-button')).toEqual(['生成邀请码']);
    comp.detach();
    await show('pages/invite/create', routes({ 'GET /api/v1/invitations': [apiError(403, 'forbidden'), { status: 200, body: { invitations: [INVITATION] } }] }));
    expect(text('.van-empty')).toContain('你没有权限进行这个操作');
    tapRetry('#list-state');
    await settle();
    await settle();
    expect(tags()).toEqual([['有效', 'success']]);
    await comp.instance.onPullDownRefresh();
    expect(keyed('GET /api/v1/invitations')).toHaveLength(3);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('bind', () => {
  const CHILD = {
    id: 5, name: '王小明', relation: 'mother', relation_name: '母亲', status: 'approved', status_name: '已绑定',
    class: { id: 31, name: '一年级1班' }, school: { id: 3, name: '城东第一小学' },
  };
  const PENDING = { ...CHILD, id: 6, name: '王小红', status: 'pending', status_name: '待确认' };
  const LIST = 'GET /api/v1/children';

  test('loading: the form shows, the list loads', async () => {
    await showLoading('pages/children/bind');
    expect(text('.van-loading')).toBe('正在加载…');
    expect(texts('.action-bar .van-button')).toEqual(['提交绑定申请']);
  });

  test('full: the bindings tagged by meaning; 家庭码 for the waiting one; 提交绑定申请 in the bar', async () => {
    await show('pages/children/bind', { [LIST]: { status: 200, body: { children: [CHILD, PENDING] } } });
    expect(texts('.van-cell__title').slice(-2)).toEqual(['王小明（母亲）', '王小红（母亲）']);
    expect(tags()).toEqual([['已绑定', 'success'], ['待确认', 'warning']]);
    expect(texts('.family-code')).toEqual(['家庭码']);
    expect(texts('.unbind')).toEqual(['解除', '撤回']);
    expect(comp.querySelector('.submit').data.type).toBe('primary');
  });

  test("the parent's name: shown first, prefilled, with who sees it, or the error in its place", async () => {
    await show('pages/children/bind', { [LIST]: { status: 200, body: { children: [] } } }, undefined,
      { user: { id: 4, display_name: '王妈妈', name_under_review: false } });
    expect(texts('.section-title')[0]).toBe('你的信息');
    expect(comp.dom.querySelector('.profile .parent-name')).not.toBeNull();
    expect(comp.instance.data.form.parentName).toBe('王妈妈');
    expect(text('.profile .hint')).toBe('家长姓名，老师审核时可见');
    comp.instance.setData({ 'errors.parentName': '请填写姓名' });
    expect(text('.profile .field-error')).toBe('请填写姓名');
    expect(comp.dom.querySelector('.profile .hint')).toBeNull();
  });

  test('解除 asks in the danger colour', async () => {
    await show('pages/children/bind', { [LIST]: { status: 200, body: { children: [CHILD] } } });
    wx.showModal.mockImplementationOnce(() => {});
    comp.instance.unbind({ currentTarget: { dataset: { id: 5, name: '王小明' } } });
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '解除绑定', confirmColor: COLORS.danger });
  });

  test('empty', async () => {
    await show('pages/children/bind', { [LIST]: { status: 200, body: { children: [] } } });
    expect(text('.van-empty')).toBe('还没有绑定孩子');
  });

  test('an error: 重试 loads again; pulling down reloads', async () => {
    await show('pages/children/bind', { [LIST]: [apiError(500, 'internal_error'), { status: 200, body: { children: [PENDING] } }] });
    expect(text('.van-empty')).toContain('服务器出错了，请稍后再试');
    tapRetry('#list-state');
    await settle();
    await settle();
    expect(tags()).toEqual([['待确认', 'warning']]);
    await comp.instance.onPullDownRefresh();
    expect(keyed(LIST)).toHaveLength(3);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});
