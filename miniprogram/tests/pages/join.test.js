const { installWx, serve, apiError, flush } = require('../helpers/wx');
const { loadPage, stubApp } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');
const { SCHOOL_A } = require('../helpers/fixtures');

const GRANT = { id: 9, role: 'teacher', role_name: '巡查教师', unit: SCHOOL_A, class: null };
let wx;
let app;
let page;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  app = stubApp({});
  page = loadPage('pages/join/index', { app });
});

test('scanning a SAFETY-INVITE: QR code redeems the bare, uppercased code', async () => {
  const calls = serve(wx, { 'POST /api/v1/invitations/redeem': { status: 201, body: { grant: GRANT } } });
  wx.scanCode.mockImplementation(({ success }) => success({ result: 'SAFETY-INVITE:ab7k m2qx' }));
  page.scan();
  await flush();
  await flush();

  expect(wx.scanCode.mock.calls[0][0].onlyFromCamera).toBe(false);
  expect(calls).toHaveLength(1);
  expect(calls[0].data).toEqual({ code: 'AB7KM2QX' });
  expect(page.data.joined).toBe('巡查教师 @ 城东第一小学');
  expect(app.getMe).toHaveBeenCalledWith({ refresh: true });
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '加入成功' }));
});

test('a bare code from the QR works too', async () => {
  const calls = serve(wx, { 'POST /api/v1/invitations/redeem': { status: 201, body: { grant: GRANT } } });
  wx.scanCode.mockImplementation(({ success }) => success({ result: 'AB7KM2QX' }));
  page.scan();
  await flush();
  expect(calls[0].data).toEqual({ code: 'AB7KM2QX' });
});

test('a typed code is uppercased with spaces removed', async () => {
  const calls = serve(wx, { 'POST /api/v1/invitations/redeem': { status: 201, body: { grant: GRANT } } });
  page.onCodeInput({ detail: ' ab7k m2qx ' });
  await page.redeem();
  expect(calls[0].data).toEqual({ code: 'AB7KM2QX' });
});

test('a code of the wrong length is refused before calling the server', async () => {
  serve(wx, {});
  page.onCodeInput({ detail: 'abc12' });
  await page.redeem();
  expect(wx.request).not.toHaveBeenCalled();
  expect(page.data.error).toBe('邀请码应为 8 位字母或数字');
  page.onCodeInput({ detail: '' });
  await page.redeem();
  expect(page.data.error).toBe('请输入邀请码');
});

test('server errors are shown in Chinese', async () => {
  serve(wx, { 'POST /api/v1/invitations/redeem': apiError(409, 'invitation_used_up') });
  page.onCodeInput({ detail: 'AB7KM2QX' });
  await page.redeem();
  expect(page.data.error).toBe('这个邀请码的使用名额已满，请联系邀请人');
  expect(page.data.joined).toBe('');
  expect(page.data.submitting).toBe(false);
});

test('cancelling the scanner shows no error', () => {
  wx.scanCode.mockImplementation(({ fail }) => fail({ errMsg: 'scanCode:fail cancel' }));
  page.scan();
  expect(page.data.error).toBe('');
});
