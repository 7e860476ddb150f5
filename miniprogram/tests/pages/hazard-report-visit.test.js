/**
 * The report page in its visit mode (`?visit_id=`, 记录问题 on a visit): the visit's title and
 * schools (not the reporter's), no checkpoint row, the finding sent to POST /visits/{id}/findings
 * with the same body and the school always named; queued offline with its visit and sent there by
 * the outbox; a visit that failed to load stops the send with words.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { hazard } = require('../helpers/fixtures');
const { visit } = require('../helpers/supervision');
const CAMPAIGN = require('../../../server/data/campaigns/2023-qiangjichu.json');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let page;
let calls;

const ONE_SCHOOL = visit(8, { schools: [{ id: 3, name: '城东第一小学' }] });

function routes(extra = {}) {
  let photoId = 700;
  return {
    'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN },
    'GET /api/v1/hazards/schools': { status: 200, body: { schools: [{ id: 41, name: '别的学校' }, { id: 42, name: '另一所' }] } },
    'GET /api/v1/hazards/nearby': { status: 200, body: { hazards: [] } },
    'GET /api/v1/visits/8': { status: 200, body: visit(8) },
    'POST /api/v1/photos': () => { photoId += 1; return { status: 201, body: { id: photoId } }; },
    'POST /api/v1/visits/8/findings': { status: 201, body: hazard(88, {}, { detail: true }) },
    ...extra,
  };
}

async function open(extra, options = { visit_id: '8' }) {
  calls = serve(wx, routes(extra));
  page = loadPage('pages/hazards/report', { app: stubApp({}) });
  await page.onLoad(options);
  page.onShow();
  await page.uuidReady;
}

/** Photos, position, a plain choice and description: a complete draft. */
async function fillIn() {
  await page.choosePhotos();
  page.pickChoice({ currentTarget: { dataset: { key: 'fire' } } });
  page.onDescriptionChange({ detail: '灭火器压力不足' });
}

const findings = () => calls.filter((c) => c.key === 'POST /api/v1/visits/8/findings');

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

afterEach(() => {
  if (page && page.onUnload) page.onUnload();
});

test('the visit\'s schools, not the reporter\'s; the finding goes to the visit with the school picked', async () => {
  await open();
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '记录检查发现的问题' });
  expect(page.data).toMatchObject({ visitId: 8, visitTitle: '秋季消防专项督查' });
  expect(page.data.schools.map((s) => s.name)).toEqual(['城东第一小学', '城东幼儿园']);
  await fillIn();
  await page.submit();
  expect(page.data.errors.school).toBe('请选择隐患所在的学校');
  page.onSchoolChange({ detail: { value: '1' } });
  await page.submit();
  expect(findings()).toHaveLength(1);
  expect(findings()[0].data).toMatchObject({ school_id: 4, description: '灭火器压力不足', severity: 'general' });
  expect(findings()[0].data).not.toHaveProperty('checkpoint_token');
  expect(calls.filter((c) => c.key === 'POST /api/v1/hazards')).toHaveLength(0);
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/hazards/detail?id=88' });
});

test('a visit of one school: that school is named without a picker', async () => {
  await open({ 'GET /api/v1/visits/8': { status: 200, body: ONE_SCHOOL } });
  expect(page.data.schools).toEqual([]);
  await fillIn();
  await page.submit();
  expect(findings()[0].data.school_id).toBe(3);
});

test('offline: queued with its visit; the outbox sends it to the visit', async () => {
  await open({ 'GET /api/v1/visits/8': { status: 200, body: ONE_SCHOOL } });
  await fillIn();
  wx.setOnline(false);
  await page.submit();
  expect(wx.storage.get('hazard_outbox')[0]).toMatchObject({ visitId: 8, report: { school_id: 3 } });
  wx.setOnline(true);
  await page.flushOutbox();
  expect(findings()).toHaveLength(1);
  expect(findings()[0].data.school_id).toBe(3);
});

test('the visit failing to load: said at the top, and the send stops with words', async () => {
  await open({ 'GET /api/v1/visits/8': apiError(404, 'not_found') });
  expect(page.data.visitError).toMatch(/^没有打开这次督导检查：/);
  await fillIn();
  await page.submit();
  expect(page.data.formError).toBe(page.data.visitError);
  expect(findings()).toHaveLength(0);
});

test('as rendered: the visit bar, no checkpoint row; without a visit the checkpoint row shows', async () => {
  serve(wx, routes());
  global.getApp = () => stubApp({});
  let comp = renderPage('pages/hazards/report');
  await comp.instance.onLoad({ visit_id: '8' });
  await simulate.sleep(0);
  expect(comp.dom.querySelector('.visit-bar').textContent.trim()).toBe('督导检查发现的问题：秋季消防专项督查');
  expect(comp.dom.querySelector('.checkpoint-row')).toBeNull();
  comp.detach();
  comp = renderPage('pages/hazards/report');
  await comp.instance.onLoad({});
  await simulate.sleep(0);
  expect(comp.dom.querySelector('.visit-bar')).toBeNull();
  expect(comp.dom.querySelector('.checkpoint-row')).not.toBeNull();
  comp.detach();
});
