/** 电脑端登录: scanning the PC's code with the camera, confirming, and every answer in words. */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { renderPage } = require('../helpers/render');
const { stubApp } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');

const CODE = 'Zq3_x-9aBcDeFgHiJkLmNoPqRsTuVwXy';
let wx;
let comp;

const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? node.textContent.trim() : null;
};
const tap = (selector) => comp.querySelector(selector).querySelector('.van-button').dispatchEvent('tap');

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  global.getApp = () => stubApp({ user: { id: 1, display_name: '王主任(区安全办)' } });
});
afterEach(() => comp.detach());

async function open(query) {
  comp = renderPage('pages/console/confirm');
  await comp.instance.onLoad(query);
  await simulate.sleep(0);
}

test('opened from the tile: the camera (only) scans the PC code, then the question with the name', async () => {
  wx.scanCode.mockImplementation(({ success }) => success({ result: `SAFETY-WEB:${CODE}` }));
  await open({});
  expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true, scanType: ['qrCode'] }));
  expect(text('.title')).toBe('在电脑上登录校园安全管理台？');
  expect(text('.name')).toBe('王主任(区安全办)');
  expect(comp.querySelector('.confirm')).not.toBeNull();
  expect(comp.querySelector('.cancel')).not.toBeNull();
});

test('确认登录 sends the code and says the PC logs in', async () => {
  const calls = serve(wx, { 'POST /api/v1/console-logins/confirm': { status: 200, body: { approved_at: 'x', expires_at: 'y' } } });
  await open({ code: CODE });
  expect(wx.scanCode).not.toHaveBeenCalled();
  tap('.confirm');
  await simulate.sleep(0);
  await simulate.sleep(0);
  expect(calls).toHaveLength(1);
  expect(calls[0].data).toEqual({ code: CODE });
  expect(text('.title')).toBe('已确认登录');
  expect(text('.message')).toBe('已确认，电脑上的管理台将自动登录');
});

test('an expired code says to refresh it on the PC, and offers to scan again', async () => {
  serve(wx, { 'POST /api/v1/console-logins/confirm': apiError(410, 'code_expired') });
  await open({ code: CODE });
  await comp.instance.confirm();
  await simulate.sleep(0);
  expect(text('.title')).toBe('二维码已过期');
  expect(text('.message')).toBe('二维码已过期，请在电脑上刷新');
  expect(comp.querySelector('.rescan')).not.toBeNull();
});

test('a parent-only account is told it cannot log in to the console', async () => {
  serve(wx, { 'POST /api/v1/console-logins/confirm': apiError(403, 'forbidden') });
  await open({ code: CODE });
  await comp.instance.confirm();
  await simulate.sleep(0);
  expect(text('.title')).toBe('未能登录');
  expect(text('.message')).toContain('不能登录管理台');
});

test('取消 sends nothing', async () => {
  const calls = serve(wx, {});
  await open({ code: CODE });
  tap('.cancel');
  await simulate.sleep(0);
  expect(calls).toHaveLength(0);
  expect(text('.title')).toBe('已取消');
});

test('another QR code is not sent; a cancelled camera leaves the scan button', async () => {
  const calls = serve(wx, {});
  wx.scanCode.mockImplementation(({ success }) => success({ result: 'SAFETY-CP:cp_token_AAAAAAAAAAAAAAAAAAAA' }));
  await open({});
  expect(calls).toHaveLength(0);
  expect(text('.message--warn')).toBe('这不是管理台的登录二维码，请扫描电脑上显示的二维码');
  wx.scanCode.mockImplementation(({ fail }) => fail({ errMsg: 'scanCode:fail cancel' }));
  await comp.instance.scan();
  await simulate.sleep(0);
  expect(text('.message--warn')).toBeNull();
  expect(comp.querySelector('.scan')).not.toBeNull();
});
