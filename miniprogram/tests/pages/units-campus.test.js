const { installWx, serve, apiError, POSITION } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let page;
let calls;

const EMPTY = { id: 12, name: '城东第一小学', coord_system: null, center: null, radius_m: null, polygon: null };
const HERE = { lat: POSITION.latitude, lng: POSITION.longitude };

async function open(campus, extra = {}) {
  calls = serve(wx, {
    'GET /api/v1/units/12/campus': { status: 200, body: campus },
    'PUT /api/v1/units/12/campus': ({ data }) => ({ status: 200, body: { ...EMPTY, ...data } }),
    ...extra,
  });
  page = loadPage('pages/units/campus', { app: stubApp({}) });
  await page.onLoad({ id: '12' });
}

const puts = () => calls.filter((c) => c.key === 'PUT /api/v1/units/12/campus');

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('no boundary yet: pick the centre on the map, set the radius, save in GCJ-02', async () => {
  await open(EMPTY);
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '城东第一小学 · 校园范围' });
  await page.save();
  expect(page.data.formError).toBe('请先在地图上选择校园中心');
  expect(puts()).toHaveLength(0);
  await page.pickCenter();
  expect(page.data.center).toEqual(HERE);
  expect(page.data.shapes.circles[0]).toMatchObject({ latitude: HERE.lat, longitude: HERE.lng, radius: 200 });
  page.onRadiusChange({ detail: 350 });
  await page.save();
  expect(puts()[0].data).toEqual({ coord_system: 'gcj02', center: HERE, radius_m: 350 });
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已保存校园范围', icon: 'success' });
});

test('a polygon along the fence needs three points; the last can be taken back', async () => {
  await open({ ...EMPTY, center: HERE, radius_m: 180, coord_system: 'gcj02' });
  expect(page.data).toMatchObject({ mode: 'circle', radius: 180 });
  page.setMode(tapEvent({ mode: 'polygon' }));
  await page.addPoint();
  await page.addPoint();
  await page.save();
  expect(page.data.formError).toBe('请沿校园边界至少选择 3 个点');
  await page.addPoint();
  await page.addPoint();
  page.removeLastPoint();
  expect(page.data.points).toHaveLength(3);
  expect(page.data.shapes.polygons[0].points).toHaveLength(3);
  await page.save();
  expect(puts()[0].data).toEqual({ coord_system: 'gcj02', polygon: [HERE, HERE, HERE] });
});

test('cancelling the map changes nothing; a refusal is shown in Chinese', async () => {
  await open(EMPTY, { 'PUT /api/v1/units/12/campus': apiError(403, 'forbidden') });
  wx.chooseLocation.mockImplementationOnce(({ fail }) => fail({ errMsg: 'chooseLocation:fail cancel' }));
  await page.pickCenter();
  expect(page.data.center).toBeNull();
  await page.pickCenter();
  await page.save();
  expect(page.data.formError).toBe('你没有权限进行这个操作');
  expect(page.data.saving).toBe(false);
});

test('the units page links a school to its campus for those who may draw it', async () => {
  serve(wx, {
    'GET /api/v1/units/12': { status: 200, body: { id: 12, name: '城东第一小学', kind: 'school', kind_name: '学校', ownership: 'public', code: 'S1', parent_id: 2 } },
    'GET /api/v1/units/12/classes': { status: 200, body: { classes: [] } },
  });
  const units = loadPage('pages/units/index', { app: stubApp({ capabilities: ['unit.view', 'unit.campus'] }) });
  await units.onLoad({ id: '12' });
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(units.data.canDrawCampus).toBe(true);
  units.openCampus();
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/units/campus?id=12' });
});
