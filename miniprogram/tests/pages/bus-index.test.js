/**
 * 校车登记 in each state: the buses with their plate, operator, seats, trips in the day's order,
 * drivers, served schools and document alerts; loading, empty and error; 新增校车 and a bus open
 * the form (a bus run by another school is not edited here); 打印二维码 opens the PDF sheet;
 * 更换二维码 only after a red confirmation.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { SCHOOL_A, CENTER, grant } = require('../helpers/fixtures');
const { YEAR, bus } = require('../helpers/buses');
const { TOKEN_KEY } = require('../../utils/session');

const OFFICER = {
  user: { id: 9, display_name: '李主任' },
  grants: [grant(1, 'school_admin', '学校安全负责人', SCHOOL_A)],
  children: [],
  capabilities: ['bus.manage', 'patrol.do', 'hazard.plan'],
};
const OTHERS = bus(3, {
  plate: '皖L55555',
  school: { id: 9, name: '符离中心小学' },
  schools: [{ id: 9, name: '符离中心小学' }, { id: 3, name: '城东第一小学' }],
  agreement: { number: 'A1', expires_on: '2027-08-01', state: 'valid' },
  video_alarm: { device: '海康 DS-MP5604', fitted: true },
  drivers: [],
});
const VALID = bus(2, {
  plate: '皖L67890',
  seats: 19,
  agreement: { number: null, expires_on: null, state: 'missing' },
  video_alarm: { device: '海康 DS-MP5604', fitted: true },
  schools: [{ id: 3, name: '城东第一小学' }],
  trips: [{ code: 'noon', name: '午班', departs_at: '12:10' }],
  drivers: [{ id: 2, name: '李四', phone: null, licence_no: null, licence_expires_on: `${YEAR}-12-20`, licence_state: 'expiring' }],
});

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const keyed = (key) => calls.filter((c) => c.key === key);

/** The page for `me`, shown. */
async function open(extra = {}, me = OFFICER, query = {}) {
  calls = serve(wx, {
    'GET /api/v1/buses': { status: 200, body: { buses: [bus(1), VALID, OTHERS] } },
    ...extra,
  });
  page = loadPage('pages/bus/index', { app: stubApp(me) });
  page.onLoad(query);
  await page.onShow();
}

test("the school's buses: plate, operator, seats, trips, drivers, schools and alerts in their tones", async () => {
  await open();
  expect(keyed('GET /api/v1/buses')[0].query).toEqual({ unit_id: '3' });
  const rows = page.data.rows;
  expect(rows.map((r) => [r.plate, r.seats, r.operator, r.trips, r.drivers, r.schools, r.mayManage])).toEqual([
    ['皖L12345', '35 座', '宿州平安校车公司', '早班 07:10 · 晚班 16:40', '驾驶员 张三', '城东第一小学，也接送城东幼儿园', true],
    ['皖L67890', '19 座', '宿州平安校车公司', '午班 12:10', '驾驶员 李四', '城东第一小学', true],
    ['皖L55555', '35 座', '宿州平安校车公司', '早班 07:10 · 晚班 16:40', '', '符离中心小学，也接送城东第一小学', false],
  ]);
  expect(rows[0].alerts.map((a) => [a.text, a.type])).toEqual([
    ['安全协议将于 12月5日 到期', 'warning'], ['张三的驾驶证已于 1月1日 过期', 'danger'], ['未装视频报警', 'danger'],
  ]);
  expect(rows[1].alerts.map((a) => [a.text, a.type])).toEqual([
    ['没有安全协议', 'danger'], ['李四的驾驶证将于 12月20日 到期', 'warning'],
  ]);
  expect(rows[2].alerts.map((a) => [a.text, a.type])).toEqual([['没有登记驾驶员', 'danger']]);
});

test('rendered: the rows, the tags, 更换二维码 only on the buses the school keeps, both bar buttons', async () => {
  global.getApp = () => stubApp(OFFICER);
  calls = serve(wx, { 'GET /api/v1/buses': { status: 200, body: { buses: [bus(1), OTHERS] } } });
  const comp = renderPage('pages/bus/index');
  comp.instance.onLoad({});
  await comp.instance.onShow();
  await simulate.sleep(0);
  const dom = comp.dom;
  expect([...dom.querySelectorAll('.plate')].map((n) => n.textContent)).toEqual(['皖L12345', '皖L55555']);
  expect([...dom.querySelectorAll('.action--danger')].map((n) => n.textContent)).toEqual(['更换二维码']);
  expect([...dom.querySelectorAll('.van-tag')].map((n) => n.dataset.type)).toEqual(['warning', 'danger', 'danger', 'danger']);
  expect(dom.querySelector('.print').textContent.trim()).toBe('打印二维码');
  expect(dom.querySelector('.create').textContent.trim()).toBe('新增校车');
  comp.detach();
  // Only served by others' buses: nothing of its own to print.
  calls = serve(wx, { 'GET /api/v1/buses': { status: 200, body: { buses: [OTHERS] } } });
  const served = renderPage('pages/bus/index');
  served.instance.onLoad({});
  await served.instance.onShow();
  await simulate.sleep(0);
  expect(served.dom.querySelector('.print')).toBeNull();
  expect(served.dom.querySelector('.create').textContent.trim()).toBe('新增校车');
  served.detach();
});

test('loading, empty and error states', async () => {
  global.getApp = () => stubApp(OFFICER);
  const comp = renderPage('pages/bus/index');
  expect(comp.dom.querySelector('.van-loading').textContent.trim()).toBe('正在加载校车…');
  comp.detach();
  await open({ 'GET /api/v1/buses': [{ status: 200, body: { buses: [] } }, apiError(403, 'forbidden')] });
  expect(page.data.state).toBe('empty');
  await page.onPullDownRefresh();
  expect(page.data).toMatchObject({ state: 'error', error: '你没有权限进行这个操作' });
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});

test('新增校车 opens the form for the school; a bus of the school opens its form, another school\'s does not', async () => {
  await open();
  page.create();
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/bus/edit?school_id=3' });
  page.edit(tapEvent({ id: 1, manage: true }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/bus/edit?id=1' });
  wx.navigateTo.mockClear();
  page.edit(tapEvent({ id: 3, manage: false }));
  expect(wx.navigateTo).not.toHaveBeenCalled();
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '这辆车由其他学校登记，请联系该校修改' }));
});

test('打印二维码 downloads the sheet of the school and opens it as a PDF', async () => {
  await open({ 'GET /api/v1/buses/sheet': { status: 200, body: {} } });
  wx.openDocument = jest.fn();
  await page.print();
  expect(keyed('GET /api/v1/buses/sheet')[0]).toMatchObject({ kind: 'download', query: { school_id: '3' } });
  expect(wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ fileType: 'pdf', showMenu: true, filePath: expect.stringMatching(/^wxfile:\/\/tmp\//) }));
  expect(page.data.printing).toBe(false);
});

test('打印二维码 only for a school that runs a bus; a sheet with no bus is explained', async () => {
  await open({ 'GET /api/v1/buses': { status: 200, body: { buses: [OTHERS] } }, 'GET /api/v1/buses/sheet': apiError(409, 'no_buses') });
  expect(page.data.printable).toBe(false);
  await open({ 'GET /api/v1/buses/sheet': apiError(409, 'no_buses') });
  expect(page.data.printable).toBe(true);
  await page.print();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '这所学校还没有在用的校车，没有二维码可以打印' }));
});

test('打印二维码 that fails to download says why', async () => {
  await open({ 'GET /api/v1/buses/sheet': apiError(403, 'forbidden') });
  wx.openDocument = jest.fn();
  await page.print();
  expect(wx.openDocument).not.toHaveBeenCalled();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有下载成功', content: '你没有权限进行这个操作' }));
  expect(page.data.printing).toBe(false);
});

test('更换二维码 only after a red confirmation', async () => {
  await open({ 'POST /api/v1/buses/1/token': { status: 200, body: bus(1) } });
  wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
  await page.replaceToken(tapEvent({ id: 1, plate: '皖L12345' }));
  expect(keyed('POST /api/v1/buses/1/token')).toHaveLength(0);
  expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '更换二维码', confirmColor: '#d4001a', confirmText: '更换' });
  expect(wx.showModal.mock.calls[0][0].content).toContain('“皖L12345”车内原来的二维码立即失效');
  await page.replaceToken(tapEvent({ id: 1, plate: '皖L12345' }));
  expect(keyed('POST /api/v1/buses/1/token')).toHaveLength(1);
  expect(wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已更换' }));
});

test('someone above schools picks among the schools below; a link chooses one', async () => {
  const above = { ...OFFICER, grants: [grant(2, 'supervisor', '督导', CENTER)] };
  await open({ 'GET /api/v1/hazards/schools': { status: 200, body: { schools: [{ id: 3, name: '城东第一小学' }, { id: 4, name: '城东幼儿园' }] } } }, above, { school_id: '4' });
  expect(page.data.schools.map((s) => s.name)).toEqual(['城东第一小学', '城东幼儿园']);
  expect(keyed('GET /api/v1/buses')[0].query).toEqual({ unit_id: '4' });
  await page.pickSchool({ detail: { value: '0' } });
  expect(keyed('GET /api/v1/buses').map((c) => c.query.unit_id)).toEqual(['4', '3']);
});
