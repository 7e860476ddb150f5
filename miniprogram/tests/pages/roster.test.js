const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');

const SCHOOL = { id: 3, name: '符离中心小学', kind: 'school' };
const TEACHER = { grants: [{ id: 8, role: 'class_teacher', unit: SCHOOL, class: { id: 31, name: '一年级1班' } }] };
const OFFICER = { grants: [{ id: 9, role: 'school_admin', unit: SCHOOL, class: null }] };
const ROSTER = {
  status: 200,
  body: {
    class: { id: 31, name: '一年级1班' },
    pupils: [{ id: 1, name: '张小明', guardians: 2, waiting: 0 }, { id: 2, name: '李小红', guardians: 0, waiting: 1 }],
  },
};
const WAITING = {
  status: 200,
  body: {
    bindings: [{
      id: 7, child: { id: 2, name: '李小红' }, relation: 'mother', relation_name: '母亲', parent_name: '李妈妈', status: 'pending',
    }],
  },
};

let wx;
let calls;

function open(me, routes = {}) {
  calls = serve(wx, {
    'GET /api/v1/classes/31/roster': ROSTER,
    'GET /api/v1/classes/31/bindings': WAITING,
    ...routes,
  });
  const page = loadPage('pages/roster/index', { app: stubApp(me) });
  return page;
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test("a class teacher sees their class's roster and waiting bindings", async () => {
  const page = open(TEACHER);
  await page.onLoad();
  expect(page.data.className).toBe('一年级1班');
  expect(page.data.pupils.map((p) => [p.name, p.label])).toEqual([
    ['张小明', '已绑定 2 位家长'],
    ['李小红', '已绑定 0 位家长，1 位待确认'],
  ]);
  expect(page.data.bindings).toEqual([{
    id: 7, title: '李小红 的母亲', label: '申请人：李妈妈', statusText: '待确认', statusType: 'warning',
  }]);
});

test("each waiting binding names the parent; a held name says so; only old records have none", async () => {
  const base = WAITING.body.bindings[0];
  const page = open(TEACHER, {
    'GET /api/v1/classes/31/bindings': {
      status: 200,
      body: {
        bindings: [
          { ...base, parent_name_under_review: false },
          { ...base, id: 8, relation: 'father', relation_name: '父亲', parent_name: null, parent_name_under_review: true },
          { ...base, id: 9, parent_name: null, parent_name_under_review: false },
        ],
      },
    },
  });
  await page.onLoad();
  expect(page.data.bindings.map((b) => [b.title, b.label])).toEqual([
    ['李小红 的母亲', '申请人：李妈妈'],
    ['李小红 的父亲', '申请人姓名审核中'],
    ['李小红 的母亲', '申请人未填写姓名'],
  ]);
});

test("the school's safety officer picks among the classes where they see class codes", async () => {
  const page = open(OFFICER, {
    'GET /api/v1/units/3/classes': {
      status: 200,
      body: { classes: [{ id: 31, name: '一年级1班', class_code: 'K7M2QX' }, { id: 32, name: '一年级2班', class_code: 'P3Q4RS' }] },
    },
    'GET /api/v1/classes/32/roster': { status: 200, body: { class: { id: 32, name: '一年级2班' }, pupils: [] } },
    'GET /api/v1/classes/32/bindings': { status: 200, body: { bindings: [] } },
  });
  await page.onLoad();
  expect(page.data.classes).toEqual([{ id: 31, name: '一年级1班' }, { id: 32, name: '一年级2班' }]);
  await page.onClassChange({ detail: { value: '1' } });
  expect(page.data.className).toBe('一年级2班');
  expect(page.data.pupils).toEqual([]);
});

test('approving calls the server and reloads; a binding decided by a colleague is explained', async () => {
  const page = open(TEACHER, {
    'POST /api/v1/classes/31/bindings/7/approve': apiError(409, 'already_decided'),
  });
  await page.onLoad();
  await page.decide(tapEvent({ id: 7, verb: 'approve' }));
  expect(calls.some((c) => c.key === 'POST /api/v1/classes/31/bindings/7/approve')).toBe(true);
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '这条绑定申请已经处理过了' }));
  expect(calls.filter((c) => c.key === 'GET /api/v1/classes/31/roster').length).toBe(2);
});

test('rejecting asks first', async () => {
  const page = open(TEACHER, { 'POST /api/v1/classes/31/bindings/7/reject': { status: 200, body: {} } });
  await page.onLoad();
  wx.showModal.mockImplementation((opts) => opts.success({ confirm: false }));
  await page.decide(tapEvent({ id: 7, verb: 'reject' }));
  expect(calls.some((c) => c.key === 'POST /api/v1/classes/31/bindings/7/reject')).toBe(false);
});

test('adding a pupil sends the trimmed name; a family code is shown once', async () => {
  const page = open(TEACHER, {
    'POST /api/v1/classes/31/roster': { status: 201, body: { id: 3, name: '王小刚', guardians: 0, waiting: 0 } },
    'POST /api/v1/classes/31/roster/2/family-code': { status: 201, body: { code: 'AB3DKQ', child: { id: 2, name: '李小红' } } },
  });
  await page.onLoad();
  page.onNameChange({ detail: ' 王小刚 ' });
  await page.addPupil();
  expect(calls.find((c) => c.key === 'POST /api/v1/classes/31/roster').data).toEqual({ name: '王小刚' });
  expect(page.data.newName).toBe('');
  wx.showActionSheet.mockImplementation(({ success }) => success({ tapIndex: 0 }));
  await page.pupilActions(tapEvent({ id: 2, name: '李小红' }));
  expect(wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '李小红的家庭码', content: expect.stringContaining('AB3DKQ') }));
});

test('removing a pupil asks, then deletes', async () => {
  const page = open(TEACHER, { 'DELETE /api/v1/classes/31/roster/2': { status: 204, body: null } });
  await page.onLoad();
  wx.showActionSheet.mockImplementation(({ success }) => success({ tapIndex: 2 }));
  wx.showModal.mockImplementation((opts) => opts.success({ confirm: true }));
  await page.pupilActions(tapEvent({ id: 2, name: '李小红' }));
  expect(calls.some((c) => c.key === 'DELETE /api/v1/classes/31/roster/2')).toBe(true);
});

test('someone without a class is told so', async () => {
  const page = open({ grants: [] });
  await page.onLoad();
  expect(page.data.state).toBe('empty');
});
