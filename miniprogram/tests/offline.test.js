/**
 * The offline cold start, end to end: a patrol teacher who logged in once opens the app with no
 * signal, sees their first screen from what the phone kept, reports a hazard with photos, and sees
 * it sent when the signal returns.
 */
const path = require('path');
const { installWx, serve, USER_DATA_PATH } = require('./helpers/wx');
const { ROOT, loadPage } = require('./helpers/page');
const { renderPage } = require('./helpers/render');
const { SCHOOL_A, DIRECT_SCHOOL, grant, hazard } = require('./helpers/fixtures');
const { TOKEN_KEY } = require('../utils/session');
const CAMPAIGN = require('../../server/data/campaigns/2023-qiangjichu.json');

const TEACHER = {
  user: { id: 5, display_name: '李老师' },
  grants: [grant(9, 'teacher', '巡查教师', SCHOOL_A)],
  children: [],
  capabilities: ['child.bind', 'campaign.view', 'inbox.view', 'notice.read', 'unit.view', 'hazard.report', 'hazard.view', 'photo.upload'],
};
const SCHOOLS = { schools: [{ id: SCHOOL_A.id, name: SCHOOL_A.name }, { id: DIRECT_SCHOOL.id, name: DIRECT_SCHOOL.name }] };
const SAVED_AT = new Date(2026, 10, 28, 17, 5).getTime();

let wx;
let down;
let calls;
let comp;

function routes() {
  let photoId = 300;
  const up = (answer) => (req) => (down ? { network: true } : (typeof answer === 'function' ? answer(req) : answer));
  return {
    'POST /api/v1/auth/login': up({ status: 200, body: { token: 'first', expires_at: '', user: TEACHER.user } }),
    'GET /api/v1/me': up({ status: 200, body: TEACHER }),
    'GET /api/v1/campaigns/active': up({ status: 200, body: CAMPAIGN }),
    'GET /api/v1/hazards/schools': up({ status: 200, body: SCHOOLS }),
    'GET /api/v1/todo': up({ status: 200, body: { hazards: {}, notices: { count: 0, items: [] }, total: 0 } }),
    'GET /api/v1/inbox/unread-count': up({ status: 200, body: { unread_count: 0 } }),
    'POST /api/v1/photos': up(() => { photoId += 1; return { status: 201, body: { id: photoId } }; }),
    'POST /api/v1/hazards': up({ status: 201, body: hazard(501) }),
  };
}

/** app.js launched with a stub App(), and getApp() answering it. */
function launchApp() {
  let app = null;
  global.App = (options) => { app = options; };
  jest.isolateModules(() => require(path.join(ROOT, 'app.js')));
  global.getApp = () => app;
  app.onLaunch();
  return app;
}

/** Let the client's retry delays pass. */
const settle = () => jest.runAllTimersAsync();

/** Await a promise while the fake clock runs. */
async function run(promise) {
  await settle();
  return promise;
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  wx.storage.set('offline_cache:me', { value: TEACHER, savedAt: SAVED_AT });
  wx.storage.set('offline_cache:campaign', { value: CAMPAIGN, savedAt: SAVED_AT });
  wx.storage.set('offline_cache:schools', { value: SCHOOLS, savedAt: SAVED_AT });
  down = true;
  calls = serve(wx, routes());
  wx.setOnline(false);
  jest.useFakeTimers();
});

afterEach(() => {
  if (comp) comp.detach();
  comp = null;
  jest.useRealTimers();
});

test('cold start without signal: first screen, report, and sent when the signal returns', async () => {
  const app = launchApp();
  app.onShow();
  expect(wx.login).not.toHaveBeenCalled();

  // The first screen: the saved roles and tiles, marked as a saved copy.
  comp = renderPage('pages/index/index');
  const showing = comp.instance.onShow();
  await settle();
  await showing;
  await settle();
  const text = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim());
  expect(text('.stale-banner__text')).toEqual(['网络不可用 · 显示的是 11月28日 17:05 保存的内容']);
  expect(text('.greeting')).toEqual(['你好，李老师']);
  expect(text('.role')).toEqual(['巡查教师 · 城东第一小学']);
  expect(text('.tile-title')).toEqual(['上报隐患', '隐患整改', '单位与班级', '电脑端登录']);
  expect(comp.dom.querySelector('.page-state')).toBeNull();

  // The report page opens from the saved campaign and schools, and its report queues.
  const report = loadPage('pages/hazards/report', { app });
  const opening = report.onLoad();
  report.onShow();
  await settle();
  await opening;
  await report.uuidReady;
  expect(report.data.choices).toHaveLength(10);
  expect(report.data.schools.map((s) => s.name)).toEqual([SCHOOL_A.name, DIRECT_SCHOOL.name]);
  expect(report.data.savedAt).toBe(SAVED_AT);
  const choosing = report.choosePhotos();
  await settle();
  await choosing;
  report.pickChoice({ currentTarget: { dataset: { key: 'water' } } });
  report.onSchoolChange({ detail: { value: '0' } });
  report.onPlaceChange({ detail: '后操场池塘' });
  report.onDescriptionChange({ detail: '池塘边的护栏倒了' });
  const uuid = report.clientUuid;
  const submitting = report.submit();
  await settle();
  await submitting;
  const [entry] = wx.storage.get('hazard_outbox');
  expect(entry).toMatchObject({ clientUuid: uuid, status: 'pending' });
  expect(entry.photos).toHaveLength(2);
  entry.photos.forEach((p) => expect(p.startsWith(`${USER_DATA_PATH}/hazard_outbox/`)).toBe(true));
  expect(calls.some((c) => c.key === 'POST /api/v1/hazards')).toBe(false);

  // The first screen counts it.
  const index = loadPage('pages/index/index', { app });
  await run(index.onShow());
  expect(index.data.outbox).toEqual({ title: '1 条隐患还没有发送', detail: '等待联网 1', failedText: '' });

  // The signal returns: /me, campaign and schools are refreshed; the report goes with its photos.
  down = false;
  wx.setOnline(true);
  await settle();
  const keys = calls.map((c) => c.key);
  ['GET /api/v1/me', 'GET /api/v1/campaigns/active', 'GET /api/v1/hazards/schools'].forEach((k) => expect(keys).toContain(k));
  const uploads = calls.filter((c) => c.key === 'POST /api/v1/photos' && c.kind === 'upload');
  expect(uploads.map((c) => c.filePath)).toEqual(entry.photos);
  const posted = calls.filter((c) => c.key === 'POST /api/v1/hazards' && !c.network);
  expect(posted.map((c) => c.data)).toEqual([expect.objectContaining({
    client_uuid: uuid,
    focus_problem: 'drowning.water_management',
    place: '后操场池塘',
    school_id: SCHOOL_A.id,
    photo_ids: [301, 302],
  })]);
  expect(wx.storage.get('hazard_outbox')).toEqual([]);
  await run(index.onShow());
  expect(index.data.outbox).toBeNull();
  expect(app.globalData.meSavedAt).toBe('');
  expect(wx.storage.get('offline_cache:me').savedAt).toBeGreaterThan(SAVED_AT);
  expect(wx.login).not.toHaveBeenCalled();
});

test('first start ever without signal: the first screen says so in words, and 重试 gets in', async () => {
  wx.storage.clear();
  const app = launchApp();
  comp = renderPage('pages/index/index');
  const showing = comp.instance.onShow();
  await settle();
  await showing;
  await settle();
  const state = comp.dom.querySelector('.page-state--error');
  expect(state.textContent).toContain('手机没有网络。第一次使用需要联网登录，请连上网络后点“重试”。');
  expect(state.textContent).toContain('请检查手机网络后重试');
  expect(comp.dom.querySelector('.tile')).toBeNull();

  down = false;
  wx.setOnline(true);
  const retrying = comp.instance.retry();
  await settle();
  await retrying;
  await settle();
  expect(comp.dom.querySelector('.page-state--error')).toBeNull();
  expect([...comp.dom.querySelectorAll('.role')].map((n) => n.textContent.trim())).toEqual(['巡查教师 · 城东第一小学']);
  expect(wx.storage.get(TOKEN_KEY)).toBe('first');
  expect(app.globalData.launchError).toBeNull();
});
