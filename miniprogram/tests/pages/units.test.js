const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');
const { BUREAU, CENTER, SCHOOL_A, KINDER, UNITS_BELOW, CLASSES } = require('../helpers/fixtures');

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  calls = serve(wx, {
    'GET /api/v1/units': (req) => ({ status: 200, body: { units: req.query.parent_id ? UNITS_BELOW[req.query.parent_id] : [BUREAU] } }),
    'GET /api/v1/units/1': { status: 200, body: BUREAU },
    'GET /api/v1/units/2': { status: 200, body: CENTER },
    'GET /api/v1/units/3': { status: 200, body: SCHOOL_A },
    'GET /api/v1/units/3/classes': { status: 200, body: { classes: CLASSES } },
    'GET /api/v1/units/9': apiError(404, 'not_found'),
  });
  page = loadPage('pages/units/index', { app: stubApp({}) });
});

test('without an id lists the top units', async () => {
  await page.onLoad({});
  expect(calls.map((c) => [c.key, c.query])).toEqual([['GET /api/v1/units', {}]]);
  expect(page.data.units).toEqual([{ id: 1, name: '埇桥区教体局', label: '教育局' }]);
  expect(page.data.unit).toBeNull();
});

test('tapping a unit drills down to a page for it', () => {
  page.openUnit(tapEvent({ id: 2 }));
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/units/index?id=2' });
});

test('a non-school unit lists the units below it', async () => {
  await page.onLoad({ id: '2' });
  expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/units/2', 'GET /api/v1/units']);
  expect(calls[1].query).toEqual({ parent_id: '2' });
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '城东中心校' });
  expect(page.data.showClasses).toBe(false);
  expect(page.data.units).toEqual([
    { id: 3, name: '城东第一小学', label: '学校 · 公办' },
    { id: 4, name: KINDER.name, label: '幼儿园 · 民办' },
  ]);
});

test('a school shows its classes, with class codes when the server sends them', async () => {
  await page.onLoad({ id: '3' });
  expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/units/3', 'GET /api/v1/units/3/classes']);
  expect(page.data.showClasses).toBe(true);
  expect(page.data.classes).toEqual([
    { id: 31, name: '一年级1班', grade: '一年级', classCode: 'K7M2QX' },
    { id: 32, name: '一年级2班', grade: '一年级', classCode: '' },
  ]);
  expect(page.data.hasCodes).toBe(true);
  page.copyClassCode(tapEvent({ code: 'K7M2QX' }));
  expect(wx.setClipboardData).toHaveBeenCalledWith({ data: 'K7M2QX' });
  page.copyClassCode(tapEvent({ code: '' }));
  expect(wx.setClipboardData).toHaveBeenCalledTimes(1);
});

test('a unit out of scope shows the Chinese message', async () => {
  await page.onLoad({ id: '9' });
  expect(page.data.error).toBe('要找的内容不存在或已被删除');
  expect(page.data.state).toBe('error');
});
