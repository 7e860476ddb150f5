const { installWx, serve, apiError, flush } = require('../helpers/wx');
const { loadPage, stubApp } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');
const { SCHOOL_A } = require('../helpers/fixtures');

const GRANT = { id: 9, role: 'teacher', role_name: '巡查教师', unit: SCHOOL_A, class: null };
let wx;
let app;
let page;

beforeEach(async () => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  app = stubApp({ user: { id: 3, display_name: '陈老师' } });
  page = loadPage('pages/join/index', { app });
  await page.onLoad();
});

test('scanning a SAFETY-INVITE: QR code redeems the bare, uppercased code', async () => {
  const calls = serve(wx, { 'POST /api/v1/invitations/redeem': { status: 201, body: { grant: GRANT } } });
  wx.scanCode.mockImplementation(({ success }) => success({ result: 'SAFETY-INVITE:ab7k m2qx' }));
  page.scan();
  await flush();
  await flush();

  expect(wx.scanCode.mock.calls[0][0].onlyFromCamera).toBe(false);
  expect(calls).toHaveLength(1);
  expect(calls[0].data).toEqual({ code: 'AB7KM2QX', display_name: '陈老师' });
  expect(page.data.joined).toBe('巡查教师 · 城东第一小学');
  expect(app.getMe).toHaveBeenCalledWith({ refresh: true });
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '加入成功' }));
});

test('a bare code from the QR works too', async () => {
  const calls = serve(wx, { 'POST /api/v1/invitations/redeem': { status: 201, body: { grant: GRANT } } });
  wx.scanCode.mockImplementation(({ success }) => success({ result: 'AB7KM2QX' }));
  page.scan();
  await flush();
  expect(calls[0].data).toEqual({ code: 'AB7KM2QX', display_name: '陈老师' });
});

test('a typed code is uppercased with spaces removed', async () => {
  const calls = serve(wx, { 'POST /api/v1/invitations/redeem': { status: 201, body: { grant: GRANT } } });
  page.onCodeInput({ detail: ' ab7k m2qx ' });
  await page.redeem();
  expect(calls[0].data).toEqual({ code: 'AB7KM2QX', display_name: '陈老师' });
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

describe('the person gives their name when joining', () => {
  beforeEach(async () => {
    app = stubApp({ user: { id: 4, display_name: null } });
    page = loadPage('pages/join/index', { app });
    await page.onLoad();
  });

  test('a person without a name must give one before the server is asked', async () => {
    serve(wx, {});
    expect(page.data.name).toBe('');
    page.onCodeInput({ detail: 'AB7KM2QX' });
    await page.redeem();
    expect(wx.request).not.toHaveBeenCalled();
    expect(page.data.nameError).toBe('请填写姓名');
  });

  test('the nickname input fills the name; the phone is sent when given', async () => {
    const calls = serve(wx, { 'POST /api/v1/invitations/redeem': { status: 201, body: { grant: GRANT } } });
    page.onNameInput({ detail: { value: ' 王芳 ' } });
    page.onPhoneInput({ detail: '13800138000' });
    page.onCodeInput({ detail: 'AB7KM2QX' });
    await page.redeem();
    expect(calls[0].data).toEqual({ code: 'AB7KM2QX', display_name: '王芳', phone: '13800138000' });
  });

  test('a wrong mobile number or a long name is refused on the phone', async () => {
    serve(wx, {});
    page.onNameInput({ detail: { value: '名'.repeat(21) } });
    page.onPhoneInput({ detail: '2380013800' });
    page.onCodeInput({ detail: 'AB7KM2QX' });
    await page.redeem();
    expect(wx.request).not.toHaveBeenCalled();
    expect(page.data.nameError).toBe('姓名最多 20 个字');
    expect(page.data.phoneError).toBe('请填写 11 位手机号码，或留空');
  });

  test('a nickname WeChat refuses is cleared', () => {
    page.onNameInput({ detail: { value: '坏名字' } });
    page.onNameReview({ detail: { pass: false, timeout: false } });
    expect(page.data.name).toBe('');
    expect(page.data.nameError).toBe('这个名字未通过微信审核，请换一个');
  });

  test('the chosen avatar is kept on the phone only', () => {
    wx.fs.files.set('wxfile://tmp/a.png', 'png');
    serve(wx, {});
    page.onChooseAvatar({ detail: { avatarUrl: 'wxfile://tmp/a.png' } });
    expect(page.data.avatarUrl).toMatch(/^wxfile:\/\/usr\/avatar-/);
    expect(wx.storage.get('avatar_path')).toBe(page.data.avatarUrl);
    expect(wx.request).not.toHaveBeenCalled();
    expect(wx.uploadFile).not.toHaveBeenCalled();
  });

  test('the page asks WeChat for the nickname and avatar with its own components', () => {
    const fs = require('fs');
    const path = require('path');
    const wxml = fs.readFileSync(path.join(__dirname, '../../pages/join/index.wxml'), 'utf8');
    expect(wxml).toMatch(/<input[^>]*type="nickname"/);
    expect(wxml).toMatch(/open-type="chooseAvatar"/);
    expect(wxml).not.toMatch(/getUserProfile/);
  });
});
