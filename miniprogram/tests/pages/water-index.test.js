/**
 * 水域巡查 in each state: loading, empty (worded for whoever may register), the due visits and the
 * points as a list, the map with a marker per point (a tap selects the point), a point's detail
 * with 去巡查 / 编辑 (may_manage only) / 导航, the unit picker, offline from the copy on the phone,
 * an error with 重试; 登记水域 only with water.manage.
 */
const simulate = require('miniprogram-simulate');
const {
  installWx, serve, apiError, allowSubscribe, flush,
} = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { SCHOOL_A, DIRECT_SCHOOL, grant } = require('../helpers/fixtures');
const {
  RIVER, POND, due,
} = require('../helpers/water');
const { TOKEN_KEY } = require('../../utils/session');

const PATROL = {
  user: { id: 4, display_name: '张老师' },
  grants: [grant(1, 'water_patrol', '水域巡查员', SCHOOL_A)],
  children: [],
  capabilities: ['patrol.do', 'water.manage', 'hazard.report'],
};
const TEACHER = { ...PATROL, capabilities: ['patrol.do', 'hazard.report'] };
const TWO_SCHOOLS = {
  ...PATROL,
  grants: [grant(1, 'water_patrol', '水域巡查员', SCHOOL_A), grant(2, 'school_admin', '学校安全负责人', DIRECT_SCHOOL)],
};
const NETWORK_DOWN = [{ network: true }, { network: true }, { network: true }];

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  wx.openLocation = jest.fn();
});

const keyed = (key) => calls.filter((c) => c.key === key);

const routes = (extra = {}) => ({
  'GET /api/v1/water-points/due': { status: 200, body: { visits: [due(12)], count: 1 } },
  'GET /api/v1/water-points': { status: 200, body: { water_points: [RIVER, POND] } },
  ...extra,
});

/** The page for `me`, loaded. */
async function open(me = PATROL, extra = {}, query = {}) {
  calls = serve(wx, routes(extra));
  page = loadPage('pages/water/index', { app: stubApp(me) });
  await page.onLoad(query);
}

test("the due visits first, then the school's points in rows", async () => {
  await open();
  expect(keyed('GET /api/v1/water-points')[0].query).toEqual({ unit_id: '3' });
  expect(page.data).toMatchObject({ state: '', mayCreate: true, mode: 'list', savedAt: '' });
  expect(page.data.visits).toEqual([expect.objectContaining({
    name: '沱河符离段', school: '城东第一小学', period: { text: '汛期', type: 'danger' }, url: '/pages/patrol/round?checkpoint_id=37',
  })]);
  expect(page.data.visits[0].deadline).toMatch(/^\d+月\d+日前$/);
  expect(page.data.rows.map((r) => [r.name, r.kindName, r.missing, r.lastVisit])).toEqual([
    ['沱河符离段', '河流', '缺：护栏围挡、救生绳、救生杆', '3天前 张老师'],
    ['张庄大塘', '池塘', '', '从未巡查'],
  ]);
  page.visit(tapEvent({ url: page.data.visits[0].url }));
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/patrol/round?checkpoint_id=37' });
});

test('the first 去巡查 also asks for the visit reminders, inside the tap; the next does not', async () => {
  await open(PATROL, {
    'GET /api/v1/subscriptions/templates': {
      status: 200,
      body: { templates: [{ key: 'patrol_due', template_id: 'T-DUE', remaining: 0 }, { key: 'patrol_missed', template_id: 'T-MISS', remaining: 0 }] },
    },
    'POST /api/v1/subscriptions': { status: 200, body: { templates: [] } },
  });
  const ask = allowSubscribe(wx);
  await page.onShow();
  await page.onShow();
  await flush();
  page.visit(tapEvent({ url: '/pages/patrol/round?checkpoint_id=37' }));
  expect(ask).toHaveBeenCalledTimes(1);
  expect(ask.mock.calls[0][0].tmplIds).toEqual(['T-DUE', 'T-MISS']);
  page.visit(tapEvent({ url: '/pages/patrol/round?checkpoint_id=37' }));
  expect(ask).toHaveBeenCalledTimes(1);
  expect(wx.navigateTo).toHaveBeenCalledTimes(2);
});

test('a point tapped: its detail; 去巡查 by checkpoint id, 编辑 and 导航', async () => {
  await open();
  page.select(tapEvent({ id: 7 }));
  expect(page.data.selected).toMatchObject({ id: 7, name: '沱河符离段', mayManage: true, caretaker: '张村委 13800000000' });
  expect(page.data.map.markers.find((m) => m.id === 7).callout.display).toBe('ALWAYS');
  page.visit(tapEvent({ url: page.data.selected.roundUrl }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/patrol/round?checkpoint_id=37' });
  page.edit();
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/water/edit?id=7' });
  page.navigate();
  expect(wx.openLocation).toHaveBeenCalledWith({ latitude: 33.79, longitude: 116.97, name: '沱河符离段', scale: 16 });
  page.closeDetail();
  expect(page.data.selected).toBeNull();
});

test('the map: a marker per point, the shapes drawn; tapping a marker selects its point', async () => {
  await open();
  page.setMode(tapEvent({ mode: 'map' }));
  expect(page.data.mode).toBe('map');
  expect(page.data.map.markers.map((m) => m.id)).toEqual([7, 8]);
  expect(page.data.map.polylines).toHaveLength(1);
  expect(page.data.map.polygons).toHaveLength(1);
  page.select({ currentTarget: { dataset: {} }, detail: { markerId: 8 } });
  expect(page.data.selected).toMatchObject({ id: 8, name: '张庄大塘', mayManage: false });
  expect([page.data.map.latitude, page.data.map.longitude]).toEqual([33.8, 116.98]);
});

test('empty: worded for whoever may register points, and for whoever may not', async () => {
  const none = { 'GET /api/v1/water-points/due': { status: 200, body: { visits: [], count: 0 } }, 'GET /api/v1/water-points': { status: 200, body: { water_points: [] } } };
  await open(PATROL, none);
  expect(page.data).toMatchObject({ state: 'empty', emptyText: '还没有登记需要巡查的水域。站在水域边，点“登记水域”' });
  await open(TEACHER, none);
  expect(page.data).toMatchObject({ state: 'empty', mayCreate: false, emptyText: '还没有登记需要巡查的水域' });
});

test('offline: the copy kept on the phone, under the stale banner; an error otherwise, with 重试', async () => {
  await open();
  serve(wx, { 'GET /api/v1/water-points/due': NETWORK_DOWN, 'GET /api/v1/water-points': NETWORK_DOWN });
  await page.onPullDownRefresh();
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  expect(page.data.state).toBe('');
  expect(page.data.savedAt).toBeGreaterThan(0);
  expect(page.data.rows).toHaveLength(2);

  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  await open(PATROL, { 'GET /api/v1/water-points': [apiError(403, 'forbidden'), { status: 200, body: { water_points: [RIVER] } }] });
  expect(page.data).toMatchObject({ state: 'error', error: '你没有权限进行这个操作' });
  await page.retry();
  expect(page.data.state).toBe('');
  expect(page.data.rows).toHaveLength(1);
}, 15000);

test('several units: a picker; another unit loads its points; back from a round reloads', async () => {
  await open(TWO_SCHOOLS, {}, { unit_id: '5' });
  expect(page.data.units.map((u) => u.name)).toEqual(['城东第一小学', '区直实验学校']);
  expect(page.data.unitIndex).toBe(1);
  expect(keyed('GET /api/v1/water-points')[0].query).toEqual({ unit_id: '5' });
  await page.pickUnit({ detail: { value: '0' } });
  expect(keyed('GET /api/v1/water-points')[1].query).toEqual({ unit_id: '3' });
  await page.onShow();
  expect(keyed('GET /api/v1/water-points')).toHaveLength(2); // the first show follows onLoad
  await page.onShow();
  expect(keyed('GET /api/v1/water-points')).toHaveLength(3);
  page.create();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/water/edit?unit_id=3' });
});

describe('as rendered', () => {
  let comp;
  afterEach(() => comp.detach());
  const text = (selector) => {
    const node = comp.dom.querySelector(selector);
    return node ? node.textContent.trim().replace(/\s+/g, ' ') : null;
  };
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));

  /** Render the page for `me` and load it. */
  async function render(me = PATROL, extra = {}) {
    serve(wx, routes(extra));
    global.getApp = () => stubApp(me);
    comp = renderPage('pages/water/index');
    await comp.instance.onLoad({});
    await simulate.sleep(0);
  }

  test('loading: the words, no button yet', () => {
    global.getApp = () => stubApp(PATROL);
    comp = renderPage('pages/water/index');
    expect(text('.van-loading')).toBe('正在加载水域…');
    expect(comp.dom.querySelector('.create')).toBeNull();
  });

  test('the list: 待巡查 with the period tag and 去巡查, the rows with what is missing, 登记水域', async () => {
    await render();
    expect(texts('.section-name')).toEqual(['待巡查', '水域 2 处']);
    expect(texts('.due .van-tag')).toEqual(['汛期']);
    expect(comp.dom.querySelector('.due .van-tag').dataset.type).toBe('danger');
    expect(text('.due .row-meta')).toBe('城东第一小学 · 河流');
    expect(text('.go')).toBe('去巡查');
    expect(texts('.row .row-title')).toEqual(['沱河符离段', '张庄大塘']);
    expect(texts('.missing')).toEqual(['缺：护栏围挡、救生绳、救生杆']);
    expect(texts('.never')).toEqual(['从未巡查']);
    expect(text('.create')).toBe('登记水域');
    expect(comp.dom.querySelector('.map')).toBeNull();
    expect(comp.dom.querySelector('.sheet')).toBeNull();
  });

  test('a row tapped opens the detail sheet; 编辑 only for who may manage', async () => {
    await render();
    comp.querySelectorAll('.row')[0].dispatchEvent('tap');
    await simulate.sleep(0);
    expect(text('.sheet .row-title')).toBe('沱河符离段');
    expect(texts('.measure--off')).toEqual(['缺护栏围挡', '缺救生绳', '缺救生杆']);
    expect(text('.sheet .edit')).toBe('编辑');
    expect(comp.dom.querySelector('.create')).toBeNull();
    comp.querySelectorAll('.row')[1].dispatchEvent('tap');
    await simulate.sleep(0);
    expect(text('.sheet .row-title')).toBe('张庄大塘');
    expect(comp.dom.querySelector('.sheet .edit')).toBeNull();
  });

  test('the map mode shows the map instead of the rows', async () => {
    await render();
    comp.querySelectorAll('.mode')[1].dispatchEvent('tap');
    await simulate.sleep(0);
    expect(comp.dom.querySelector('.map')).not.toBeNull();
    expect(comp.dom.querySelectorAll('.row')).toHaveLength(0);
  });

  test('an error: 重试, and no 登记水域 under it', async () => {
    await render(PATROL, { 'GET /api/v1/water-points': apiError(500, 'internal_error') });
    expect(text('.van-empty')).toContain('服务器出错了，请稍后再试');
    expect(comp.dom.querySelector('.create')).toBeNull();
  });

  test('without water.manage: no 登记水域', async () => {
    await render(TEACHER);
    expect(comp.dom.querySelector('.create')).toBeNull();
    expect(texts('.row .row-title')).toHaveLength(2);
  });
});
