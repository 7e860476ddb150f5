/**
 * The round page: the checklist from a scan, the answers and the fail rules on the page, sending
 * (the body with scanned_at and sent_at, then the summary), the round kept on the phone without
 * signal or when sending fails, the server's refusals in words, and the states.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError, flush } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { SCAN, TEMPLATE, TOKEN, patrol } = require('../helpers/patrols');
const { TOKEN_KEY } = require('../../utils/session');

const SCANNED_AT = '2026-11-29T00:05:00.000Z';
const QUERY = { token: encodeURIComponent(TOKEN), scanned_at: encodeURIComponent(SCANNED_AT) };
const NETWORK_DOWN = [{ network: true }, { network: true }, { network: true }];

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const keyed = (key) => calls.filter((c) => c.key === key);

/** The page loaded from a scan. */
async function open(routes) {
  calls = serve(wx, { 'GET /api/v1/checkpoints/scan': { status: 200, body: SCAN }, ...routes });
  page = loadPage('pages/patrol/round', { app: stubApp({}) });
  await page.onLoad(QUERY);
  await flush();
}

const answer = (index, value) => page.answer(tapEvent({ index, value }));

/** Answer: pass, fail with a note and a camera photo, na. */
async function fillRound() {
  answer(0, 'pass');
  answer(1, 'fail');
  page.inputNote({ currentTarget: { dataset: { index: 1 } }, detail: '通道堆放杂物' });
  await page.addPhoto(tapEvent({ index: 1 }));
  answer(2, 'na');
}

test('opens the checkpoint with its checklist, unanswered, and the position taken at the scan', async () => {
  await open();
  expect(keyed('GET /api/v1/checkpoints/scan')[0].query).toEqual({ token: TOKEN });
  expect(page.data).toMatchObject({ state: '', checkpoint: { name: '食堂后厨' } });
  expect(page.data.items.map((i) => [i.text, i.answer])).toEqual(TEMPLATE.items.map((i) => [i.text, '']));
  expect(page.data.progress.text).toBe('已检查 0/3');
  expect(page.data.position).toMatchObject({ accuracy: 12, coord_system: 'gcj02' });
  expect(page.data.positionText).toBe('已记录扫码时的位置（精度约 12 米）');
});

test('the progress follows the answers; leaving a started round asks first', async () => {
  await open();
  wx.enableAlertBeforeUnload = jest.fn();
  answer(0, 'pass');
  expect(wx.enableAlertBeforeUnload).toHaveBeenCalledWith({ message: '这一轮巡查还没有提交，离开后填写的内容不会保存' });
  answer(1, 'fail');
  expect(page.data.progress).toMatchObject({ text: '已检查 2/3', fails: 1 });
});

test('a fail without a note and a photo is not sent: each item says what it lacks', async () => {
  await open();
  answer(0, 'fail');
  answer(1, 'pass');
  await page.submit();
  expect(keyed('POST /api/v1/patrols')).toHaveLength(0);
  expect(page.data.items.map((i) => i.error)).toEqual(['不合格须写明情况并拍照', '', '请选择检查结果']);
  expect(wx.showToast).toHaveBeenCalledWith({ title: '还有 2 项没有填好', icon: 'none' });
  // Fixing an item clears its message as it goes.
  page.inputNote({ currentTarget: { dataset: { index: 0 } }, detail: '过期' });
  expect(page.data.items[0].error).toBe('不合格须至少拍一张照片');
  await page.addPhoto(tapEvent({ index: 0 }));
  expect(page.data.items[0].error).toBe('');
  expect(wx.chooseMedia).toHaveBeenCalledWith(expect.objectContaining({ sourceType: ['camera'], sizeType: ['original'] }));
});

test('submit: photos uploaded, the round posted with its times and client_uuid, then its summary', async () => {
  await open({
    'POST /api/v1/photos': { status: 201, body: { id: 41 } },
    'POST /api/v1/patrols': { status: 201, body: patrol(11) },
  });
  await fillRound();
  await page.submit();
  const [post] = keyed('POST /api/v1/patrols');
  expect(post.data).toMatchObject({
    token: TOKEN,
    template_id: 7,
    scanned_at: SCANNED_AT,
    lat: 33.6461,
    lng: 116.9647,
    accuracy: 12,
    coord_system: 'gcj02',
    answers: [
      { item_id: 1, answer: 'pass' },
      { item_id: 2, answer: 'fail', note: '通道堆放杂物', photo_ids: [41, 41] },
      { item_id: 3, answer: 'na' },
    ],
  });
  expect(post.data.client_uuid).toMatch(/^[0-9a-f-]{36}$/);
  expect(new Date(post.data.sent_at).getTime()).toBeGreaterThan(new Date(SCANNED_AT).getTime());
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/patrol/detail?id=11' });
});

test('without signal the round is kept on the phone with its photos and sent later with the same client_uuid', async () => {
  await open();
  await fillRound();
  wx.setOnline(false);
  await page.submit();
  expect(keyed('POST /api/v1/patrols')).toHaveLength(0);
  const [kept] = wx.storage.get('patrol_outbox');
  expect(kept).toMatchObject({ title: '食堂后厨', school: '城东第一小学', photoCounts: [0, 2, 0], status: 'pending' });
  expect(kept.photos).toHaveLength(2);
  kept.photos.forEach((path) => expect(wx.fs.files.has(path)).toBe(true));
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存，待发送' }));
  expect(wx.navigateBack).toHaveBeenCalled();

  let outbox;
  jest.isolateModules(() => { outbox = require('../../utils/patrol-outbox'); });
  wx.setOnline(true);
  serve(wx, {
    'POST /api/v1/photos': { status: 201, body: { id: 41 } },
    'POST /api/v1/patrols': { status: 201, body: patrol(11, { late_submission: true }) },
  });
  calls = serve(wx, {
    'POST /api/v1/photos': { status: 201, body: { id: 41 } },
    'POST /api/v1/patrols': { status: 201, body: patrol(11, { late_submission: true }) },
  });
  expect(await outbox.flush()).toMatchObject({ sent: 1 });
  expect(keyed('POST /api/v1/patrols')[0].data.client_uuid).toBe(kept.clientUuid);
});

test('a network failure while sending keeps the round too (the server may have it: same client_uuid)', async () => {
  await open({
    'POST /api/v1/photos': { status: 201, body: { id: 41 } },
    'POST /api/v1/patrols': NETWORK_DOWN,
  });
  await fillRound();
  await page.submit();
  expect(keyed('POST /api/v1/patrols')).toHaveLength(3);
  const [kept] = wx.storage.get('patrol_outbox');
  const [first] = keyed('POST /api/v1/patrols');
  expect(kept.clientUuid).toBe(first.data.client_uuid);
  // Sent later with exactly the same content: the same sent_at too.
  let outbox;
  jest.isolateModules(() => { outbox = require('../../utils/patrol-outbox'); });
  calls = serve(wx, { 'POST /api/v1/photos': { status: 201, body: { id: 41 } }, 'POST /api/v1/patrols': { status: 200, body: patrol(11) } });
  expect(await outbox.flush()).toMatchObject({ sent: 1 });
  expect(keyed('POST /api/v1/patrols')[0].data).toEqual(first.data);
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('不会重复提交') }));
}, 10000);

test('too far: the distance in words, the round stays and the position is taken again', async () => {
  await open({ 'POST /api/v1/patrols': [apiError(422, 'too_far', { distance_m: 300, radius_m: 30 }), { status: 201, body: patrol(11) }] });
  answer(0, 'pass');
  answer(1, 'pass');
  answer(2, 'pass');
  await page.submit();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({
    title: '不在巡查点附近', content: '你不在巡查点附近（距离约 300 米，需在 30 米内），请到巡查点后再提交',
  }));
  expect(wx.navigateBack).not.toHaveBeenCalled();
  expect(wx.storage.get('patrol_outbox')).toBeFalsy();
  const located = wx.getLocation.mock.calls.length;
  await page.submit();
  expect(wx.getLocation.mock.calls.length).toBe(located + 1);
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/patrol/detail?id=11' });
});

test.each([
  ['checkpoint_replaced', 410, '二维码已更换', '这个巡查点的二维码已更换，请扫描新贴的二维码', true],
  ['slot_already_done', 409, '已经提交过了', '这一轮巡查你已经提交过了', true],
  ['photo_too_old', 422, '照片不是现场拍的', '照片是扫码之前拍的，请现场重新拍照', false],
  ['uuid_conflict', 409, '提交没有成功', '这一轮巡查已用不同的内容提交过，请重新扫码巡查', true],
  ['no_trip_due', 409, '不在检查时间', '现在不是这辆车的检查时间：请在发车前90分钟内检查', true],
])('%s: told in words (%s), %s', async (code, status, title, content, leaves) => {
  await open({ 'POST /api/v1/photos': { status: 201, body: { id: 41 } }, 'POST /api/v1/patrols': apiError(status, code) });
  await fillRound();
  await page.submit();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title, content }));
  expect(wx.navigateBack).toHaveBeenCalledTimes(leaves ? 1 : 0);
  expect(wx.storage.get('patrol_outbox')).toBeFalsy();
});

test('a code that is not ours, or replaced: the error state says so', async () => {
  calls = serve(wx, { 'GET /api/v1/checkpoints/scan': apiError(410, 'checkpoint_replaced') });
  page = loadPage('pages/patrol/round', { app: stubApp({}) });
  await page.onLoad(QUERY);
  expect(page.data).toMatchObject({ state: 'error', error: '这个巡查点的二维码已更换，请扫描新贴的二维码' });
});

test('offline: a checkpoint scanned before opens from the phone, marked stale; a new one cannot', async () => {
  await open();
  serve(wx, { 'GET /api/v1/checkpoints/scan': NETWORK_DOWN });
  page = loadPage('pages/patrol/round', { app: stubApp({}) });
  await page.onLoad(QUERY);
  expect(page.data.state).toBe('');
  expect(page.data.savedAt).toBeGreaterThan(0);
  expect(page.data.items).toHaveLength(3);

  page = loadPage('pages/patrol/round', { app: stubApp({}) });
  await page.onLoad({ token: 'another_token_BBBBBBBBBBBBBBBB', scanned_at: SCANNED_AT });
  expect(page.data).toMatchObject({ state: 'error', offline: true, error: '网络不可用，这个巡查点还没有在这台手机上打开过。请到有信号的地方重新扫码' });
}, 10000);

test('several checklists: choose one; answers so far are cleared after asking', async () => {
  const second = { ...TEMPLATE, id: 8, code: 'canteen', name: '食堂安全检查', items: [TEMPLATE.items[0]] };
  await open({ 'GET /api/v1/checkpoints/scan': { status: 200, body: { ...SCAN, templates: [TEMPLATE, second] } } });
  expect(page.data.templates.map((t) => t.name)).toEqual(['每日防火巡查', '食堂安全检查']);
  answer(0, 'pass');
  await page.chooseTemplate(tapEvent({ index: 1 }));
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '换一张检查表' }));
  expect(page.data.items).toHaveLength(1);
  expect(page.data.progress.text).toBe('已检查 0/1');
});

describe('as rendered', () => {
  let comp;
  afterEach(() => comp.detach());

  test('loading, then the checklist with progress and a fail asking for its note and photo', async () => {
    serve(wx, { 'GET /api/v1/checkpoints/scan': { status: 200, body: SCAN } });
    global.getApp = () => stubApp({});
    comp = renderPage('pages/patrol/round');
    expect(comp.dom.querySelector('.van-loading').textContent.trim()).toBe('正在打开巡查点…');
    await comp.instance.onLoad(QUERY);
    await simulate.sleep(0);
    expect(comp.dom.querySelector('.checkpoint').textContent).toBe('食堂后厨');
    expect(comp.dom.querySelector('.progress-text').textContent).toBe('已检查 0/3');
    const fails = comp.querySelectorAll('.choice--fail');
    // Each choice carries its item's index (not the choice's own).
    expect(fails.map((n) => n.dom.dataset.index)).toEqual(['0', '1', '2']);
    fails[0].dispatchEvent('tap');
    await simulate.sleep(0);
    expect(comp.dom.querySelector('.progress-text').textContent).toBe('已检查 1/3');
    expect(comp.dom.querySelector('.photo-add').textContent).toContain('现场拍照');
    await comp.instance.submit();
    await simulate.sleep(0);
    expect([...comp.dom.querySelectorAll('.item-error')].map((n) => n.textContent))
      .toEqual(['不合格须写明情况并拍照', '请选择检查结果', '请选择检查结果']);
  });

  test('empty: a checkpoint without a checklist says whom to ask', async () => {
    serve(wx, { 'GET /api/v1/checkpoints/scan': { status: 200, body: { ...SCAN, templates: [] } } });
    global.getApp = () => stubApp({});
    comp = renderPage('pages/patrol/round');
    await comp.instance.onLoad(QUERY);
    await simulate.sleep(0);
    expect(comp.dom.querySelector('.van-empty').textContent).toBe('这个巡查点还没有设置检查表，请联系学校安全负责人');
  });
});
