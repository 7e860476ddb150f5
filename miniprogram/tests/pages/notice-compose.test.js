const { installWx, serve, apiError, flush } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const {
  BUREAU, SCHOOL_A, UNITS_BELOW, CLASSES, grant, notice,
} = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let page;
let calls;

const keyed = (key) => calls.filter((c) => c.key === key);
const PREVIEW = { parents: 12, children: 10, classes: 2, pairs: 13 };
const me = (grants) => ({ user: { id: 1 }, grants, children: [], capabilities: ['notice.write'] });
const BUREAU_ADMIN = [grant(1, 'bureau_admin', '安全办管理员', BUREAU), grant(2, 'inspector', '督查专家', BUREAU)];

function routes(extra = {}) {
  let photoId = 800;
  return {
    'GET /api/v1/units': (req) => ({ status: 200, body: { units: UNITS_BELOW[req.query.parent_id] || [] } }),
    'GET /api/v1/units/3/classes': { status: 200, body: { classes: CLASSES } },
    'POST /api/v1/photos': () => { photoId += 1; return { status: 201, body: { id: photoId } }; },
    'POST /api/v1/notices': { status: 201, body: notice(21, { sent_at: null }) },
    'GET /api/v1/notices/21/preview': { status: 200, body: PREVIEW },
    'POST /api/v1/notices/21/send': { status: 200, body: { notice: notice(21), reached: 13 } },
    ...extra,
  };
}

async function open(extra, grants = BUREAU_ADMIN) {
  calls = serve(wx, routes(extra));
  page = loadPage('pages/notices/compose', { app: stubApp(me(grants)) });
  await page.onLoad();
}

function write(title = '防溺水安全致家长的一封信', body = '暑期将至，请加强对孩子的安全教育。') {
  page.onTitleChange({ detail: title });
  page.onBodyChange({ detail: body });
}

const answerModal = (...answers) => answers.forEach((confirm) => {
  wx.showModal.mockImplementationOnce(({ success }) => success({ confirm, cancel: !confirm }));
});

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('the issuing units are the user\'s notice-writing units', async () => {
  await open({}, [...BUREAU_ADMIN, grant(3, 'school_admin', '学校安全负责人', SCHOOL_A), grant(4, 'teacher', '巡查教师', SCHOOL_A)]);
  expect(page.data.issuers.map((u) => u.name)).toEqual(['埇桥区教体局', '城东第一小学']);
  await open({}, [grant(4, 'teacher', '巡查教师', SCHOOL_A)]);
  expect(page.data.issuers).toEqual([]);
});

test('the whole issuing unit: preview shown before sending, then sent once and the completion opens', async () => {
  await open();
  write();
  await page.submit();
  expect(keyed('POST /api/v1/notices')[0].data).toEqual({
    unit_id: 1, title: '防溺水安全致家长的一封信', body: '暑期将至，请加强对孩子的安全教育。', unit_ids: [1], class_ids: [],
  });
  const dialog = wx.showModal.mock.calls[0][0];
  expect(dialog).toMatchObject({ title: '确认发送', confirmText: '发送' });
  expect(dialog.content).toContain('将发送给 12 位家长（10 名学生）');
  expect(calls.map((c) => c.key)).toEqual(['POST /api/v1/notices', 'GET /api/v1/notices/21/preview', 'POST /api/v1/notices/21/send']);
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/notices/completion?id=21&unit_id=1' });
});

test('picked targets: a sub-unit, and a school\'s class found by opening the levels', async () => {
  await open();
  await page.onScopeChange({ detail: 'pick' });
  expect(keyed('GET /api/v1/units')[0].query).toEqual({ parent_id: '1' });
  expect(page.data.rows.map((r) => r.name)).toEqual(['城东中心校', '区直实验学校']);

  page.toggleTarget(tapEvent({ key: 'u:5' })); // 区直实验学校, the whole school
  await page.openTargetUnit(tapEvent({ key: 'u:2' })); // into 城东中心校
  expect(page.data.rows.map((r) => r.name)).toEqual(['城东第一小学', '城东幼儿园']);
  await page.openTargetUnit(tapEvent({ key: 'u:3' })); // a school: its classes
  expect(page.data.rows.map((r) => [r.key, r.name])).toEqual([['c:31', '一年级1班'], ['c:32', '一年级2班']]);
  page.toggleTarget(tapEvent({ key: 'c:32' }));
  page.toggleTarget(tapEvent({ key: 'c:31' }));
  page.toggleTarget(tapEvent({ key: 'c:31' })); // off again
  expect(page.data.selected.map((s) => s.name)).toEqual(['区直实验学校', '一年级2班']);
  expect(page.data.trail.map((t) => t.name)).toEqual(['埇桥区教体局', '城东中心校', '城东第一小学']);

  await page.upLevel();
  await page.upLevel();
  expect(page.data.rows.find((r) => r.key === 'u:5').checked).toBe(true); // the choice shows on return

  write();
  await page.submit();
  expect(keyed('POST /api/v1/notices')[0].data).toMatchObject({ unit_id: 1, unit_ids: [5], class_ids: [32] });
});

test('without a target, title or text nothing is sent', async () => {
  await open();
  await page.onScopeChange({ detail: 'pick' });
  write('防', '');
  await page.submit();
  expect(page.data.errors).toEqual({ targets: '请选择通知发送的范围', title: '标题应为 2-60 个字', body: '请输入通知内容' });
  expect(keyed('POST /api/v1/notices')).toEqual([]);
});

test('a double tap sends once', async () => {
  await open();
  write();
  await Promise.all([page.submit(), page.submit()]);
  expect(keyed('POST /api/v1/notices')).toHaveLength(1);
  expect(keyed('POST /api/v1/notices/21/send')).toHaveLength(1);
});

test('cancelled at the preview: nothing is sent; sending later reuses the saved notice', async () => {
  await open();
  write();
  answerModal(false);
  await page.submit();
  expect(keyed('POST /api/v1/notices/21/send')).toEqual([]);
  expect(wx.redirectTo).not.toHaveBeenCalled();

  await page.submit();
  expect(keyed('POST /api/v1/notices')).toHaveLength(1);
  expect(keyed('POST /api/v1/notices/21/send')).toHaveLength(1);
});

test('a preview reaching no parent is not sent', async () => {
  await open({ 'GET /api/v1/notices/21/preview': { status: 200, body: { parents: 0, children: 0, classes: 0, pairs: 0 } } });
  write();
  await page.submit();
  expect(wx.showModal.mock.calls[0][0].title).toBe('没有家长可以收到');
  expect(keyed('POST /api/v1/notices/21/send')).toEqual([]);
});

test('the image is uploaded first and attached', async () => {
  await open();
  await page.chooseAttachment();
  expect(page.data.attachment).toBe('http://tmp/photo-1.jpg');
  write();
  await page.submit();
  expect(keyed('POST /api/v1/photos')).toHaveLength(1);
  expect(keyed('POST /api/v1/notices')[0].data.attachment_photo_id).toBe(801);
});

test('already sent (another tap elsewhere): says so and opens the completion', async () => {
  await open({ 'POST /api/v1/notices/21/send': apiError(409, 'already_sent') });
  write();
  await page.submit();
  expect(wx.showToast).toHaveBeenCalledWith({ title: '这份通知已经发送过了', icon: 'none' });
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/notices/completion?id=21&unit_id=1' });
});

test('held by the content check: says it goes out once released and opens the issued list', async () => {
  await open({ 'POST /api/v1/notices/21/send': apiError(409, 'content_held') });
  write();
  await page.submit();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({
    title: '通知审核中', content: '内容正在审核中，审核通过后将自动发送',
  }));
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/notices/issued' });
});

test('risky text is refused with a clear message and nothing is sent', async () => {
  await open({ 'POST /api/v1/notices': apiError(422, 'content_risky') });
  write();
  await page.submit();
  expect(page.data.formError).toBe('内容含有违反微信内容安全规定的信息，请修改后重新提交');
});

test('server validation errors show on the form', async () => {
  await open({ 'POST /api/v1/notices': apiError(422, 'validation_error', { class_ids: ['99 is not within 埇桥区教体局'] }) });
  write();
  await page.submit();
  expect(page.data.errors.targets).toBe('所选班级不在发布单位之内，请重新选择');
  expect(page.data.formError).toBe('填写的内容有误，请检查后重试');
  expect(page.data.sending).toBe(false);
});

test('已发布的通知 opens the issued list', async () => {
  await open();
  page.openIssued();
  await flush();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/issued' });
});
