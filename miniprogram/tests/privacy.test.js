const path = require('path');
const simulate = require('miniprogram-simulate');
const { installWx } = require('./helpers/wx');
const { ROOT } = require('./helpers/page');

const POPUP = path.join(ROOT, 'components/privacy-popup/index');

let wx;
let privacy;

beforeEach(() => {
  wx = installWx();
  jest.isolateModules(() => { privacy = require('../utils/privacy'); });
});

describe('utils/privacy', () => {
  test('install registers the handler only where the API exists', () => {
    expect(privacy.install()).toBe(true);
    expect(wx.onNeedPrivacyAuthorization).toHaveBeenCalledWith(privacy.handleNeed);
    delete wx.onNeedPrivacyAuthorization;
    expect(privacy.install()).toBe(false);
  });

  test('with no pop-up on the page the request is declined at once', () => {
    const resolve = jest.fn();
    privacy.handleNeed(resolve, { referrer: 'wx.scanCode' });
    expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
  });

  test('the newest attached pop-up answers; a detached one no longer does', () => {
    const first = { open: jest.fn() };
    const second = { open: jest.fn() };
    privacy.attach(first);
    privacy.attach(second);
    const resolve = jest.fn();
    privacy.handleNeed(resolve, {});
    expect(second.open).toHaveBeenCalledWith(resolve, {});
    expect(first.open).not.toHaveBeenCalled();
    privacy.detach(second);
    privacy.handleNeed(resolve, {});
    expect(first.open).toHaveBeenCalledTimes(1);
  });
});

describe('privacy-popup component (miniprogram-simulate)', () => {
  // Load once: under jest, simulate can't re-run a component's JS for a second load().
  let popupId;
  beforeAll(() => { popupId = simulate.load(POPUP, { compiler: 'simulate' }); });

  let rendered = [];
  afterEach(() => {
    rendered.forEach((comp) => comp.detach());
    rendered = [];
  });

  /** Render the popup, attached so it registers itself with utils/privacy. */
  function renderPopup() {
    const comp = simulate.render(popupId);
    comp.attach(document.createElement('parent-wrapper'));
    rendered.push(comp);
    return comp;
  }

  // The module instance the component required (the test file's registry, not an isolated one).
  const sharedPrivacy = () => require('../utils/privacy');

  test('the agree button is the open-type button WeChat requires', () => {
    const wxml = require('fs').readFileSync(`${POPUP}.wxml`, 'utf8');
    const agree = /<button[^>]*id="agree-btn"[^>]*>/.exec(wxml)[0];
    expect(agree).toContain('open-type="agreePrivacyAuthorization"');
    expect(agree).toContain('bindagreeprivacyauthorization="onAgree"');
  });

  test('is hidden until WeChat asks', () => {
    const comp = renderPopup();
    expect(comp.querySelector('.mask')).toBeUndefined();
  });

  test('"同意" resolves with {buttonId: "agree-btn", event: "agree"} and hides', async () => {
    const comp = renderPopup();
    const agree = jest.fn();
    comp.addEventListener('agree', agree);
    const resolve = jest.fn();
    sharedPrivacy().handleNeed(resolve, { referrer: 'wx.scanCode' });
    await simulate.sleep(0);
    expect(comp.querySelector('.mask')).toBeDefined();
    expect(comp.dom.textContent).toContain('《校园安全小程序隐私保护指引》');

    const button = comp.querySelector('#agree-btn');
    button.dispatchEvent('agreeprivacyauthorization');
    await simulate.sleep(0);

    expect(resolve).toHaveBeenCalledWith({ buttonId: 'agree-btn', event: 'agree' });
    expect(agree).toHaveBeenCalledTimes(1);
    expect(comp.querySelector('.mask')).toBeUndefined();
  });

  test('"不同意" resolves with {event: "disagree"}', async () => {
    const comp = renderPopup();
    const resolve = jest.fn();
    sharedPrivacy().handleNeed(resolve, {});
    await simulate.sleep(0);
    comp.querySelector('#disagree-btn').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
    expect(comp.querySelector('.mask')).toBeUndefined();
  });

  test('shows the contract name WeChat reports, and opens the contract', async () => {
    wx.getPrivacySetting.mockImplementation(({ success }) => success({ needAuthorization: true, privacyContractName: '《某某隐私指引》' }));
    const comp = renderPopup();
    sharedPrivacy().handleNeed(jest.fn(), {});
    await simulate.sleep(0);
    expect(comp.querySelector('.link').dom.textContent).toBe('《某某隐私指引》');
    comp.querySelector('.link').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(wx.openPrivacyContract).toHaveBeenCalled();
  });

  test('leaving the page declines a pending request and unregisters the pop-up', async () => {
    const comp = renderPopup();
    const resolve = jest.fn();
    sharedPrivacy().handleNeed(resolve, {});
    comp.detach();
    expect(resolve).toHaveBeenCalledWith({ event: 'disagree' });
    const later = jest.fn();
    sharedPrivacy().handleNeed(later, {});
    expect(later).toHaveBeenCalledWith({ event: 'disagree' });
  });
});
