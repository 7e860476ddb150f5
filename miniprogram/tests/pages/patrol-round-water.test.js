/**
 * A round at a water point, opened by `?checkpoint_id=` (no sticker): loaded by id, photos on any
 * answer, at least one photo before 提交, the body naming the checkpoint by id, the refusals
 * (离水域太远, scan_required), offline from the copy kept by id, the outbox (a water round kept;
 * an entry made before checkpoint_id existed still sends); and a water slot on 今日巡查 and 待办
 * opening this page.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { TOKEN, patrol, slot } = require('../helpers/patrols');
const { WATER_SCAN } = require('../helpers/water');
const { slotRow, slotTodoRow } = require('../../utils/patrols');
const { GROUPS } = require('../../utils/todo');
const { TOKEN_KEY } = require('../../utils/session');

const NETWORK_DOWN = [{ network: true }, { network: true }, { network: true }];
const PHOTO_NEEDED = '水域巡查至少要拍一张照片：拍下警示牌、护栏、救生设施的现状';

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const keyed = (key) => calls.filter((c) => c.key === key);
const answer = (index, value) => page.answer(tapEvent({ index, value }));

/** The round of water point checkpoint 37, loaded. */
async function open(routes = {}) {
  calls = serve(wx, { 'GET /api/v1/checkpoints/scan': { status: 200, body: WATER_SCAN }, ...routes });
  page = loadPage('pages/patrol/round', { app: stubApp({}) });
  await page.onLoad({ checkpoint_id: '37' });
}

/** Let outbox module state start fresh. */
function freshOutbox() {
  let outbox;
  jest.isolateModules(() => { outbox = require('../../utils/patrol-outbox'); });
  return outbox;
}

test('loads by checkpoint id: the water checklist, the title, the position on arrival', async () => {
  await open();
  expect(keyed('GET /api/v1/checkpoints/scan')[0].query).toEqual({ checkpoint_id: '37' });
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '水域巡查' });
  expect(page.data).toMatchObject({ state: '', water: true, checkpoint: { name: '沱河符离段' }, photoCount: 0 });
  expect(page.data.items.map((i) => i.text)).toEqual(['警示标志清楚、完好', '护栏围挡完好']);
  expect(page.data.positionText).toBe('已记录到达时的位置（精度约 12 米）');
});

test('a photo on a pass is kept and counted; without any photo the round is not sent', async () => {
  await open({ 'POST /api/v1/patrols': { status: 201, body: patrol(11) } });
  answer(0, 'pass');
  answer(1, 'pass');
  await page.submit();
  expect(keyed('POST /api/v1/patrols')).toHaveLength(0);
  expect(page.data.photoError).toBe(PHOTO_NEEDED);
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '还没有拍照', content: PHOTO_NEEDED }));
  expect(wx.showToast).not.toHaveBeenCalled();
  await page.addPhoto(tapEvent({ index: 0 }));
  expect(page.data.photoCount).toBe(2);
  expect(page.data.photoError).toBe('');
});

test('submit: photos on the passes go too, and the round names the checkpoint by id', async () => {
  await open({
    'POST /api/v1/photos': [{ status: 201, body: { id: 41 } }, { status: 201, body: { id: 42 } }],
    'POST /api/v1/patrols': { status: 201, body: patrol(11) },
  });
  answer(0, 'pass');
  await page.addPhoto(tapEvent({ index: 0 }));
  answer(1, 'na');
  await page.submit();
  const [post] = keyed('POST /api/v1/patrols');
  expect(post.data).toMatchObject({
    checkpoint_id: 37,
    template_id: 21,
    answers: [{ item_id: 51, answer: 'pass', photo_ids: [41, 42] }, { item_id: 52, answer: 'na' }],
  });
  expect(post.data.token).toBeUndefined();
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/patrol/detail?id=11' });
});

test('too far from the water: said so with the distance; the round stays', async () => {
  await open({
    'POST /api/v1/photos': { status: 201, body: { id: 41 } },
    'POST /api/v1/patrols': apiError(422, 'too_far', { distance_m: 320.4, radius_m: 100 }),
  });
  answer(0, 'pass');
  answer(1, 'pass');
  await page.addPhoto(tapEvent({ index: 1 }));
  await page.submit();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({
    title: '离水域太远', content: '离水域太远（距离约 320 米，需在 100 米内），请走到水边后再提交',
  }));
  expect(wx.navigateBack).not.toHaveBeenCalled();
  expect(page.data.position).toBeNull();
});

test('scan_required: a place opened by id says to scan its sticker', async () => {
  calls = serve(wx, { 'GET /api/v1/checkpoints/scan': apiError(422, 'scan_required') });
  page = loadPage('pages/patrol/round', { app: stubApp({}) });
  await page.onLoad({ checkpoint_id: '5' });
  expect(page.data).toMatchObject({ state: 'error', error: '这个巡查点要在现场扫描二维码才能巡查，请扫描贴在巡查点的二维码' });
});

test('offline: a water point opened before opens from the phone; one never opened says so', async () => {
  await open();
  serve(wx, { 'GET /api/v1/checkpoints/scan': NETWORK_DOWN });
  page = loadPage('pages/patrol/round', { app: stubApp({}) });
  await page.onLoad({ checkpoint_id: '37' });
  expect(page.data).toMatchObject({ state: '', water: true });
  expect(page.data.savedAt).toBeGreaterThan(0);
  page = loadPage('pages/patrol/round', { app: stubApp({}) });
  await page.onLoad({ checkpoint_id: '38' });
  expect(page.data).toMatchObject({ state: 'error', error: '网络不可用，这个水域还没有在这台手机上打开过。请到有信号的地方先打开一次' });
}, 10000);

test('without signal the water round waits with its id and photos, and is sent later by id', async () => {
  await open();
  answer(0, 'pass');
  await page.addPhoto(tapEvent({ index: 0 }));
  answer(1, 'pass');
  wx.setOnline(false);
  await page.submit();
  const [kept] = wx.storage.get('patrol_outbox');
  expect(kept).toMatchObject({ kind: 'water', title: '沱河符离段', photoCounts: [2, 0], round: { checkpoint_id: 37 } });
  expect(kept.round.token).toBeUndefined();
  wx.setOnline(true);
  calls = serve(wx, {
    'POST /api/v1/photos': { status: 201, body: { id: 41 } },
    'POST /api/v1/patrols': apiError(422, 'too_far', { distance_m: 250, radius_m: 100 }),
  });
  const outbox = freshOutbox();
  await outbox.flush();
  expect(keyed('POST /api/v1/patrols')[0].data).toMatchObject({ checkpoint_id: 37, client_uuid: kept.clientUuid });
  // The refusal of a kept water round is worded for the water too.
  expect(wx.storage.get('patrol_outbox')[0].error).toBe('离水域太远（距离约 250 米，需在 100 米内），请走到水边后再提交');
}, 10000);

test('an outbox entry made before checkpoint_id existed (token, no kind) still sends as made', async () => {
  wx.storage.set('patrol_outbox', [{
    id: 'old-1',
    clientUuid: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
    round: {
      token: TOKEN, template_id: 7, lat: 33.6461, lng: 116.9647, accuracy: 12, coord_system: 'gcj02', scanned_at: '2026-11-29T00:05:00Z', answers: [{ item_id: 1, answer: 'pass' }],
    },
    photos: [],
    photoCounts: [0],
    title: '食堂后厨',
    school: '城东第一小学',
    sentAt: '2026-11-29T00:06:00Z',
    status: 'pending',
    attempts: 0,
    createdAt: Date.now(),
  }]);
  calls = serve(wx, { 'POST /api/v1/patrols': { status: 201, body: patrol(11) } });
  const outbox = freshOutbox();
  expect(await outbox.flush()).toMatchObject({ sent: 1 });
  const [post] = keyed('POST /api/v1/patrols');
  expect(post.data).toMatchObject({ token: TOKEN, client_uuid: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', sent_at: '2026-11-29T00:06:00Z' });
  expect(post.data.checkpoint_id).toBeUndefined();
});

test('a fire round is unchanged: photos only on fails, no photo needed, sent by token', async () => {
  const { roundEntry } = require('../../utils/patrols');
  const items = [
    { id: 1, answer: 'pass', note: '', photos: ['a.jpg'] },
    { id: 2, answer: 'fail', note: '堆物', photos: ['b.jpg'] },
  ];
  const entry = roundEntry({
    clientUuid: 'u', token: TOKEN, checkpointId: null, templateId: 7, position: { lat: 1, lng: 2, accuracy: 3, coord_system: 'gcj02' }, scannedAt: 's', items, checkpoint: { name: '食堂', kind: 'place' },
  });
  expect(entry).toMatchObject({ photos: ['b.jpg'], photoCounts: [0, 1], kind: 'place', round: { token: TOKEN } });
  expect(entry.round.checkpoint_id).toBeUndefined();
});

describe('a water slot on 今日巡查 and 待办', () => {
  const water = (status = 'open', extra = {}) => ({
    ...slot(12, '沱河符离段', -60, 3000, status), checkpoint: { id: 37, name: '沱河符离段', kind: 'water' }, ...extra,
  });

  test('an open one opens its round by checkpoint id; a done one its result; a place none', () => {
    expect(slotRow(water())).toMatchObject({ url: '/pages/patrol/round?checkpoint_id=37', linkText: '去巡查 ›' });
    // A window over several days shows the day it ends.
    expect(slotRow(water()).window).toMatch(/^\d+月\d+日 \d\d:\d\d – \d+月\d+日 \d\d:\d\d$/);
    expect(slotRow(slot(1, '食堂后厨', -10, 20)).window).toMatch(/– \d\d:\d\d$/);
    expect(slotRow(water('done', { patrol_id: 11 }))).toMatchObject({ url: '/pages/patrol/detail?id=11', linkText: '查看巡查结果 ›' });
    expect(slotRow(slot(1, '食堂后厨', -10, 20)).url).toBe('');
    // Without its kind, a slot is taken for a place (scanned from 今日巡查).
    expect(slotRow({ ...water(), checkpoint: { id: 37, name: '沱河符离段' } }).url).toBe('');
  });

  test('待办: a water slot opens its round, any other 今日巡查', () => {
    const group = GROUPS.find((g) => g.key === 'patrols');
    expect(slotTodoRow(water(), group).url).toBe('/pages/patrol/round?checkpoint_id=37');
    expect(slotTodoRow(slot(1, '食堂后厨', -10, 20), group).url).toBe('/pages/patrol/today');
  });
});

describe('as rendered', () => {
  let comp;
  afterEach(() => comp.detach());

  test('the water note, a camera on a pass, the photo count, the missing-photo message', async () => {
    serve(wx, { 'GET /api/v1/checkpoints/scan': { status: 200, body: WATER_SCAN } });
    global.getApp = () => stubApp({});
    comp = renderPage('pages/patrol/round');
    await comp.instance.onLoad({ checkpoint_id: '37' });
    await simulate.sleep(0);
    expect(comp.dom.querySelector('.water-note').textContent).toContain('拍下警示牌、护栏、救生设施的现状');
    expect(comp.dom.querySelector('.progress-photos').textContent).toBe('已拍 0 张');
    expect(comp.dom.querySelector('.photo-add')).toBeNull();
    comp.querySelectorAll('.choice--pass')[0].dispatchEvent('tap');
    comp.querySelectorAll('.choice--pass')[1].dispatchEvent('tap');
    await simulate.sleep(0);
    expect(comp.dom.querySelectorAll('.photo-add')).toHaveLength(2);
    await comp.instance.submit();
    await simulate.sleep(0);
    expect(comp.dom.querySelector('.photo-error').textContent).toBe(PHOTO_NEEDED);
    expect(comp.dom.querySelector('.action-bar__note').textContent).toBe('至少拍一张照片；不合格的项目提交后会自动生成隐患');
  });
});
