const { installWx, serve, apiError, flush } = require('../helpers/wx');
const fs = require('fs');
const path = require('path');
const { ROOT, loadPage, stubApp, tapEvent } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');

const CHILD = {
  id: 5, name: '王小明', relation: 'mother', relation_name: '母亲', status: 'approved', status_name: '已绑定',
  class: { id: 31, name: '一年级1班' }, school: { id: 3, name: '城东第一小学' },
};
const PENDING = { ...CHILD, id: 6, status: 'pending', status_name: '待确认' };
const ROW = { ...CHILD, pending: false, statusTag: 'success' };
let wx;
let app;
let page;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  app = stubApp({});
  page = loadPage('pages/children/bind', { app });
});

const type = (field, value) => page.onFieldChange({ currentTarget: { dataset: { field } }, detail: value });
/** The parent types (or picks from WeChat's keyboard) their name in the nickname input. */
const typeName = (value) => page.onNameInput({ detail: { value } });
/** The class code, child's name and relation of a valid form. */
function fillChild(relation = 'father') {
  type('classCode', 'K7M2QX');
  type('childName', '王小明');
  type('relation', relation);
}

describe("the parent's own name", () => {
  const LIST = { 'GET /api/v1/children': { status: 200, body: { children: [] } } };

  test('is prefilled with the name they have and sent with the request', async () => {
    app = stubApp({ user: { id: 4, display_name: '王妈妈', name_under_review: false } });
    page = loadPage('pages/children/bind', { app });
    const calls = serve(wx, { ...LIST, 'POST /api/v1/children': { status: 201, body: PENDING } });
    await page.onLoad();
    expect(page.data.form.parentName).toBe('王妈妈');
    expect(page.data.nameUnderReview).toBe(false);
    fillChild('mother');
    await page.submit();
    const sent = calls.find((c) => c.key === 'POST /api/v1/children');
    expect(sent.data).toEqual({ class_code: 'K7M2QX', child_name: '王小明', relation: 'mother', display_name: '王妈妈' });
    expect(page.data.form.parentName).toBe('王妈妈'); // kept for the next child
  });

  test("is WeChat's nickname input, its review handled, as on pages/join", () => {
    const wxml = fs.readFileSync(path.join(ROOT, 'pages/children/bind.wxml'), 'utf8');
    const input = wxml.match(/<input[^>]*class="input parent-name"[^>]*\/>/);
    expect(input).not.toBeNull();
    expect(input[0]).toContain('type="nickname"');
    expect(input[0]).toContain('value="{{form.parentName}}"');
    expect(input[0]).toContain('bindnicknamereview="onNameReview"');
  });

  test('a name held for review is prefilled and flagged', async () => {
    app = stubApp({ user: { id: 4, display_name: '王妈妈', name_under_review: true } });
    page = loadPage('pages/children/bind', { app });
    serve(wx, LIST);
    await page.onLoad();
    expect(page.data).toMatchObject({ form: { parentName: '王妈妈' }, nameUnderReview: true });
  });

  test('is required from a parent without one, before anything is sent', async () => {
    app = stubApp({ user: { id: 4, display_name: null } });
    page = loadPage('pages/children/bind', { app });
    serve(wx, LIST);
    await page.onLoad();
    expect(page.data.form.parentName).toBe('');
    fillChild();
    wx.request.mockClear();
    await page.submit();
    expect(wx.request).not.toHaveBeenCalled();
    expect(page.data.errors).toEqual({ parentName: '请填写姓名' });
    typeName(' 王爸爸 ');
    expect(page.data.errors.parentName).toBe('');
  });

  test("the server's refusals of the name show under the name field", async () => {
    typeName('王爸爸');
    fillChild();
    serve(wx, { 'POST /api/v1/children': apiError(422, 'content_risky', { display_name: ['Refused by WeChat.'] }) });
    await page.submit();
    expect(page.data.errors).toEqual({ parentName: '这个名字未通过微信内容审核，请换一个' });
    serve(wx, { 'POST /api/v1/children': apiError(422, 'name_required', { display_name: ['Required.'] }) });
    await page.submit();
    expect(page.data.errors).toEqual({ parentName: '请先填写你的姓名' });
    expect(wx.showModal).not.toHaveBeenCalled();
  });

  test("a name WeChat's nickname review refuses is cleared", () => {
    typeName('某某');
    page.onNameReview({ detail: { pass: false } });
    expect(page.data.form.parentName).toBe('');
    expect(page.data.errors.parentName).toBe('这个名字未通过微信审核，请换一个');
  });
});

test('lists my children on load', async () => {
  serve(wx, { 'GET /api/v1/children': { status: 200, body: { children: [CHILD] } } });
  await page.onLoad();
  expect(page.data.children).toEqual([ROW]);
});

test('a waiting binding shows as pending and takes a family code', async () => {
  const calls = serve(wx, {
    'GET /api/v1/children': { status: 200, body: { children: [PENDING] } },
    'POST /api/v1/children/6/family-code': { status: 200, body: { ...PENDING, status: 'approved' } },
  });
  await page.onLoad();
  expect(page.data.children[0]).toMatchObject({ pending: true, statusTag: 'warning', status_name: '待确认' });
  wx.showModal.mockImplementation((opts) => opts.success({ confirm: true, content: ' ab3 dkq ' }));
  await page.enterFamilyCode(tapEvent({ id: 6 }));
  const sent = calls.find((c) => c.key === 'POST /api/v1/children/6/family-code');
  expect(sent.data).toEqual({ family_code: 'AB3DKQ' });
  expect(app.getMe).toHaveBeenCalledWith({ refresh: true });
});

test('a bind that waits for the teacher says so; a family code goes along when given', async () => {
  const calls = serve(wx, {
    'POST /api/v1/children': { status: 201, body: PENDING },
    'GET /api/v1/children': { status: 200, body: { children: [PENDING] } },
  });
  typeName('王妈妈');
  type('classCode', 'K7M2QX');
  type('childName', '王小明');
  type('relation', 'mother');
  type('familyCode', 'ab3dkq');
  await page.submit();
  expect(calls[0].data).toEqual({
    class_code: 'K7M2QX', child_name: '王小明', relation: 'mother', display_name: '王妈妈', family_code: 'AB3DKQ',
  });
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '已提交' }));
});

test('a name not on the roster and too many attempts are explained in Chinese', async () => {
  serve(wx, { 'POST /api/v1/children': apiError(422, 'child_not_on_roster') });
  typeName('王爸爸');
  fillChild();
  await page.submit();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '班级名单上没有这个姓名，请向班主任核对孩子的姓名' }));
  serve(wx, { 'POST /api/v1/children': apiError(429, 'too_many_attempts') });
  await page.submit();
  expect(wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '输错次数太多，请 10 分钟后再试' }));
});

test('validates the form before calling the server', async () => {
  serve(wx, {});
  type('classCode', 'k7m');
  type('childName', '王');
  await page.submit();
  expect(wx.request).not.toHaveBeenCalled();
  expect(page.data.errors).toEqual({
    classCode: '班级码应为 6 位字母或数字',
    childName: '姓名应为 2-20 个字',
    relation: '请选择你与孩子的关系',
    parentName: '请填写姓名',
  });
});

test('sends the cleaned form, resets it, reloads the list and refreshes /me', async () => {
  const calls = serve(wx, {
    'POST /api/v1/children': { status: 201, body: CHILD },
    'GET /api/v1/children': { status: 200, body: { children: [CHILD] } },
  });
  typeName(' 王妈妈 ');
  type('classCode', ' k7m 2qx');
  type('childName', ' 王小明 ');
  type('relation', 'mother');
  await page.submit();

  expect(calls[0].key).toBe('POST /api/v1/children');
  expect(calls[0].data).toEqual({ class_code: 'K7M2QX', child_name: '王小明', relation: 'mother', display_name: '王妈妈' });
  expect(calls[1].key).toBe('GET /api/v1/children');
  expect(page.data.children).toEqual([ROW]);
  expect(page.data.form).toEqual({ parentName: '王妈妈', classCode: '', childName: '', relation: '', familyCode: '' });
  expect(app.getMe).toHaveBeenCalledWith({ refresh: true });
});

test('a server error is shown in Chinese and the form is kept', async () => {
  serve(wx, { 'POST /api/v1/children': apiError(404, 'class_not_found') });
  typeName('王爸爸');
  fillChild();
  await page.submit();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '班级码不存在，请向班主任核对' }));
  expect(page.data.form.classCode).toBe('K7M2QX');
  expect(page.data.submitting).toBe(false);
});

test('a server validation error about the name is shown under the name field', async () => {
  serve(wx, { 'POST /api/v1/children': apiError(422, 'validation_error', { child_name: ['A name has letters, characters and · only.'] }) });
  typeName('王爸爸');
  type('classCode', 'K7M2QX');
  type('childName', '王小明!');
  type('relation', 'father');
  await page.submit();
  expect(page.data.errors).toEqual({ childName: '姓名只能包含文字和“·”，2-20 个字' });
  expect(wx.showModal).not.toHaveBeenCalled();
});

test('unbinding asks first, then deletes and reloads', async () => {
  const calls = serve(wx, {
    'DELETE /api/v1/children/5': { status: 204 },
    'GET /api/v1/children': { status: 200, body: { children: [] } },
  });
  page.unbind(tapEvent({ id: 5, name: '王小明' }));
  await flush();
  await flush();
  expect(wx.showModal.mock.calls[0][0].content).toContain('王小明');
  expect(calls.map((c) => c.key)).toEqual(['DELETE /api/v1/children/5', 'GET /api/v1/children']);
  expect(page.data.children).toEqual([]);
});

test('cancelling the confirmation deletes nothing', async () => {
  serve(wx, {});
  wx.showModal.mockImplementation(({ success }) => success({ confirm: false, cancel: true }));
  page.unbind(tapEvent({ id: 5, name: '王小明' }));
  await flush();
  expect(wx.request).not.toHaveBeenCalled();
});
