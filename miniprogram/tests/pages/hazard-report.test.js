const {
  installWx, serve, apiError, allowSubscribe, flush, POSITION, USER_DATA_PATH,
} = require('../helpers/wx');
const { loadPage, stubApp } = require('../helpers/page');
const {
  SCHOOL_A, DIRECT_SCHOOL, hazard, TEMPLATES,
} = require('../helpers/fixtures');
const { CHOICES } = require('../../utils/report-choices');
// The real campaign: the plain choices are filed under its codes.
const CAMPAIGN = require('../../../server/data/campaigns/2023-qiangjichu.json');
const { TOKEN_KEY } = require('../../utils/session');
const { UUID_PATTERN } = require('../../utils/uuid');

const ONE_SCHOOL = { schools: [{ id: SCHOOL_A.id, name: SCHOOL_A.name }] };
const TWO_SCHOOLS = { schools: [{ id: SCHOOL_A.id, name: SCHOOL_A.name }, { id: DIRECT_SCHOOL.id, name: DIRECT_SCHOOL.name }] };

let wx;
let page;
let calls;

function routes(extra = {}) {
  let photoId = 700;
  return {
    'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN },
    'GET /api/v1/hazards/schools': { status: 200, body: ONE_SCHOOL },
    'GET /api/v1/hazards/nearby': { status: 200, body: { hazards: [] } },
    'POST /api/v1/photos': () => { photoId += 1; return { status: 201, body: { id: photoId }, progress: [50, 100] }; },
    'POST /api/v1/hazards': { status: 201, body: hazard(88, {}, { detail: true }) },
    ...extra,
  };
}

async function open(extra) {
  calls = serve(wx, routes(extra));
  page = loadPage('pages/hazards/report', { app: stubApp({}) });
  await page.onLoad();
  page.onShow();
  await page.uuidReady;
}

const pick = (key) => page.pickChoice({ currentTarget: { dataset: { key } } });

/** Photos, position, a plain choice and description: a complete draft. */
async function fillIn() {
  await page.choosePhotos();
  pick('fire');
  page.onDescriptionChange({ detail: '教学楼二楼东侧灭火器过期' });
}

const keys = () => calls.map((c) => c.key);
const posts = () => calls.filter((c) => c.key === 'POST /api/v1/hazards');

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

afterEach(() => {
  if (page && page.onUnload) page.onUnload();
  jest.useRealTimers();
});

test('photos -> location -> plain choice and place -> nearby dialog -> upload -> POST with client_uuid and gcj02', async () => {
  await open({ 'GET /api/v1/hazards/nearby': { status: 200, body: { hazards: [hazard(12, { distance_m: 8.4 })] } } });
  await page.choosePhotos();
  expect(wx.chooseMedia).toHaveBeenCalledWith(expect.objectContaining({
    count: 9, mediaType: ['image'], sourceType: ['camera', 'album'], sizeType: ['original'],
  }));
  expect(page.data.photos).toEqual(['http://tmp/photo-1.jpg', 'http://tmp/photo-2.jpg']);
  expect(wx.getLocation).toHaveBeenCalledWith(expect.objectContaining({ type: 'gcj02', isHighAccuracy: true }));
  expect(page.data.position).toEqual({ lat: POSITION.latitude, lng: POSITION.longitude, accuracy: 12, coord_system: 'gcj02' });
  expect(page.data.locationText).toBe('已定位，精度约 12 米');

  expect(page.data.choices.map((c) => c.label)).toEqual(CHOICES.map((c) => c.label));
  pick('fire');
  expect(page.data.choiceKey).toBe('fire');
  page.onPlaceChange({ detail: ' 教学楼二楼东侧 ' });
  page.onDescriptionChange({ detail: '  教学楼二楼东侧灭火器过期 ' });
  page.onSeverityChange({ detail: 'major' });
  expect(page.data.schools).toEqual([]); // one school: no picker

  await page.submit();

  const dialog = wx.showModal.mock.calls[0][0];
  expect(dialog).toMatchObject({ title: '附近可能重复的隐患', confirmText: '仍然提交', cancelText: '查看' });
  expect(dialog.content).toContain('#12 消防安全问题2，约 8 米');
  expect(keys().slice(2)).toEqual([
    'GET /api/v1/hazards/nearby', 'POST /api/v1/photos', 'POST /api/v1/photos', 'POST /api/v1/hazards',
  ]);
  expect(calls.find((c) => c.key === 'GET /api/v1/hazards/nearby').query).toEqual({
    focus_problem: 'fire.patrol', lat: String(POSITION.latitude), lng: String(POSITION.longitude), accuracy: '12', coord_system: 'gcj02',
  });
  const uploads = calls.filter((c) => c.key === 'POST /api/v1/photos');
  expect(uploads.map((c) => [c.filePath, c.name])).toEqual([['http://tmp/photo-1.jpg', 'file'], ['http://tmp/photo-2.jpg', 'file']]);
  expect(page.setData.mock.calls.some(([patch]) => patch.progressText === '正在上传照片 2/2')).toBe(true);

  const body = posts()[0].data;
  expect(body).toEqual({
    client_uuid: expect.stringMatching(UUID_PATTERN),
    focus_problem: 'fire.patrol',
    place: '教学楼二楼东侧',
    description: '教学楼二楼东侧灭火器过期',
    severity: 'major',
    lat: POSITION.latitude,
    lng: POSITION.longitude,
    accuracy: 12,
    coord_system: 'gcj02',
    photo_ids: [701, 702],
  });
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/hazards/detail?id=88' });
  expect(page.data.photos).toEqual([]); // a new draft
  expect(page.clientUuid).not.toBe(body.client_uuid);
});

test('"查看" stops before sending and lists the nearby hazards; "仍然提交" then sends without asking again', async () => {
  await open({ 'GET /api/v1/hazards/nearby': { status: 200, body: { hazards: [hazard(12, { distance_m: 20 })] } } });
  await fillIn();
  wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
  await page.submit();
  expect(keys()).not.toContain('POST /api/v1/photos');
  expect(page.data.nearby).toEqual([expect.objectContaining({ id: 12, title: '#12 消防安全问题2' })]);

  await page.submitAnyway();
  expect(keys().filter((k) => k === 'GET /api/v1/hazards/nearby')).toHaveLength(1);
  expect(posts()).toHaveLength(1);
});

test('without nearby hazards no dialog shows; a double tap sends once', async () => {
  await open();
  await fillIn();
  await Promise.all([page.submit(), page.submit()]);
  expect(wx.showModal).not.toHaveBeenCalled();
  expect(posts()).toHaveLength(1);
  expect(page.data.submitting).toBe(false);
});

test('the same client_uuid is sent again after a failure, a new one after success', async () => {
  await open({
    'POST /api/v1/hazards': [
      apiError(422, 'validation_error', { description: ['Length must be between 2 and 1000.'] }),
      { status: 201, body: hazard(90, {}, { detail: true }) },
    ],
  });
  await fillIn();
  await page.submit();
  expect(page.data.formError).toBe('填写的内容有误，请检查后重试');
  expect(page.data.errors.description).toBe('隐患描述应为 2-1000 个字');
  await page.submit();
  const [first, second] = posts().map((c) => c.data.client_uuid);
  expect(second).toBe(first);
  expect(page.clientUuid).not.toBe(first);
});

test('several schools: the picker shows and a school must be chosen', async () => {
  await open({ 'GET /api/v1/hazards/schools': { status: 200, body: TWO_SCHOOLS } });
  expect(page.data.schools.map((s) => s.name)).toEqual([SCHOOL_A.name, DIRECT_SCHOOL.name]);
  await fillIn();
  await page.submit();
  expect(page.data.errors.school).toBe('请选择隐患所在的学校');
  expect(keys()).not.toContain('POST /api/v1/photos');

  page.onSchoolChange({ detail: { value: '1' } });
  await page.submit();
  expect(posts()[0].data.school_id).toBe(DIRECT_SCHOOL.id);
});

test('school_required from the server reloads the schools and asks for one', async () => {
  await open({
    'GET /api/v1/hazards/schools': [{ status: 200, body: ONE_SCHOOL }, { status: 200, body: TWO_SCHOOLS }],
    'POST /api/v1/hazards': apiError(422, 'school_required', { school_id: ['Required.'] }),
  });
  await fillIn();
  await page.submit();
  expect(page.data.schools).toHaveLength(2);
  expect(page.data.errors.school).toBe('请选择隐患所在的学校');
});

test('a refused location explains, offers the settings, and locates again once allowed', async () => {
  await open();
  wx.getLocation.mockImplementationOnce(({ fail }) => fail({ errMsg: 'getLocation:fail auth deny' }));
  wx.openSetting.mockImplementation(({ success }) => success({ authSetting: { 'scope.userLocation': true } }));
  await page.choosePhotos();
  const ask = wx.showModal.mock.calls[0][0];
  expect(ask).toMatchObject({ title: '需要位置信息', confirmText: '去设置' });
  expect(wx.openSetting).toHaveBeenCalledTimes(1);
  expect(wx.getLocation).toHaveBeenCalledTimes(2);
  expect(page.data.position).toMatchObject({ coord_system: 'gcj02' });
  expect(page.data.locationError).toBe('');
});

test('a refusal kept: the reason shows with a settings button, and nothing is sent', async () => {
  await open();
  wx.getLocation.mockImplementation(({ fail }) => fail({ errMsg: 'getLocation:fail auth deny' }));
  wx.showModal.mockImplementation(({ success }) => success({ confirm: false, cancel: true }));
  await page.choosePhotos();
  expect(page.data.position).toBeNull();
  expect(page.data.locationDenied).toBe(true);
  expect(page.data.locationError).toContain('请在设置中允许“位置信息”');

  pick('utilities');
  page.onDescriptionChange({ detail: '灭火器过期' });
  await page.submit();
  expect(page.data.errors.position).toBe('还没有获取到隐患的位置');
  expect(keys()).not.toContain('POST /api/v1/hazards');

  await page.openSetting();
  expect(wx.openSetting).toHaveBeenCalled();
});

test('offline: the report goes to the outbox with its client_uuid and copied photos', async () => {
  await open();
  await fillIn();
  const uuid = page.clientUuid;
  wx.setOnline(false);
  await page.submit();

  expect(keys()).not.toContain('POST /api/v1/photos');
  const [entry] = wx.storage.get('hazard_outbox');
  expect(entry).toMatchObject({ clientUuid: uuid, title: '消防器材、通道', report: { focus_problem: 'fire.patrol', coord_system: 'gcj02' } });
  entry.photos.forEach((p) => expect(p.startsWith(`${USER_DATA_PATH}/`)).toBe(true));
  expect(wx.showModal.mock.calls[0][0].title).toBe('已保存到待发送');
  expect(page.data.outboxCount).toBe(1);
  expect(page.data.photos).toEqual([]);
  expect(page.clientUuid).not.toBe(uuid);

  wx.setOnline(true);
  await page.flushOutbox();
  expect(posts().map((c) => c.data.client_uuid)).toEqual([uuid]);
  expect(page.data.outboxCount).toBe(0);
});

test('a network failure while sending saves to the outbox; the outbox resends the same client_uuid', async () => {
  let posted = 0;
  await open({
    'POST /api/v1/hazards': () => {
      posted += 1;
      return posted <= 3 ? { network: true } : { status: 200, body: hazard(88, {}, { detail: true }) };
    },
  });
  await fillIn();
  const uuid = page.clientUuid;
  jest.useFakeTimers();
  const sending = page.submit();
  await jest.runAllTimersAsync();
  await sending;
  jest.useRealTimers();

  expect(wx.storage.get('hazard_outbox').map((e) => e.clientUuid)).toEqual([uuid]);
  expect(page.data.outboxCount).toBe(1);
  await page.flushOutbox();
  expect(posts().map((c) => c.data.client_uuid)).toEqual([uuid, uuid, uuid, uuid]);
  expect(page.data.outboxCount).toBe(0);
});

test('photos: at most 9, deleted one by one, previewed', async () => {
  await open();
  wx.chooseMedia.mockImplementation(({ count, success }) => success({
    tempFiles: Array.from({ length: count }, (v, i) => ({ tempFilePath: `http://tmp/x${i}.jpg` })),
  }));
  await page.choosePhotos();
  expect(page.data.photos).toHaveLength(9);
  await page.choosePhotos();
  expect(wx.chooseMedia).toHaveBeenCalledTimes(1); // nothing more to add
  page.removePhoto({ currentTarget: { dataset: { index: 0 } } });
  expect(page.data.photos).toHaveLength(8);
  expect(page.data.photos[0]).toBe('http://tmp/x1.jpg');
  page.previewPhoto({ currentTarget: { dataset: { url: 'http://tmp/x1.jpg' } } });
  expect(wx.previewImage).toHaveBeenCalledWith({ current: 'http://tmp/x1.jpg', urls: page.data.photos });
});

test('"不确定" sends no focus_problem and skips the nearby check', async () => {
  await open();
  await page.choosePhotos();
  pick('unsure');
  page.onDescriptionChange({ detail: '楼梯扶手松动' });
  await page.submit();
  expect(keys()).not.toContain('GET /api/v1/hazards/nearby');
  expect(posts()[0].data).not.toHaveProperty('focus_problem');
  expect(posts()[0].data).not.toHaveProperty('place');
});

test('a choice must be picked; "隐患分类说明" opens the campaign', async () => {
  await open();
  await page.choosePhotos();
  page.onDescriptionChange({ detail: '楼梯扶手松动' });
  await page.submit();
  expect(page.data.errors.focus).toBe('请选择隐患属于哪一类（拿不准就选“不确定”）');
  expect(posts()).toHaveLength(0);
  page.openCampaign();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/campaign/index' });
});

test('only choices the campaign has are offered (and "不确定" always)', async () => {
  const narrow = { ...CAMPAIGN, areas: CAMPAIGN.areas.filter((a) => a.code === 'fire') };
  await open({ 'GET /api/v1/campaigns/active': { status: 200, body: narrow } });
  expect(page.data.choices.map((c) => c.key)).toEqual(['fire', 'utilities', 'unsure']);
});

test('no active campaign: the form still opens with every choice', async () => {
  await open({ 'GET /api/v1/campaigns/active': apiError(404, 'no_active_campaign') });
  expect(page.data.choices).toHaveLength(CHOICES.length);
  expect(page.data.savedAt).toBe('');
});

describe('offline, from what the phone keeps', () => {
  test('the form opens from the saved campaign and schools, with the stale banner', async () => {
    const narrow = { ...CAMPAIGN, areas: CAMPAIGN.areas.filter((a) => a.code === 'fire') };
    wx.storage.set('offline_cache:campaign', { value: narrow, savedAt: 1700000000000 });
    wx.storage.set('offline_cache:schools', { value: TWO_SCHOOLS, savedAt: 1700000001000 });
    calls = serve(wx, {}); // every call fails: no network
    wx.request.mockImplementation(({ fail }) => Promise.resolve().then(() => fail({ errMsg: 'request:fail' })));
    page = loadPage('pages/hazards/report', { app: stubApp({}) });
    jest.useFakeTimers();
    const loading = page.onLoad();
    // At once, before any answer:
    expect(page.data.choices.map((c) => c.key)).toEqual(['fire', 'utilities', 'unsure']);
    expect(page.data.schools.map((s) => s.name)).toEqual([SCHOOL_A.name, DIRECT_SCHOOL.name]);
    await jest.runAllTimersAsync();
    await loading;
    jest.useRealTimers();
    expect(page.data.savedAt).toBe(1700000000000);
    expect(page.data.choices.map((c) => c.key)).toEqual(['fire', 'utilities', 'unsure']);
  });

  test('a school picked from the saved list stays picked when the fresh list arrives', async () => {
    wx.storage.set('offline_cache:schools', { value: TWO_SCHOOLS, savedAt: 1700000001000 });
    calls = serve(wx, routes({ 'GET /api/v1/hazards/schools': { status: 200, body: { schools: [...TWO_SCHOOLS.schools].reverse() } } }));
    page = loadPage('pages/hazards/report', { app: stubApp({}) });
    const loading = page.onLoad();
    page.onSchoolChange({ detail: { value: '1' } }); // 区直实验学校, before the answer
    await loading;
    expect(page.data.schools[page.data.schoolIndex].name).toBe(DIRECT_SCHOOL.name);
    expect(page.data.schoolIndex).toBe(0);
    expect(page.data.savedAt).toBe('');
  });

  test('nothing saved and no network: every choice, no school picker, and the report still queues', async () => {
    wx.setOnline(false);
    wx.request.mockImplementation(({ fail }) => Promise.resolve().then(() => fail({ errMsg: 'request:fail' })));
    page = loadPage('pages/hazards/report', { app: stubApp({}) });
    jest.useFakeTimers();
    const loading = page.onLoad();
    await jest.runAllTimersAsync();
    await loading;
    jest.useRealTimers();
    await page.uuidReady;
    expect(page.data.choices).toHaveLength(CHOICES.length);
    expect(page.data.schools).toEqual([]);
    await page.choosePhotos();
    pick('water');
    page.onDescriptionChange({ detail: '池塘边护栏倒了' });
    await page.submit();
    expect(wx.storage.get('hazard_outbox')[0].report).toMatchObject({ focus_problem: 'drowning.water_management' });
  });
});

describe('asking for the reporter\'s pushes on submit', () => {
  const withTemplates = (extra) => ({
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'POST /api/v1/subscriptions': { status: 200, body: TEMPLATES },
    ...extra,
  });
  const subscriptionReports = () => calls.filter((c) => c.key === 'POST /api/v1/subscriptions');

  test('the submit tap asks for the report\'s outcome and task reminders right away, reports the grants, and sends the report', async () => {
    allowSubscribe(wx, 'accept');
    await open(withTemplates());
    await flush();
    await fillIn();
    const tapped = page.submit();
    // hazard_assigned does not apply to this reporter: not asked.
    expect(wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['tpl-verified', 'tpl-task'] }));
    await tapped;
    expect(subscriptionReports()[0].data).toEqual({ results: { 'tpl-verified': 'accept', 'tpl-task': 'accept' } });
    expect(posts()).toHaveLength(1);
  });

  test('a refusal does not stop the report', async () => {
    allowSubscribe(wx, 'reject');
    await open(withTemplates());
    await flush();
    await fillIn();
    await page.submit();
    expect(subscriptionReports()[0].data).toEqual({ results: { 'tpl-verified': 'reject', 'tpl-task': 'reject' } });
    expect(posts()).toHaveLength(1);
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/hazards/detail?id=88' });
  });

  test('the grant report failing does not stop the report either', async () => {
    allowSubscribe(wx, 'accept');
    await open(withTemplates({ 'POST /api/v1/subscriptions': apiError(500, 'internal_error') }));
    await flush();
    await fillIn();
    await page.submit();
    expect(subscriptionReports()).toHaveLength(1);
    expect(posts()).toHaveLength(1);
  });

  test('an old WeChat without the API: nothing asked, the report goes', async () => {
    await open(withTemplates());
    await fillIn();
    await page.submit();
    expect(keys()).not.toContain('GET /api/v1/subscriptions/templates');
    expect(posts()).toHaveLength(1);
  });

  test('asked once per draft: "仍然提交" after "查看" does not ask again', async () => {
    allowSubscribe(wx, 'accept');
    await open(withTemplates({ 'GET /api/v1/hazards/nearby': { status: 200, body: { hazards: [hazard(12, { distance_m: 20 })] } } }));
    await flush();
    await fillIn();
    wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    await page.submit();
    await page.submitAnyway();
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(posts()).toHaveLength(1);
  });
});

test('a report asks for the photos as taken (their EXIF capture time flags an old photo); other photos stay compressed', async () => {
  await open();
  await page.choosePhotos();
  expect(wx.chooseMedia.mock.calls[0][0].sizeType).toEqual(['original']);
  const { choosePhotos } = require('../../utils/photos');
  await choosePhotos({ count: 1 });
  expect(wx.chooseMedia.mock.calls[1][0].sizeType).toEqual(['compressed']);
});
