/**
 * 登记水域 / 编辑水域: the checks in Chinese before anything is sent, the position (here, or on the
 * map), the bank walked vertex by vertex (add, undo, clear, the count), the measures and schools,
 * POST for a new point and PATCH for one being edited, a 422's details on their fields, 停用
 * after a red confirmation, and the states as rendered.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { SCHOOL_A, DIRECT_SCHOOL, grant } = require('../helpers/fixtures');
const { RIVER } = require('../helpers/water');
const { TOKEN_KEY } = require('../../utils/session');

const PATROL = {
  user: { id: 4, display_name: '张老师' },
  grants: [grant(1, 'water_patrol', '水域巡查员', SCHOOL_A)],
  children: [],
  capabilities: ['patrol.do', 'water.manage'],
};
const TWO_SCHOOLS = {
  ...PATROL,
  grants: [grant(1, 'water_patrol', '水域巡查员', SCHOOL_A), grant(2, 'school_admin', '学校安全负责人', DIRECT_SCHOOL)],
};

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const keyed = (key) => calls.filter((c) => c.key === key);
const field = (name, value) => page.input({ currentTarget: { dataset: { field: name } }, detail: value });

/** The form, new (or `?id=`). */
async function open(query = {}, routes = {}, me = PATROL) {
  calls = serve(wx, routes);
  page = loadPage('pages/water/edit', { app: stubApp(me) });
  await page.onLoad(query);
}

/** Fill what a new point needs. */
async function fill() {
  field('name', '沱河符离段');
  page.pickKind(tapEvent({ kind: 'river' }));
  await page.useCurrent();
}

test('a new point: nothing sent until the form is right; each field says what it needs', async () => {
  await open();
  expect(page.data).toMatchObject({ state: '', pointId: null });
  // One school: ticked already.
  expect(page.data.form.schoolIds).toEqual(['3']);
  await page.save();
  expect(keyed('POST /api/v1/water-points')).toHaveLength(0);
  expect(page.data.errors).toEqual({
    name: '请填写水域名称，例如“沱河符离段”',
    kind: '请选择水域类型',
    position: '请确定水域的位置：使用当前位置，或在地图上选',
  });
  expect(wx.showToast).toHaveBeenCalledWith({ title: '还有 3 项需要修改', icon: 'none' });
  // Fixing a field clears its message.
  field('name', '沱河');
  expect(page.data.errors.name).toBeUndefined();
  expect(page.data.errors.kind).toBe('请选择水域类型');
});

test('several schools: the one the list was showing is ticked to start with', async () => {
  await open({ unit_id: '5' }, {}, TWO_SCHOOLS);
  expect(page.data.form.schoolIds).toEqual(['5']);
  expect(page.data.schools.map((s) => [s.name, s.on])).toEqual([['城东第一小学', false], ['区直实验学校', true]]);
});

test('the position where the phone stands, or picked on the map', async () => {
  await open();
  await page.useCurrent();
  expect(page.data.form.position).toMatchObject({ lat: 33.6461, lng: 116.9647, accuracy: 12, coord_system: 'gcj02' });
  expect(page.data.positionText).toBe('已定位（精度约 12 米）');
  expect(page.data.map.circles[0]).toMatchObject({ radius: 50 });
  wx.chooseLocation.mockImplementation(({ success }) => success({ latitude: 33.7, longitude: 116.9 }));
  await page.chooseOnMap();
  expect(page.data.form.position).toEqual({ lat: 33.7, lng: 116.9, coord_system: 'gcj02' });
  expect(page.data.positionText).toBe('已选定位置（33.70000, 116.90000）');
  wx.chooseLocation.mockImplementation(({ fail }) => fail({ errMsg: 'chooseLocation:fail cancel' }));
  await page.chooseOnMap();
  expect(page.data.form.position.lat).toBe(33.7);
});

test('the bank walked: each 添加当前位置 is a vertex, counted; undo; clear after asking', async () => {
  await open();
  page.pickShape(tapEvent({ shape: 'LineString' }));
  expect(page.data.verticesText).toBe('已打 0 个点，至少 2 个点才能连成岸线');
  await page.addVertex();
  // The first vertex is the point's position too while it has none.
  expect(page.data.form.position).toMatchObject({ lat: 33.6461 });
  wx.getLocation.mockImplementation(({ success }) => success({ latitude: 33.647, longitude: 116.965, accuracy: 6 }));
  await page.addVertex();
  expect(page.data.form.vertices).toEqual([{ lat: 33.6461, lng: 116.9647 }, { lat: 33.647, lng: 116.965 }]);
  expect(page.data.verticesText).toBe('已打 2 个点');
  expect(page.data.map.polylines).toHaveLength(1);
  expect(page.data.form.position).toMatchObject({ lat: 33.6461 }); // kept
  page.undoVertex();
  expect(page.data.verticesText).toBe('已打 1 个点，至少 2 个点才能连成岸线');
  await fill();
  await page.save();
  expect(page.data.errors).toEqual({ shape: '已打 1 个点，至少 2 个点才能连成岸线' });
  wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
  await page.clearVertices();
  expect(page.data.form.vertices).toHaveLength(1);
  await page.clearVertices();
  expect(page.data.form.vertices).toEqual([]);
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '清空所有点' }));
  page.pickShape(tapEvent({ shape: 'Polygon' }));
  expect(page.data.verticesText).toBe('已打 0 个点，至少 3 个点才能围成水面');
});

test('a position refused: said on the field, and when adding a vertex', async () => {
  await open();
  wx.getLocation.mockImplementation(({ fail }) => fail({ errMsg: 'getLocation:fail system permission denied' }));
  await page.useCurrent();
  expect(page.data.errors.position).toBe('微信没有定位权限。请在手机的“设置”中允许微信使用位置信息后重试。');
  page.pickShape(tapEvent({ shape: 'Polygon' }));
  await page.addVertex();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '无法定位' }));
  expect(page.data.form.vertices).toEqual([]);
});

test('submit: POST with the shape, measures, caretaker and schools, then back', async () => {
  await open({}, { 'POST /api/v1/water-points': { status: 201, body: RIVER } }, TWO_SCHOOLS);
  expect(page.data.schools.map((s) => s.name)).toEqual(['城东第一小学', '区直实验学校']);
  expect(page.data.form.schoolIds).toEqual([]);
  page.pickShape(tapEvent({ shape: 'Polygon' }));
  for (const latitude of [33.6, 33.601, 33.602]) {
    wx.getLocation.mockImplementationOnce(({ success }) => success({ latitude, longitude: 116.9, accuracy: 5 }));
    await page.addVertex();
  }
  await fill();
  page.changeRadius({ detail: 80 });
  page.toggleMeasure({ currentTarget: { dataset: { key: 'warning_sign' } }, detail: true });
  page.toggleMeasure({ currentTarget: { dataset: { key: 'life_buoy' } }, detail: true });
  field('caretakerName', '张村委');
  field('caretakerPhone', '138 0000 0000');
  field('note', '夏季常有学生钓鱼');
  page.toggleSchool(tapEvent({ key: '5' }));
  page.toggleSchool(tapEvent({ key: '3' }));
  expect(page.data.schools.map((s) => s.on)).toEqual([true, true]);
  page.toggleSchool(tapEvent({ key: '5' }));
  expect(page.data.form.schoolIds).toEqual(['3']);
  page.toggleSchool(tapEvent({ key: '5' }));
  await page.save();
  const [post] = keyed('POST /api/v1/water-points');
  expect(post.data).toEqual({
    name: '沱河符离段',
    kind: 'river',
    lat: 33.6461,
    lng: 116.9647,
    accuracy: 12,
    coord_system: 'gcj02',
    radius_m: 80,
    shape: { type: 'Polygon', coordinates: [[33.6, 116.9], [33.601, 116.9], [33.602, 116.9]] },
    measures: {
      warning_sign: true, barrier: false, life_buoy: true, rope: false, pole: false,
    },
    caretaker_name: '张村委',
    caretaker_phone: '138 0000 0000',
    note: '夏季常有学生钓鱼',
    school_ids: [3, 5],
  });
  expect(wx.showToast).toHaveBeenCalledWith({ title: '水域已登记', icon: 'success' });
  expect(wx.navigateBack).toHaveBeenCalled();
});

test("the server's 422: its details on the fields, in Chinese; another refusal in a dialog", async () => {
  await open({}, {
    'POST /api/v1/water-points': [
      apiError(422, 'validation_error', { name: ['Length must be between 1 and 60.'], school_ids: ['Unknown school.'] }),
      apiError(403, 'forbidden'),
    ],
  });
  await fill();
  await page.save();
  expect(page.data.errors).toEqual({ name: '名称须为 1-60 个字', schools: '请选择 1-20 所相关学校' });
  expect(page.data.saving).toBe(false);
  expect(wx.navigateBack).not.toHaveBeenCalled();
  await page.save();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有保存成功', content: '你没有权限进行这个操作' }));
});

test('editing: the point in the form, PATCH on save; 停用 only after a red confirmation', async () => {
  await open({ id: '7' }, {
    'GET /api/v1/water-points/7': { status: 200, body: RIVER },
    'PATCH /api/v1/water-points/7': { status: 200, body: RIVER },
    'DELETE /api/v1/water-points/7': { status: 204 },
  });
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '编辑水域' });
  expect(page.data.form).toMatchObject({ name: '沱河符离段', kind: 'river', shapeType: 'LineString', radius: 100, schoolIds: ['3'] });
  expect(page.data.verticesText).toBe('已打 2 个点');
  page.toggleMeasure({ currentTarget: { dataset: { key: 'barrier' } }, detail: true });
  await page.save();
  const [patch] = keyed('PATCH /api/v1/water-points/7');
  expect(patch.data).toMatchObject({
    name: '沱河符离段',
    radius_m: 100,
    shape: { type: 'LineString', coordinates: [[33.79, 116.97], [33.791, 116.972]] },
    measures: {
      warning_sign: true, barrier: true, life_buoy: true, rope: false, pole: false,
    },
    caretaker_name: '张村委',
    school_ids: [3],
  });
  expect(patch.data.accuracy).toBeUndefined();
  expect(keyed('POST /api/v1/water-points')).toHaveLength(0);

  wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
  await page.retire();
  expect(keyed('DELETE /api/v1/water-points/7')).toHaveLength(0);
  await page.retire();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '停用水域', confirmText: '停用', confirmColor: '#d4001a' }));
  expect(keyed('DELETE /api/v1/water-points/7')).toHaveLength(1);
  expect(wx.navigateBack).toHaveBeenCalledTimes(2);
});

test('a point that cannot be opened: the error state, and 重试', async () => {
  await open({ id: '9' }, { 'GET /api/v1/water-points/9': [apiError(404, 'not_found'), { status: 200, body: RIVER }] });
  expect(page.data).toMatchObject({ state: 'error', error: '要找的内容不存在或已被删除' });
  await page.retry();
  expect(page.data.state).toBe('');
});

describe('as rendered', () => {
  let comp;
  afterEach(() => comp.detach());
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));

  test('the form: six kinds, three ways to mark it, five measures, the schools; errors shown', async () => {
    serve(wx, {});
    global.getApp = () => stubApp(PATROL);
    comp = renderPage('pages/water/edit');
    expect(texts('.van-loading')).toEqual(['正在打开…']);
    await comp.instance.onLoad({});
    await simulate.sleep(10);
    expect(texts('.chip')).toEqual(['河流', '池塘', '水库', '沟渠', '坑塘', '其他', '只标一个点', '沿岸线打点', '围着水面打点', '✓ 城东第一小学']);
    expect(texts('.row-label')).toEqual(['巡查范围（米）', '警示标志', '护栏围挡', '救生圈', '救生绳', '救生杆']);
    expect(texts('.school')).toEqual(['✓ 城东第一小学']);
    expect(comp.dom.querySelector('.retire')).toBeNull();
    expect(texts('.save')).toEqual(['登记水域']);
    await comp.instance.save();
    await simulate.sleep(0);
    expect(texts('.error')).toEqual(['请选择水域类型', '请确定水域的位置：使用当前位置，或在地图上选']);
    comp.querySelectorAll('.chip')[7].dispatchEvent('tap');
    await simulate.sleep(0);
    expect(texts('.vertices-text')).toEqual(['已打 0 个点，至少 2 个点才能连成岸线']);
    expect(texts('.add-vertex')).toEqual(['添加当前位置']);
    expect(comp.dom.querySelector('.undo')).toBeNull();
  });
});
