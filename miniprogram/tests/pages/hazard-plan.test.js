const fs = require('fs');
const path = require('path');
const { installWx, serve, apiError, POSITION } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent, ROOT } = require('../helpers/page');
const { hazard } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');
const { todayString } = require('../../utils/plan-form');

let wx;
let page;
let calls;

// The school's staff as GET .../responsible-candidates answers (names and roles, no phones).
const PEOPLE = [
  { id: 21, display_name: '刘副校长', roles: ['学校安全负责人'] },
  { id: 22, display_name: '吴师傅', roles: ['保安', '水域巡查员'] },
  { id: 23, display_name: null, roles: ['巡查教师'] },
];

async function open(extra = {}, plan) {
  calls = serve(wx, {
    'GET /api/v1/hazards/5': { status: 200, body: hazard(5, plan ? { plan } : {}, { detail: true }) },
    'GET /api/v1/hazards/5/responsible-candidates': { status: 200, body: { people: PEOPLE } },
    'POST /api/v1/hazards/5/plan': { status: 200, body: hazard(5, { status: 'planned' }, { detail: true }) },
    ...extra,
  });
  page = loadPage('pages/hazards/plan', { app: stubApp({}) });
  await page.onLoad({ id: '5' });
}

const type = (field, value) => page.onFieldChange({ ...tapEvent({ field }), detail: value });

const pick = (index) => page.onChoiceChange({ detail: { value: String(index) } });

function fillIn(overrides = {}) {
  if (!('pick' in overrides)) pick(1);
  const values = {
    measures: '更换过期灭火器 4 具', funds: '1200.50', contingency: '更换前安排专人值守', ...overrides,
  };
  delete values.pick;
  delete values.deadline;
  Object.keys(values).forEach((field) => type(field, values[field]));
  page.onDeadlineChange({ detail: { value: overrides.deadline || todayString() } });
}

const posts = () => calls.filter((c) => c.key === 'POST /api/v1/hazards/5/plan');

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('the date picker starts today, so no past date can be picked', async () => {
  await open();
  expect(page.data.today).toBe(todayString());
  const wxml = fs.readFileSync(path.join(ROOT, 'pages/hazards/plan.wxml'), 'utf8');
  expect(wxml).toMatch(/<picker mode="date" start="\{\{today\}\}"/);
});

test('sends the five fields (the picked person by id, funds as typed) and the position', async () => {
  await open();
  fillIn();
  await page.submit();
  expect(posts()[0].data).toEqual({
    responsible_user_id: 22,
    deadline: todayString(),
    measures: '更换过期灭火器 4 具',
    funds_yuan: '1200.50',
    contingency: '更换前安排专人值守',
    position: { lat: POSITION.latitude, lng: POSITION.longitude, accuracy: 12, coord_system: 'gcj02' },
  });
  expect(wx.navigateBack).toHaveBeenCalled();
});

test('without a position the plan is still sent', async () => {
  await open();
  wx.getLocation.mockImplementation(({ fail }) => fail({ errMsg: 'getLocation:fail auth deny' }));
  fillIn();
  await page.submit();
  expect(posts()[0].data.position).toBeUndefined();
  expect(posts()[0].data.funds_yuan).toBe('1200.50');
});

test('nobody picked is refused before calling', async () => {
  await open();
  fillIn({ pick: null });
  await page.submit();
  expect(page.data.errors).toEqual({ responsibleUserId: '请从本校人员中选择整改责任人' });
  expect(posts()).toEqual([]);
});

test.each([
  ['measures', '', '请填写整改措施'],
  ['contingency', '', '请填写应急预案'],
  ['funds', '', '请填写整改资金（没有可填 0）'],
  ['funds', '-1', '整改资金不能为负数'],
  ['funds', '1.234', '整改资金应为金额，最多两位小数'],
])('%s = %j is refused before calling: %s', async (field, value, message) => {
  await open();
  fillIn({ [field]: value });
  await page.submit();
  expect(page.data.errors[field]).toBe(message);
  expect(posts()).toEqual([]);
});

test('a past deadline is refused even if the picker were bypassed', async () => {
  await open();
  fillIn({ deadline: '2000-01-01' });
  await page.submit();
  expect(page.data.errors.deadline).toBe('整改期限不能早于今天');
  expect(posts()).toEqual([]);
});

test('a missing deadline is asked for', async () => {
  await open();
  pick(0);
  ['measures', 'funds', 'contingency'].forEach((f) => type(f, f === 'funds' ? '0' : '填写内容'));
  await page.submit();
  expect(page.data.errors).toEqual({ deadline: '请选择整改期限' });
});

test('the server 422 details show under the fields', async () => {
  await open({
    'POST /api/v1/hazards/5/plan': apiError(422, 'validation_error', { deadline: ['Must be today or later.'], responsible_user_id: ['Not staff.'] }),
  });
  fillIn();
  await page.submit();
  expect(page.data.errors).toEqual({ deadline: '整改期限不能早于今天', responsibleUserId: '整改责任人须是本校在岗人员，请重新选择' });
  expect(page.data.formError).toBe('填写的内容有误，请检查后重试');
  expect(wx.navigateBack).not.toHaveBeenCalled();
});

test('a plan being revised is prefilled; a passed deadline must be chosen again', async () => {
  await open({}, {
    responsible_person: '刘副校长', responsible_user_id: 21, deadline: '2000-01-01', measures: '更换', funds_yuan: '80.00', contingency: '值守',
  });
  expect(page.data.form).toEqual({
    responsiblePerson: '刘副校长', responsibleUserId: 21, deadline: '', measures: '更换', funds: '80.00', contingency: '值守',
  });
  expect(page.data.choiceIndex).toBe(0);
  expect(page.data.typedBefore).toBe('');
});

test('the school\'s staff are offered by name and roles; nobody is picked at first', async () => {
  await open();
  expect(calls.map((c) => c.key)).toContain('GET /api/v1/hazards/5/responsible-candidates');
  expect(page.data.choices.map((c) => c.label)).toEqual([
    '刘副校长 · 学校安全负责人', '吴师傅 · 保安、水域巡查员', '（未填姓名） · 巡查教师',
  ]);
  expect(page.data.choiceIndex).toBe(-1);
  expect(page.data.form.responsibleUserId).toBeNull();
});

test('the page has no typed name: only the picker names the responsible person', () => {
  const wxml = fs.readFileSync(path.join(ROOT, 'pages/hazards/plan.wxml'), 'utf8');
  expect(wxml).not.toMatch(/responsiblePerson/);
  expect(wxml).toMatch(/<picker mode="selector" range="\{\{choices\}\}" range-key="label"/);
  expect(wxml.match(/<van-field/g)).toHaveLength(3); // funds, measures, contingency
});

test('a pick (even of someone without a name) posts their id and no typed name', async () => {
  await open();
  fillIn({ pick: null });
  pick(2);
  expect(page.data.form).toMatchObject({ responsibleUserId: 23, responsiblePerson: '' });
  await page.submit();
  expect(posts()[0].data.responsible_user_id).toBe(23);
  expect(posts()[0].data).not.toHaveProperty('responsible_person');
});

test('a plan being revised has its responsible person chosen, and sends them again', async () => {
  await open({}, {
    responsible_person: '吴师傅', responsible_user_id: 22, deadline: '2999-01-01', measures: '更换灭火器', funds_yuan: '80.00', contingency: '专人值守',
  });
  expect(page.data.choiceIndex).toBe(1);
  await page.submit();
  expect(posts()[0].data).toMatchObject({ responsible_user_id: 22 });
});

test.each([
  ['someone no longer listed', 99],
  ['an old plan with only a typed name', null],
])('revising %s: picked again, the old name shown in a hint', async (_what, id) => {
  await open({}, {
    responsible_person: '后勤主任 王强', responsible_user_id: id, deadline: '2999-01-01', measures: '更换灭火器', funds_yuan: '80.00', contingency: '专人值守',
  });
  expect(page.data.choiceIndex).toBe(-1);
  expect(page.data.form.responsibleUserId).toBeNull();
  expect(page.data.typedBefore).toBe('后勤主任 王强');
  await page.submit();
  expect(page.data.errors.responsibleUserId).toBe('请从本校人员中选择整改责任人');
  expect(posts()).toEqual([]);
});

test('when the staff cannot be loaded the page shows the error, and 重试 loads both again', async () => {
  await open({ 'GET /api/v1/hazards/5/responsible-candidates': apiError(500, 'internal_error') });
  expect(page.data.state).toBe('error');
  calls.length = 0;
  await page.retry();
  expect(calls.map((c) => c.key)).toEqual(expect.arrayContaining([
    'GET /api/v1/hazards/5', 'GET /api/v1/hazards/5/responsible-candidates',
  ]));
});

test('a school without staff yet: an empty state sends the admin to invite them first', async () => {
  await open({ 'GET /api/v1/hazards/5/responsible-candidates': { status: 200, body: { people: [] } } });
  expect(page.data.state).toBe('empty');
  const wxml = fs.readFileSync(path.join(ROOT, 'pages/hazards/plan.wxml'), 'utf8');
  expect(wxml).toMatch(/empty-text="本校还没有可选的整改责任人。请先邀请本校教职工加入/);
  page.inviteStaff();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/invite/create' });
});
