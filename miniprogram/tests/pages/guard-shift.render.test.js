/**
 * 门卫值班 in each state, as rendered from its WXML: loading; no shift with and without the last
 * hand-over note; starting (scan the gate, the position, POST with the token and a client_uuid);
 * a refused start; on shift with the hand-over card and the log (tags, times, thumbnails, raise);
 * 交班 with the note; offline from the copy on the phone with the stale banner; the entries still
 * waiting on the phone.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { renderPage } = require('../helpers/render');
const { TOKEN_KEY } = require('../../utils/session');
const { PREFIX } = require('../../utils/cache');
const guardOutbox = require('../../utils/guard-outbox');

let wx;
let comp;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  global.getApp = () => ({});
});
afterEach(() => {
  if (comp) comp.instance.onUnload();
  if (comp) comp.detach();
  comp = null;
});

const settle = () => simulate.sleep(0);
const all = (selector) => [...comp.dom.querySelectorAll(selector)];
const texts = (selector) => all(selector).map((node) => node.textContent.trim().replace(/\s+/g, ' '));
const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? node.textContent.trim().replace(/\s+/g, ' ') : null;
};
/** Tap a van-button (its stand-in emits click on a tap of its inner view). */
const tapButton = (selector) => comp.querySelector(selector).querySelector('.van-button').dispatchEvent('tap');
const NETWORK_DOWN = [{ network: true }, { network: true }, { network: true }];
const GATE_TOKEN = 'gate_token_AAAAAAAAAAAAAAAAAA';

const HANDOVER = {
  shift_id: 4,
  note: '东侧围栏松动，已报后勤',
  from: { id: 8, name: '吴师傅(保安)' },
  ended_at: '2026-11-29T10:00:00+00:00',
};
const SHIFT = {
  id: 5,
  school: { id: 3, name: '符离中心小学' },
  checkpoint: { id: 9, name: '东大门' },
  user: { id: 10, name: '王师傅' },
  started_at: '2026-11-29T10:05:00+00:00',
  ended_at: null,
  handover_note: null,
  log_count: 2,
};

function log(id, status, changes = {}) {
  return {
    id,
    client_uuid: `uuid-${id}`,
    shift_id: 5,
    school: { id: 3, name: '符离中心小学' },
    user: { id: 10, name: '王师傅' },
    kind: 'vendors',
    kind_name: '流动摊贩',
    note: '校门口占道',
    position: { lat: 33.77, lng: 116.96, accuracy: 8, coord_system: 'gcj02' },
    photos: [{ id: 70 + id, url: `https://s/p${id}.jpg`, thumb_url: `https://s/t${id}.jpg` }],
    occurred_at: '2026-11-29T10:30:00+00:00',
    created_at: '2026-11-29T10:30:05+00:00',
    status,
    hazard_id: status === 'raised' ? 90 : null,
    ...changes,
  };
}
const ON_SHIFT = { shift: SHIFT, handover: HANDOVER, logs: [log(2, 'raised', { kind: 'traffic', kind_name: '交通拥堵' }), log(1, 'handled')] };

/** Render and load the page. */
async function open(routes) {
  const calls = serve(wx, routes);
  comp = renderPage('pages/guard/shift');
  await comp.instance.onShow();
  await settle();
  return calls;
}

test('loading: the words, no buttons yet', () => {
  comp = renderPage('pages/guard/shift');
  expect(text('.van-loading')).toBe('正在加载值班情况…');
  expect(comp.dom.querySelector('.start-button')).toBeNull();
  expect(comp.dom.querySelector('.log-button')).toBeNull();
});

test('no shift, no note: the big 扫码上岗 button only', async () => {
  await open({ 'GET /api/v1/guard/shifts/current': { status: 200, body: { shift: null, handover: null, logs: [] } } });
  expect(text('.start-button')).toBe('扫码上岗');
  expect(comp.dom.querySelector('.handover')).toBeNull();
  expect(comp.dom.querySelector('.logs')).toBeNull();
  expect(comp.dom.querySelector('.log-button')).toBeNull();
});

test('no shift with the last note: the note card above 扫码上岗', async () => {
  await open({ 'GET /api/v1/guard/shifts/current': { status: 200, body: { shift: null, handover: HANDOVER, logs: [] } } });
  expect(text('.handover-title')).toBe('上一班交接');
  expect(text('.handover-note')).toBe('东侧围栏松动，已报后勤');
  expect(text('.handover-meta')).toMatch(/^吴师傅\(保安\) · \d+月\d+日 \d\d:\d\d 交班$/);
  expect(text('.start-button')).toBe('扫码上岗');
});

test('扫码上岗: camera scan, position, then POST with the token and a client_uuid; the note shows', async () => {
  const calls = await open({
    'GET /api/v1/guard/shifts/current': { status: 200, body: { shift: null, handover: null, logs: [] } },
    'POST /api/v1/guard/shifts': { status: 201, body: { shift: { ...SHIFT, log_count: 0 }, handover: HANDOVER } },
  });
  wx.scanCode.mockImplementation(({ success }) => success({ result: `SAFETY-CP:${GATE_TOKEN}` }));
  tapButton('.start-button');
  await settle();
  await settle();
  expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true }));
  const post = calls.find((c) => c.key === 'POST /api/v1/guard/shifts');
  expect(post.data).toMatchObject({ token: GATE_TOKEN, coord_system: 'gcj02', lat: 33.6461, lng: 116.9647 });
  expect(post.data.client_uuid).toMatch(/^[0-9a-f-]{36}$/);
  expect(Date.parse(post.data.started_at)).not.toBeNaN();
  expect(text('.shift-place')).toBe('符离中心小学 东大门');
  expect(text('.handover-note')).toBe('东侧围栏松动，已报后勤');
  expect(text('.log-button')).toBe('记录情况');
  expect(text('.logs-empty')).toMatch(/还没有记录/);
  // Kept on the phone for a start without signal later.
  expect(wx.storage.get(`${PREFIX}guard_shift`).value.shift.id).toBe(5);
});

test('a refused start says why in Chinese (not a gate)', async () => {
  await open({
    'GET /api/v1/guard/shifts/current': { status: 200, body: { shift: null, handover: null, logs: [] } },
    'POST /api/v1/guard/shifts': apiError(422, 'not_a_gate'),
  });
  wx.scanCode.mockImplementation(({ success }) => success({ result: `SAFETY-CP:${GATE_TOKEN}` }));
  await comp.instance.startShift();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({
    title: '上岗失败', content: '这不是校门的上岗二维码，请扫校门口的二维码',
  }));
  expect(text('.start-button')).toBe('扫码上岗');
});

test('a cancelled scan does nothing', async () => {
  const calls = await open({ 'GET /api/v1/guard/shifts/current': { status: 200, body: { shift: null, handover: null, logs: [] } } });
  wx.scanCode.mockImplementation(({ fail }) => fail({ errMsg: 'scanCode:fail cancel' }));
  await comp.instance.startShift();
  expect(calls.filter((c) => c.key === 'POST /api/v1/guard/shifts')).toHaveLength(0);
  expect(wx.showModal).not.toHaveBeenCalled();
});

test('on shift: the hand-over card, the log with tags, times and thumbnails, 记录情况 and 交班', async () => {
  await open({ 'GET /api/v1/guard/shifts/current': { status: 200, body: ON_SHIFT } });
  expect(text('.shift-since')).toMatch(/^\d+月\d+日 \d\d:\d\d 上岗$/);
  expect(text('.handover-note')).toBe('东侧围栏松动，已报后勤');
  expect(texts('.log .row-title')).toEqual(['交通拥堵', '流动摊贩']);
  expect(all('.log .van-tag').map((n) => [n.textContent.trim(), n.dataset.type])).toEqual([
    ['已上报隐患', 'warning'], ['已处理', 'success'],
  ]);
  expect(texts('.log .row-meta')[0]).toMatch(/^\d\d:\d\d$/);
  expect(all('.log-thumb')).toHaveLength(2);
  expect(comp.instance.data.logs.map((row) => row.thumb)).toEqual(['https://s/t2.jpg', 'https://s/t1.jpg']);
  expect(texts('.raise')).toEqual(['上报隐患']); // only the handled one
  expect(text('.section-count')).toBe('2');
  expect(comp.dom.querySelector('.start-button')).toBeNull();
  tapButton('.log-button');
  await settle();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/guard/log' });
});

test('上报隐患 on a handled entry raises it after a confirmation', async () => {
  const calls = await open({
    'GET /api/v1/guard/shifts/current': [
      { status: 200, body: ON_SHIFT },
      { status: 200, body: { ...ON_SHIFT, logs: [ON_SHIFT.logs[0], log(1, 'raised')] } },
    ],
    'POST /api/v1/guard/logs/1/raise': { status: 200, body: log(1, 'raised') },
  });
  comp.querySelector('.raise').dispatchEvent('tap');
  await settle();
  await settle();
  expect(calls.map((c) => c.key)).toContain('POST /api/v1/guard/logs/1/raise');
  expect(texts('.raise')).toEqual([]);
});

test('交班: the note panel, then the end with the note, then no shift', async () => {
  const calls = await open({
    'GET /api/v1/guard/shifts/current': [
      { status: 200, body: ON_SHIFT },
      { status: 200, body: { shift: null, handover: { ...HANDOVER, note: '注意放学摊贩' }, logs: [] } },
    ],
    'POST /api/v1/guard/shifts/5/end': { status: 200, body: { ...SHIFT, ended_at: '2026-11-29T12:00:00+00:00' } },
  });
  expect(comp.dom.querySelector('.end-panel')).toBeNull();
  tapButton('.end');
  await settle();
  expect(text('.end-title')).toBe('交班');
  expect(comp.dom.querySelector('.log-button')).toBeNull(); // the bar gives way to the panel
  comp.instance.onNote({ detail: { value: '  注意放学摊贩 ' } });
  tapButton('.end-confirm');
  await settle();
  await settle();
  const end = calls.find((c) => c.key === 'POST /api/v1/guard/shifts/5/end');
  expect(end.data).toEqual({ handover_note: '注意放学摊贩' });
  expect(comp.dom.querySelector('.end-panel')).toBeNull();
  expect(text('.start-button')).toBe('扫码上岗');
});

test('交班 twice: the second says it is already ended and shows the page afresh', async () => {
  await open({
    'GET /api/v1/guard/shifts/current': [
      { status: 200, body: ON_SHIFT },
      { status: 200, body: { shift: null, handover: HANDOVER, logs: [] } },
    ],
    'POST /api/v1/guard/shifts/5/end': apiError(409, 'shift_ended'),
  });
  comp.instance.openEnd();
  await comp.instance.confirmEnd();
  await settle();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '这一班已经交班了' }));
  expect(comp.dom.querySelector('.end-panel')).toBeNull();
  expect(text('.start-button')).toBe('扫码上岗');
});

test('offline: the shift kept on the phone with the stale banner', async () => {
  wx.storage.set(`${PREFIX}guard_shift`, { value: ON_SHIFT, savedAt: Date.parse('2026-11-29T10:40:00+00:00') });
  await open({ 'GET /api/v1/guard/shifts/current': NETWORK_DOWN });
  expect(text('.stale-banner')).toMatch(/^网络不可用 · 显示的是 .+ 保存的内容$/);
  expect(text('.shift-place')).toBe('符离中心小学 东大门');
  expect(texts('.log .row-title')).toEqual(['交通拥堵', '流动摊贩']);
  expect(texts('.raise')).toEqual([]); // raising needs the server
});

test('offline with nothing kept: the error with 重试', async () => {
  await open({ 'GET /api/v1/guard/shifts/current': NETWORK_DOWN });
  expect(comp.instance.data.state).toBe('error');
  expect(comp.instance.data.offline).toBe(true);
  expect(comp.dom.querySelector('.start-button')).toBeNull();
});

test('entries still on the phone show above the log, a refused one with its reason and 删除', async () => {
  wx.fs.files.set('http://tmp/a.jpg', 'jpeg');
  guardOutbox.add({
    clientUuid: '00000000-0000-4000-8000-000000000001',
    photos: ['http://tmp/a.jpg'],
    kind: 'loitering',
    note: '',
    position: { lat: 1, lng: 2, accuracy: 5, coord_system: 'gcj02' },
    occurredAt: '2026-11-29T10:20:00+00:00',
    raiseHazard: false,
  });
  await open({
    'GET /api/v1/guard/shifts/current': { status: 200, body: ON_SHIFT },
    'POST /api/v1/photos': { status: 201, body: { id: 41 } },
    'POST /api/v1/guard/logs': apiError(409, 'no_open_shift'),
  });
  expect(texts('.queued .row-title')).toEqual(['可疑人员']);
  expect(texts('.queued .van-tag')).toEqual(['发送失败']);
  expect(text('.queued .row-error')).toBe('你还没有上岗（或已经交班），请先扫码上岗');
  expect(text('.queued .delete')).toBe('删除');
});
