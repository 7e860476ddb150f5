/**
 * The report page's optional checkpoint: "扫码关联" attaches a checkpoint's sticker (SAFETY-CP:<token>)
 * and the report carries its token, online and when queued offline; another code is refused in
 * words; "清除" removes it; the round page can pass one in the URL; the server's refusals show at
 * the row. Also the row as drawn.
 */
const simulate = require('miniprogram-simulate');
const {
  installWx, serve, apiError,
} = require('../helpers/wx');
const { loadPage, stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { hazard } = require('../helpers/fixtures');
const CAMPAIGN = require('../../../server/data/campaigns/2023-qiangjichu.json');
const { TOKEN_KEY } = require('../../utils/session');
const { NOT_A_CHECKPOINT } = require('../../utils/patrols');

const TOKEN = 'cp_token_AAAAAAAAAAAAAAAAAAAA';

let wx;
let page;
let calls;

function routes(extra = {}) {
  let photoId = 700;
  return {
    'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN },
    'GET /api/v1/hazards/schools': { status: 200, body: { schools: [] } },
    'GET /api/v1/hazards/nearby': { status: 200, body: { hazards: [] } },
    'POST /api/v1/photos': () => { photoId += 1; return { status: 201, body: { id: photoId } }; },
    'POST /api/v1/hazards': { status: 201, body: hazard(88, {}, { detail: true }) },
    ...extra,
  };
}

async function open(extra, options = {}) {
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

const scanGives = (result) => wx.scanCode.mockImplementation(({ success }) => success({ result }));
const posts = () => calls.filter((c) => c.key === 'POST /api/v1/hazards');

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

afterEach(() => {
  if (page && page.onUnload) page.onUnload();
});

test('扫码关联 from the camera attaches the checkpoint; the report carries its token', async () => {
  await open();
  scanGives(`SAFETY-CP:${TOKEN}`);
  await page.scanCheckpoint();
  expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true, scanType: ['qrCode'] }));
  expect(page.data.checkpointToken).toBe(TOKEN);
  await fillIn();
  await page.submit();
  expect(posts()).toHaveLength(1);
  expect(posts()[0].data.checkpoint_token).toBe(TOKEN);
});

test('without a checkpoint no checkpoint_token is sent', async () => {
  await open();
  await fillIn();
  await page.submit();
  expect(posts()[0].data).not.toHaveProperty('checkpoint_token');
});

test('another code is refused with the reason, and nothing is attached', async () => {
  await open();
  scanGives('https://weixin.qq.com/r/abc');
  await page.scanCheckpoint();
  expect(page.data.checkpointToken).toBe('');
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有识别到巡查点', content: NOT_A_CHECKPOINT }));
});

test('a cancelled scan says nothing and keeps the checkpoint attached', async () => {
  await open();
  scanGives(`SAFETY-CP:${TOKEN}`);
  await page.scanCheckpoint();
  wx.scanCode.mockImplementation(({ fail }) => fail({ errMsg: 'scanCode:fail cancel' }));
  await page.scanCheckpoint();
  expect(page.data.checkpointToken).toBe(TOKEN);
  expect(wx.showModal).not.toHaveBeenCalled();
});

test('清除 removes it: the report goes without it', async () => {
  await open();
  scanGives(`SAFETY-CP:${TOKEN}`);
  await page.scanCheckpoint();
  page.clearCheckpoint();
  expect(page.data.checkpointToken).toBe('');
  await fillIn();
  await page.submit();
  expect(posts()[0].data).not.toHaveProperty('checkpoint_token');
});

test('queued offline, the report keeps the checkpoint and the outbox sends it', async () => {
  await open();
  scanGives(`SAFETY-CP:${TOKEN}`);
  await page.scanCheckpoint();
  await fillIn();
  wx.setOnline(false);
  await page.submit();
  expect(wx.storage.get('hazard_outbox')[0].report.checkpoint_token).toBe(TOKEN);
  expect(page.data.checkpointToken).toBe(''); // a new draft

  wx.setOnline(true);
  await page.flushOutbox();
  expect(posts().map((c) => c.data.checkpoint_token)).toEqual([TOKEN]);
});

test('?checkpoint_token= from the round page is the initial value; a malformed one is ignored', async () => {
  await open({}, { checkpoint_token: encodeURIComponent(TOKEN) });
  expect(page.data.checkpointToken).toBe(TOKEN);
  page.onUnload();
  await open({}, { checkpoint_token: 'x y' });
  expect(page.data.checkpointToken).toBe('');
});

test.each([
  [apiError(410, 'checkpoint_replaced'), '这个巡查点的二维码已更换，请扫描新贴的二维码'],
  [apiError(410, 'checkpoint_inactive'), '这个巡查点已停用，请联系学校安全负责人'],
  [apiError(404, 'checkpoint_unknown'), '这个二维码不是本系统的巡查点，请确认后重新扫码'],
  [apiError(422, 'validation_error', { checkpoint_token: ['Checkpoint of another school.'] }), '这个巡查点不属于隐患所在的学校，请清除后重新扫码'],
])('the server refusing the checkpoint (%#) says why at the row, and the draft is kept', async (answer, message) => {
  await open({ 'POST /api/v1/hazards': answer });
  scanGives(`SAFETY-CP:${TOKEN}`);
  await page.scanCheckpoint();
  await fillIn();
  await page.submit();
  expect(page.data.errors.checkpoint).toBe(message);
  expect(page.data.checkpointToken).toBe(TOKEN);
  page.clearCheckpoint();
  expect(page.data.errors.checkpoint).toBe('');
});

describe('the row as drawn', () => {
  let comp;
  const text = (selector) => comp.dom.querySelector(selector).textContent.replace(/\s+/g, '');

  beforeEach(async () => {
    serve(wx, routes());
    global.getApp = () => stubApp({});
    comp = renderPage('pages/hazards/report');
    comp.instance.onLoad({});
    await simulate.sleep(0);
  });
  afterEach(() => comp.detach());

  test('扫码关联 until one is attached; then 已关联巡查点 with 清除, which removes it', async () => {
    expect(text('.checkpoint-row')).toBe('巡查点（可选）扫码关联');
    scanGives(`SAFETY-CP:${TOKEN}`);
    comp.querySelector('#scan-checkpoint').querySelector('.van-button').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(text('.checkpoint-row')).toBe('巡查点（可选）已关联巡查点清除');
    comp.querySelector('.checkpoint-clear').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(text('.checkpoint-row')).toBe('巡查点（可选）扫码关联');
  });
});
