/** The campaign page as rendered by miniprogram-simulate from its WXML. */
const simulate = require('miniprogram-simulate');
const { installWx, serve } = require('../helpers/wx');
const { renderPage } = require('../helpers/render');
const { TOKEN_KEY } = require('../../utils/session');
const { CAMPAIGN } = require('../helpers/fixtures');

test('the current phase is the one highlighted, with a 进行中 tag', async () => {
  const wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  serve(wx, { 'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN } });
  const comp = renderPage('pages/campaign/index');
  await comp.instance.onLoad();
  await simulate.sleep(0);

  const phases = [...comp.dom.querySelectorAll('.phase')];
  expect(phases).toHaveLength(3);
  expect(phases.map((p) => p.classList.contains('phase-current'))).toEqual([false, true, false]);
  expect(phases[1].querySelector('.van-tag').textContent).toBe('进行中');
  expect(phases[0].querySelector('.van-tag')).toBeNull();
  expect(comp.dom.querySelector('.year').textContent).toContain('当前：全面检查、补齐短板');
  expect([...comp.dom.querySelectorAll('.van-collapse-item__title')].map((n) => n.textContent))
    .toEqual(['1. 消防安全', '2. 食品安全', '3. 校车安全', '4. 防溺水', '5. 防欺凌', '6. 校园周边']);
  expect(comp.dom.querySelectorAll('.problem')).toHaveLength(30);
  comp.detach();
});
