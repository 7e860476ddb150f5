/** The shared components every page builds its states and main action from. */
const simulate = require('miniprogram-simulate');
const { renderTemplate } = require('./helpers/render');

let comp;
afterEach(() => comp && comp.detach());

const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? node.textContent.trim() : null;
};

describe('page-state', () => {
  const TEMPLATE = '<page-state id="state" state="{{state}}" message="{{error}}" offline="{{offline}}" empty-text="还没有隐患" bind:retry="retry" />';

  test('loading, then nothing once the content is there', async () => {
    comp = renderTemplate(TEMPLATE, { state: 'loading', error: '', offline: false });
    expect(text('.van-loading')).toBe('正在加载…');
    comp.setData({ state: '' });
    await simulate.sleep(0);
    expect(comp.dom.querySelector('.page-state')).toBeNull();
  });

  test('an error says what happened and offers a retry that reaches the page', async () => {
    const retry = jest.fn();
    comp = renderTemplate(TEMPLATE, { state: 'error', error: '网络不可用，请检查网络后重试', offline: true }, { retry });
    expect(text('.van-empty')).toContain('网络不可用，请检查网络后重试');
    expect(text('.page-state__hint')).toBe('请检查手机网络后重试');
    expect(comp.dom.querySelector('.van-empty').dataset.image).toBe('network');
    comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(retry).toHaveBeenCalledTimes(1);
  });

  test('a server error has no network hint; empty shows its own words', () => {
    comp = renderTemplate(TEMPLATE, { state: 'error', error: '服务器开小差了', offline: false });
    expect(text('.page-state__hint')).toBeNull();
    expect(comp.dom.querySelector('.van-empty').dataset.image).toBe('error');
    comp.detach();
    comp = renderTemplate(TEMPLATE, { state: 'empty', error: '', offline: false });
    expect(text('.van-empty')).toBe('还没有隐患');
  });
});

describe('action-bar and stale-banner', () => {
  test('the bar holds the page buttons and an optional note', () => {
    comp = renderTemplate('<action-bar note="{{note}}"><van-button type="primary">验收通过</van-button></action-bar>', { note: '验收后隐患即关闭' });
    expect(text('.action-bar__note')).toBe('验收后隐患即关闭');
    expect(text('.action-bar__buttons')).toBe('验收通过');
  });

  test('the banner shows when the content was saved, and hides without a time', async () => {
    const saved = new Date(new Date().getFullYear(), 10, 29, 10, 2).getTime();
    comp = renderTemplate('<stale-banner saved-at="{{savedAt}}" />', { savedAt: saved });
    await simulate.sleep(0);
    expect(text('.stale-banner')).toBe('网络不可用 · 显示的是 11月29日 10:02 保存的内容');
    comp.setData({ savedAt: '' });
    await simulate.sleep(0);
    expect(comp.dom.querySelector('.stale-banner')).toBeNull();
  });
});
