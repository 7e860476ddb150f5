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

function fillIn(overrides = {}) {
  const values = {
    responsiblePerson: '张明（后勤主任）', measures: '更换过期灭火器 4 具', funds: '1200.50', contingency: '更换前安排专人值守', ...overrides,
  };
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

test('sends the five fields (funds as typed) and the position when there is one', async () => {
  await open();
  fillIn();
  await page.submit();
  expect(posts()[0].data).toEqual({
    responsible_person: '张明（后勤主任）',
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

test.each([
  ['responsiblePerson', '', '请填写整改责任人'],
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
  ['responsiblePerson', 'measures', 'funds', 'contingency'].forEach((f) => type(f, f === 'funds' ? '0' : '填写内容'));
  await page.submit();
  expect(page.data.errors).toEqual({ deadline: '请选择整改期限' });
});

test('the server 422 details show under the fields', async () => {
  await open({
    'POST /api/v1/hazards/5/plan': apiError(422, 'validation_error', { deadline: ['Must be today or later.'], responsible_user_id: ['Not staff.'] }),
  });
  fillIn();
  await page.submit();
  expect(page.data.errors).toEqual({ deadline: '整改期限不能早于今天', responsiblePerson: '整改责任人须是本校的工作人员' });
  expect(page.data.formError).toBe('填写的内容有误，请检查后重试');
  expect(wx.navigateBack).not.toHaveBeenCalled();
});

test('a plan being revised is prefilled; a passed deadline must be chosen again', async () => {
  await open({}, {
    responsible_person: '张明', responsible_user_id: null, deadline: '2000-01-01', measures: '更换', funds_yuan: '80.00', contingency: '值守',
  });
  expect(page.data.form).toEqual({
    responsiblePerson: '张明', responsibleUserId: null, deadline: '', measures: '更换', funds: '80.00', contingency: '值守',
  });
  expect(page.data.choiceIndex).toBe(0);
});

const pick = (index) => page.onChoiceChange({ detail: { value: String(index) } });

test('the school\'s staff are offered by name and roles, after "not picked"', async () => {
  await open();
  expect(calls.map((c) => c.key)).toContain('GET /api/v1/hazards/5/responsible-candidates');
  expect(page.data.choices.map((c) => c.label)).toEqual([
    '不从名单选择（直接填写）', '刘副校长 · 学校安全负责人', '吴师傅 · 保安、水域巡查员', '（未填姓名） · 巡查教师',
  ]);
  expect(page.data.choiceIndex).toBe(0);
  expect(page.data.choicesNote).toBe('');
  const wxml = fs.readFileSync(path.join(ROOT, 'pages/hazards/plan.wxml'), 'utf8');
  expect(wxml).toMatch(/<picker wx:if="\{\{choices.length\}\}" mode="selector" range="\{\{choices\}\}" range-key="label"/);
});

test('a pick fills in the name and posts responsible_user_id with it; the name stays editable', async () => {
  await open();
  fillIn();
  pick(2);
  expect(page.data.form.responsiblePerson).toBe('吴师傅');
  await page.submit();
  expect(posts()[0].data).toMatchObject({ responsible_user_id: 22, responsible_person: '吴师傅' });

  type('responsiblePerson', '保卫科 吴师傅');
  await page.submit();
  expect(posts()[1].data).toMatchObject({ responsible_user_id: 22, responsible_person: '保卫科 吴师傅' });
});

test('picking someone without a name keeps the typed name; "not picked" drops the id', async () => {
  await open();
  fillIn();
  pick(3);
  expect(page.data.form).toMatchObject({ responsiblePerson: '张明（后勤主任）', responsibleUserId: 23 });
  pick(0);
  await page.submit();
  expect(posts()[0].data.responsible_user_id).toBeUndefined();
  expect(posts()[0].data.responsible_person).toBe('张明（后勤主任）');
});

test('a plan being revised has its responsible person chosen, and sends them again', async () => {
  await open({}, {
    responsible_person: '后勤主任 吴师傅', responsible_user_id: 22, deadline: '2999-01-01', measures: '更换灭火器', funds_yuan: '80.00', contingency: '专人值守',
  });
  expect(page.data.choiceIndex).toBe(2);
  expect(page.data.form.responsiblePerson).toBe('后勤主任 吴师傅');
  await page.submit();
  expect(posts()[0].data).toMatchObject({ responsible_user_id: 22, responsible_person: '后勤主任 吴师傅' });
});

test('a revised plan naming someone no longer listed keeps them as a choice', async () => {
  await open({}, {
    responsible_person: '王强', responsible_user_id: 99, deadline: '2999-01-01', measures: '更换灭火器', funds_yuan: '80.00', contingency: '专人值守',
  });
  expect(page.data.choices[page.data.choiceIndex]).toEqual({ id: 99, name: '王强', label: '王强 · 当前责任人' });
});

test('when the staff cannot be loaded, the name is typed (with a note) and the plan still goes', async () => {
  await open({ 'GET /api/v1/hazards/5/responsible-candidates': apiError(500, 'internal_error') });
  expect(page.data.state).toBe('');
  expect(page.data.choices).toEqual([]);
  expect(page.data.choicesNote).toBe('未能载入本校人员名单，请直接填写责任人姓名和职务。');
  fillIn();
  await page.submit();
  expect(posts()[0].data.responsible_person).toBe('张明（后勤主任）');
  expect(posts()[0].data.responsible_user_id).toBeUndefined();
});
