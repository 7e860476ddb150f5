const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');
const { CAMPAIGN } = require('../helpers/fixtures');

let wx;
let page;
beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  page = loadPage('pages/campaign/index', { app: stubApp({}) });
});

test('shows the campaign with the current phase highlighted', async () => {
  serve(wx, { 'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN } });
  await page.onLoad();
  const { campaign } = page.data;
  expect(campaign.name).toBe(CAMPAIGN.name);
  expect(campaign.year).toBe(2023);
  expect(campaign.phases.map((p) => p.current)).toEqual([false, true, false]);
  expect(campaign.currentPhase).toBe('全面检查、补齐短板');
  expect(campaign.phases[1].dates).toBe('2023年4月1日 至 2023年10月31日');
});

test('follows the server when another phase is current', async () => {
  const later = { ...CAMPAIGN, phases: CAMPAIGN.phases.map((p, i) => ({ ...p, current: i === 2 })) };
  serve(wx, { 'GET /api/v1/campaigns/active': { status: 200, body: later } });
  await page.onLoad();
  expect(page.data.campaign.phases.map((p) => p.current)).toEqual([false, false, true]);
  expect(page.data.campaign.currentPhase).toBe('督导评估、巩固提升');
});

test('lists six areas with five focus problems each, all closed until tapped', async () => {
  serve(wx, { 'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN } });
  await page.onLoad();
  const { areas } = page.data.campaign;
  expect(areas).toHaveLength(6);
  expect(areas[0].title).toBe('1. 消防安全');
  expect(areas.every((a) => a.problems.length === 5)).toBe(true);
  expect(page.data.openAreas).toEqual([]);
  page.onAreasChange({ detail: ['area2'] });
  expect(page.data.openAreas).toEqual(['area2']);
});

test('no active campaign shows a friendly empty state', async () => {
  serve(wx, { 'GET /api/v1/campaigns/active': apiError(404, 'no_active_campaign') });
  await page.onLoad();
  expect(page.data.noCampaign).toBe(true);
  expect(page.data.error).toBe('当前没有进行中的专项行动');
});

test('other failures show their message, not the empty state', async () => {
  serve(wx, { 'GET /api/v1/campaigns/active': apiError(500, 'internal_error') });
  await page.onLoad();
  expect(page.data.noCampaign).toBe(false);
  expect(page.data.error).toBe('服务器出错了，请稍后再试');
});
