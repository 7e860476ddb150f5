/**
 * 记录督导检查: the visiting unit (units above schools only; a picker over several, each with the
 * schools below it), the checks in Chinese (title, checks, team members, schools), the POST body
 * (暗访 as announced: false, roles null when blank), a 422's details on their fields (a team
 * member's by index), editing with PATCH (no schools), and the page rendered.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const {
  BUREAU, CENTER, SCHOOL_A, UNITS_BELOW, grant,
} = require('../helpers/fixtures');
const { visit } = require('../helpers/supervision');
const { validateVisit, visitErrorsFromApi, emptyForm } = require('../../utils/visits');
const { TOKEN_KEY } = require('../../utils/session');

const STAFF = {
  user: { id: 2, display_name: '王督导' },
  grants: [grant(1, 'bureau_staff', '教育局工作人员', BUREAU), grant(2, 'supervisor', '督导', CENTER), grant(3, 'teacher', '巡查教师', SCHOOL_A)],
  children: [],
  capabilities: ['visit.record'],
};
const UNITS = (req) => ({ status: 200, body: { units: UNITS_BELOW[req.query.parent_id] || [] } });

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

/** The form, loaded. */
async function open(routes = {}, query = {}, me = STAFF) {
  calls = serve(wx, { 'GET /api/v1/units': UNITS, ...routes });
  page = loadPage('pages/supervision/visit-edit', { app: stubApp(me) });
  await page.onLoad(query);
}

/** Fill the form as a supervisor would. */
function fill() {
  page.input(tapEvent({ field: 'title' }, '  秋季消防专项督查 '));
  page.input(tapEvent({ field: 'whatChecked' }, '消防通道、灭火器'));
  page.memberInput(tapEvent({ index: 0, key: 'name' }, '李督导'));
  page.addMember();
  page.memberInput(tapEvent({ index: 1, key: 'name' }, '王警官'));
  page.pickOrganisation(tapEvent({ index: 1, organisation: '公安' }));
  page.memberInput(tapEvent({ index: 1, key: 'role' }, '民警'));
  page.toggleSchool(tapEvent({ id: 5 }));
  page.toggleUnannounced({ detail: true });
}

test('units above schools only; the schools below the one picked; another unit, its schools', async () => {
  await open();
  expect(page.data.state).toBe('');
  expect(page.data.units.map((u) => u.name)).toEqual(['埇桥区教体局', '城东中心校']);
  expect(page.data.schools.map((s) => s.name)).toEqual(['城东第一小学', '城东幼儿园', '区直实验学校']);
  await page.pickUnit({ detail: { value: '1' } });
  expect(page.data.schools.map((s) => s.name)).toEqual(['城东第一小学', '城东幼儿园']);
});

test('checked in Chinese before sending: title, checks, a member without a name, no school', async () => {
  await open({ 'POST /api/v1/visits': { status: 201, body: visit(9) } });
  page.addMember();
  await page.save();
  expect(page.data.errors).toMatchObject({
    title: '标题须为 2-100 个字', whatChecked: '请写明检查了什么（2-2000 个字）', member0: '请填写姓名', member1: '请填写姓名', schools: '请选择被检查的学校',
  });
  expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  page.removeMember(tapEvent({ index: 1 }));
  expect(page.data.form.team).toHaveLength(1);
  expect(page.data.errors.member1).toBeUndefined();
});

test('the POST body: the unit, the date, 暗访, the team with roles, the schools; then the visit', async () => {
  await open({ 'POST /api/v1/visits': { status: 201, body: visit(9) } });
  fill();
  await page.save();
  const post = calls.find((c) => c.method === 'POST');
  expect(post.data).toEqual({
    unit_id: 1,
    visit_date: emptyForm().visitDate,
    title: '秋季消防专项督查',
    announced: false,
    team: [{ name: '李督导', organisation: '教育局', role: null }, { name: '王警官', organisation: '公安', role: '民警' }],
    what_checked: '消防通道、灭火器',
    report: null,
    status: 'planned',
    school_ids: [5],
  });
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/supervision/visit?id=9' });
});

test('a 422: its details on the fields, a member by index; another refusal in a dialog', async () => {
  await open({
    'POST /api/v1/visits': [
      apiError(422, 'validation_error', { title: ['bad'], team: { 1: { name: ['Longer than maximum length 30.'] } }, school_ids: ['An id is listed twice.'] }),
      apiError(404, 'not_found'),
    ],
  });
  fill();
  await page.save();
  expect(page.data.errors).toEqual({
    title: '标题须为 2-100 个字', member1: '姓名、所属单位、职务各最多 30 个字', schools: '请选择 1-50 所学校，且不要重复',
  });
  expect(page.data.saving).toBe(false);
  await page.save();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有保存成功' }));
  expect(visitErrorsFromApi({ code: 'validation_error', details: { team: ['A team has 1 to 20 members.'] } }))
    .toEqual({ team: '检查组须有 1-20 人' });
});

test('editing: the visit in the form, PATCH without unit or schools, then back', async () => {
  await open({
    'GET /api/v1/visits/8': { status: 200, body: visit(8, { report: null }) },
    'PATCH /api/v1/visits/8': { status: 200, body: visit(8) },
  }, { id: '8' });
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '编辑督导检查' });
  expect(page.data.form).toMatchObject({ title: '秋季消防专项督查', announced: true, schoolIds: [3, 4] });
  page.input(tapEvent({ field: 'report' }, '消防通道畅通。'));
  page.pickStatus(tapEvent({ status: 'done' }));
  await page.save();
  const patch = calls.find((c) => c.method === 'PATCH');
  expect(patch.data).toMatchObject({ report: '消防通道畅通。', status: 'done' });
  expect(patch.data.unit_id).toBeUndefined();
  expect(patch.data.school_ids).toBeUndefined();
  expect(wx.navigateBack).toHaveBeenCalled();
});

test('a school\'s teacher: empty (no unit above schools); the visit failing: the error with 重试', async () => {
  await open({}, {}, { ...STAFF, grants: [grant(3, 'teacher', '巡查教师', SCHOOL_A)] });
  expect(page.data.state).toBe('empty');
  await open({ 'GET /api/v1/visits/8': [apiError(404, 'not_found'), { status: 200, body: visit(8) }] }, { id: '8' });
  expect(page.data.state).toBe('error');
  await page.retry();
  expect(page.data.state).toBe('');
});

test('validateVisit: too many members, a long role, a report too long', () => {
  const form = { ...emptyForm(), title: '督查', whatChecked: '消防', schoolIds: [3] };
  const many = Array.from({ length: 21 }, (_, i) => ({ name: `人${i}`, organisation: '公安', role: '' }));
  expect(validateVisit({ ...form, team: many }, 1).errors.team).toBe('检查组最多 20 人');
  expect(validateVisit({ ...form, team: [{ name: '甲', organisation: '公安', role: 'x'.repeat(31) }] }, 1).errors.member0).toBe('职务最多 30 个字');
  expect(validateVisit({ ...form, team: [{ name: '甲', organisation: '公安', role: '' }], report: 'x'.repeat(5001) }, 1).errors.report).toBe('检查报告最多 5000 个字');
  expect(validateVisit({ ...form, team: [{ name: '甲', organisation: '公安', role: '' }] }, 1).ok).toBe(true);
});

test('as rendered: unit picker, organisation chips per member, the schools ticked', async () => {
  serve(wx, { 'GET /api/v1/units': UNITS });
  global.getApp = () => stubApp(STAFF);
  const comp = renderPage('pages/supervision/visit-edit');
  await comp.instance.onLoad({});
  await simulate.sleep(0);
  comp.instance.toggleSchool(tapEvent({ id: 3 }));
  comp.instance.addMember();
  await simulate.sleep(0);
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
  expect(texts('.member-no')).toEqual(['成员 1', '成员 2']);
  expect(texts('.org')).toHaveLength(12);
  expect(texts('.org.chip--on')).toEqual(['教育局', '教育局']);
  expect(texts('.school.chip--on')).toEqual(['✓ 城东第一小学']);
  expect(texts('.save')).toEqual(['保存检查记录']);
  comp.detach();
});
