/**
 * 今日巡查 in each state, as rendered from its WXML: loading, an error whose 重试 reloads, empty
 * (with the scan button still there), full (grouped, counted, tagged), stale from the copy on the
 * phone, the rounds waiting to be sent; scanning a checkpoint code or something else; pull to
 * refresh.
 */
const simulate = require('miniprogram-simulate');
const {
  installWx, serve, apiError, allowSubscribe, flush,
} = require('../helpers/wx');
const { TEMPLATES } = require('../helpers/fixtures');
const { renderPage } = require('../helpers/render');
const { slot } = require('../helpers/patrols');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let comp;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  global.getApp = () => ({});
});
afterEach(() => {
  if (comp) comp.instance.onUnload();
  if (comp) comp.detach();
});

const settle = () => simulate.sleep(0);
const all = (selector) => [...comp.dom.querySelectorAll(selector)];
const texts = (selector) => all(selector).map((node) => node.textContent.trim().replace(/\s+/g, ' '));
const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? node.textContent.trim().replace(/\s+/g, ' ') : null;
};
const NETWORK_DOWN = [{ network: true }, { network: true }, { network: true }];

const TODAY = {
  slots: [
    slot(1, '食堂后厨', -10, 20),
    slot(2, '教学楼', 60, 90),
    slot(3, '配电室', -300, -240, 'done', 11),
    slot(4, '宿舍楼', -400, -350, 'missed'),
  ],
  counts: { open: 2, done: 1, late: 0, missed: 1 },
};

/** Render and load the page. */
async function open() {
  comp = renderPage('pages/patrol/today');
  await comp.instance.onShow();
  await settle();
}

test('loading: the words, no scan bar yet', () => {
  comp = renderPage('pages/patrol/today');
  expect(text('.van-loading')).toBe('正在加载今日巡查…');
  expect(comp.dom.querySelector('.scan')).toBeNull();
});

test('full: grouped and counted, with tags, times and the done round to open', async () => {
  calls = serve(wx, { 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
  await open();
  expect(text('.counts')).toBe('待巡查 2 · 已完成 1 · 已错过 1');
  expect(texts('.section-name')).toEqual(['现在该巡查', '稍后', '已完成', '已错过']);
  expect(texts('.row-title')).toEqual(['食堂后厨', '教学楼', '配电室', '宿舍楼']);
  expect(all('.row .van-tag').map((n) => [n.textContent.trim(), n.dataset.type])).toEqual([
    ['待巡查', 'warning'], ['待巡查', 'warning'], ['已完成', 'success'], ['已错过', 'danger'],
  ]);
  expect(texts('.row-window')[0]).toMatch(/^\d+月\d+日 \d\d:\d\d – \d\d:\d\d$/);
  expect(texts('.row-link')).toEqual(['查看巡查结果 ›']);
  comp.querySelectorAll('.row')[2].dispatchEvent('tap');
  await settle();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/patrol/detail?id=11' });
  expect(text('.scan')).toBe('扫码巡查');
  expect(text('.report')).toBe('上报隐患');
});

test('empty: says so, and the scan button is still there', async () => {
  serve(wx, { 'GET /api/v1/patrols/today': { status: 200, body: { slots: [], counts: { open: 0, done: 0, late: 0, missed: 0 } } } });
  await open();
  expect(text('.van-empty')).toBe('今天没有安排巡查。需要时也可以随时扫码巡查');
  expect(text('.scan')).toBe('扫码巡查');
});

test('an error with 重试 that loads again', async () => {
  calls = serve(wx, { 'GET /api/v1/patrols/today': [apiError(500, 'internal_error'), { status: 200, body: TODAY }] });
  await open();
  expect(text('.page-state__message') || text('.van-empty')).toContain('服务器出错了');
  comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
  await settle();
  await settle();
  expect(calls.filter((c) => c.key === 'GET /api/v1/patrols/today')).toHaveLength(2);
  expect(texts('.row-title')).toHaveLength(4);
});

test('offline: the copy kept on the phone, with the stale banner', async () => {
  serve(wx, { 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
  await open();
  comp.detach();
  serve(wx, { 'GET /api/v1/patrols/today': NETWORK_DOWN });
  await open();
  expect(texts('.row-title')).toEqual(['食堂后厨', '教学楼', '配电室', '宿舍楼']);
  expect(comp.dom.textContent).toMatch(/网络不可用/);
});

test('the rounds waiting on the phone are listed; a failed one can be deleted after a red confirmation', async () => {
  wx.storage.set('patrol_outbox', [
    { id: 'a', clientUuid: 'a', title: '食堂后厨', school: '城东第一小学', photos: [], status: 'pending', error: '网络不可用，联网后自动发送' },
    { id: 'b', clientUuid: 'b', title: '配电室', school: '城东第一小学', photos: [], status: 'failed', error: '这一轮巡查你已经提交过了' },
  ]);
  serve(wx, { 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
  await open();
  expect(all('.queued .row').map((row) => row.querySelector('.row-title').textContent)).toEqual(['食堂后厨', '配电室']);
  expect(all('.queued .van-tag').map((n) => [n.textContent.trim(), n.dataset.type])).toEqual([['等待发送', 'warning'], ['发送失败', 'danger']]);
  expect(texts('.row-error')).toEqual(['网络不可用，联网后自动发送', '这一轮巡查你已经提交过了']);
  comp.querySelector('.delete').dispatchEvent('tap');
  await settle();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ confirmColor: '#d4001a', confirmText: '删除' }));
  expect(wx.storage.get('patrol_outbox').map((e) => e.id)).toEqual(['a']);
});

test('扫码巡查: the camera only, a checkpoint code opens its round', async () => {
  serve(wx, { 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
  await open();
  wx.scanCode.mockImplementation(({ success }) => success({ result: 'SAFETY-CP:cp_token_AAAAAAAAAAAAAAAAAAAA' }));
  await comp.instance.scan();
  expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true, scanType: ['qrCode'] }));
  const { url } = wx.navigateTo.mock.calls[0][0];
  expect(url).toMatch(/^\/pages\/patrol\/round\?token=cp_token_AAAAAAAAAAAAAAAAAAAA&scanned_at=\d{4}-\d\d-\d\dT/);
});

test('扫码巡查: another code is explained, a cancelled scan says nothing', async () => {
  serve(wx, { 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
  await open();
  wx.scanCode.mockImplementation(({ success }) => success({ result: 'https://weixin.qq.com/x' }));
  await comp.instance.scan();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有识别到巡查点', content: expect.stringContaining('不是巡查点的二维码') }));
  wx.showModal.mockClear();
  wx.scanCode.mockImplementation(({ fail }) => fail({ errMsg: 'scanCode:fail cancel' }));
  await comp.instance.scan();
  expect(wx.showModal).not.toHaveBeenCalled();
  expect(wx.navigateTo).not.toHaveBeenCalled();
});

test('pull to refresh reloads and stops the spinner', async () => {
  calls = serve(wx, { 'GET /api/v1/patrols/today': { status: 200, body: TODAY } });
  await open();
  await comp.instance.onPullDownRefresh();
  expect(calls).toHaveLength(2);
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});

test('the first 扫码巡查 asks for the pushes of rounds due and missed and the task reminders, once', async () => {
  allowSubscribe(wx, 'accept');
  serve(wx, {
    'GET /api/v1/patrols/today': { status: 200, body: TODAY },
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'POST /api/v1/subscriptions': { status: 200, body: TEMPLATES },
  });
  await open();
  comp.instance.onShow();
  await flush();
  wx.scanCode.mockImplementation(({ fail }) => fail({ errMsg: 'scanCode:fail cancel' }));
  await comp.instance.scan();
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-patrol-due', 'tpl-patrol-missed', 'tpl-task']);
  await comp.instance.scan();
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(wx.scanCode).toHaveBeenCalledTimes(2);
});
