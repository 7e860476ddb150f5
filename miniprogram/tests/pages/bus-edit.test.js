/**
 * 新增/编辑校车: the checks in Chinese before anything is sent, the trips switched on and off with
 * their times, drivers added (up to five) and removed, the body of a new bus and of a change (an
 * emptied field cleared with null), 409 plate_taken on the plate, 422 details on their fields
 * (a driver's by index), 停用 after a red confirmation, the push asked from the save tap; and
 * the form rendered, with its errors.
 */
const simulate = require('miniprogram-simulate');
const {
  installWx, serve, apiError, allowSubscribe, flush,
} = require('../helpers/wx');
const fs = require('fs');
const path = require('path');
const {
  ROOT, loadPage, pageOptions, stubApp, tapEvent,
} = require('../helpers/page');
const { renderTemplate } = require('../helpers/render');
const { SCHOOL_A, KINDER, grant } = require('../helpers/fixtures');
const { YEAR, bus, busTemplates } = require('../helpers/buses');
const { TOKEN_KEY } = require('../../utils/session');

const OFFICER = {
  user: { id: 9, display_name: '李主任' },
  grants: [grant(1, 'school_admin', '学校安全负责人', SCHOOL_A), grant(2, 'school_admin', '学校安全负责人', KINDER)],
  children: [],
  capabilities: ['bus.manage', 'patrol.do', 'hazard.plan'],
};

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const keyed = (key) => calls.filter((c) => c.key === key);
const text = (field, value) => page.onText({ currentTarget: { dataset: { field } }, detail: value });
const driverText = (index, field, value) => page.onDriverText({ currentTarget: { dataset: { index, field } }, detail: value });
const driverDate = (index, value) => page.onDriverDate({ currentTarget: { dataset: { index } }, detail: { value } });

/** The form, loaded: a new bus (`query.school_id`) or bus `query.id`. */
async function open(query = { school_id: '3' }, extra = {}) {
  calls = serve(wx, {
    'GET /api/v1/buses/1': { status: 200, body: bus(1) },
    'GET /api/v1/subscriptions/templates': { status: 200, body: busTemplates(true) },
    'POST /api/v1/subscriptions': { status: 200, body: busTemplates(true) },
    ...extra,
  });
  page = loadPage('pages/bus/edit', { app: stubApp(OFFICER) });
  await page.onLoad(query);
}

/** Fill in a new bus that passes the checks. */
function fillNew() {
  text('plate', ' 皖l 12345 ');
  text('seats', '35');
  text('operator', '宿州平安校车公司');
  text('route', '符离镇—张庄');
}

describe('a new bus', () => {
  test('starts with the school from the link, the morning and evening trips on, no driver', async () => {
    await open({ school_id: '4' });
    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '新增校车' });
    expect(page.data).toMatchObject({ state: '', isNew: true, schoolName: '城东幼儿园', schoolIndex: 1 });
    expect(page.data.form.schoolIds).toEqual(['4']);
    expect(page.data.form.trips.map((t) => [t.name, t.on, t.departs])).toEqual([
      ['早班', true, '07:00'], ['午班', false, '12:00'], ['晚班', true, '16:30'],
    ]);
    expect(page.data.form.drivers).toEqual([]);
  });

  test('nothing is sent until the form is right; each field says what is wrong in Chinese', async () => {
    await open();
    page.toggleTrip(tapEvent({ index: 0 }, false));
    page.toggleTrip(tapEvent({ index: 2 }, false));
    page.addDriver();
    text('agreementNumber', 'XC-1');
    text('seats', '81');
    await page.save();
    expect(keyed('POST /api/v1/buses')).toHaveLength(0);
    expect(page.data.errors).toEqual({
      plate: '请填写车牌号，例如“皖L12345”',
      seats: '核定座位数须在 1 到 80 之间',
      operator: '请填写运营单位，例如“宿州平安校车公司”',
      agreementExpiresOn: '请选择安全协议的到期日期',
      trips: '请至少选择一个班次',
    });
    expect(page.data.driverErrors).toEqual([{ name: '请填写驾驶员姓名', licenceExpiresOn: '请选择驾驶证有效期' }]);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '还有内容没有填好' }));
  });

  test('a plate of other characters, a bad phone and trips out of order are refused', async () => {
    await open();
    fillNew();
    text('plate', '皖L-12#45');
    page.pickTripTime({ currentTarget: { dataset: { index: 1 } }, detail: { value: '06:30' } });
    page.addDriver();
    driverText(0, 'name', '张三');
    driverText(0, 'phone', '138abc');
    driverDate(0, `${YEAR + 2}-05-01`);
    await page.save();
    expect(keyed('POST /api/v1/buses')).toHaveLength(0);
    expect(page.data.errors).toEqual({
      plate: '车牌号只能包含汉字、字母和数字',
      trips: '发车时间须按早班、午班、晚班的顺序由早到晚',
    });
    expect(page.data.driverErrors).toEqual([{ phone: '电话只能填数字、+、- 和空格，最多 20 位' }]);
  });

  test('saved: the body of POST /buses, then back', async () => {
    await open();
    fillNew();
    page.toggleTrip(tapEvent({ index: 1 }, true));
    page.pickTripTime({ currentTarget: { dataset: { index: 0 } }, detail: { value: '07:10' } });
    page.toggleTrip(tapEvent({ index: 2 }, false));
    page.onServed({ detail: ['4'] });
    page.onDate({ currentTarget: { dataset: { field: 'agreementExpiresOn' } }, detail: { value: `${YEAR + 1}-03-31` } });
    text('agreementNumber', 'XC-2026-01');
    page.addDriver();
    driverText(0, 'name', '张三');
    driverDate(0, `${YEAR + 2}-05-01`);
    page.addDriver();
    driverText(1, 'name', '李四');
    driverText(1, 'phone', '138 0000 0000');
    driverText(1, 'licenceNo', '340123');
    driverDate(1, `${YEAR + 3}-01-01`);
    calls.length = 0;
    serve(wx, { 'POST /api/v1/buses': (req) => { calls.push({ key: 'POST /api/v1/buses', ...req }); return { status: 201, body: bus(5) }; } });
    await page.save();
    expect(keyed('POST /api/v1/buses')[0].data).toEqual({
      school_id: 3,
      plate: '皖L12345',
      seats: 35,
      operator: '宿州平安校车公司',
      agreement_number: 'XC-2026-01',
      agreement_expires_on: `${YEAR + 1}-03-31`,
      route: '符离镇—张庄',
      // The running school stays served even when unticked.
      school_ids: [3, 4],
      trips: [{ code: 'morning', departs_at: '07:10' }, { code: 'noon', departs_at: '12:00' }],
      drivers: [
        { name: '张三', licence_expires_on: `${YEAR + 2}-05-01` },
        { name: '李四', phone: '138 0000 0000', licence_no: '340123', licence_expires_on: `${YEAR + 3}-01-01` },
      ],
    });
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '校车已保存' }));
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('409 plate_taken is explained on the plate', async () => {
    await open({ school_id: '3' }, { 'POST /api/v1/buses': apiError(409, 'plate_taken') });
    fillNew();
    await page.save();
    expect(page.data.errors.plate).toBe('车牌号“皖L12345”已登记为在用校车。同一辆车请在校车登记里修改，不要重复新增');
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有保存', content: '请按红字提示修改后再保存' }));
    expect(wx.navigateBack).not.toHaveBeenCalled();
    expect(page.data.saving).toBe(false);
  });

  test('422 details land on their fields, a driver\'s by its index; unknown ones in a dialog', async () => {
    const details = { seats: ['Must be between 1 and 80.'], drivers: { 1: { licence_expires_on: ['Not a valid date.'] } }, school_ids: ['bad'] };
    await open({ school_id: '3' }, { 'POST /api/v1/buses': [apiError(422, 'validation_error', details), apiError(422, 'validation_error', { other: ['x'] })] });
    fillNew();
    page.addDriver();
    driverText(0, 'name', '张三');
    driverDate(0, `${YEAR + 2}-05-01`);
    page.addDriver();
    driverText(1, 'name', '李四');
    driverDate(1, `${YEAR + 2}-05-01`);
    await page.save();
    expect(page.data.errors).toEqual({ seats: '核定座位数须在 1 到 80 之间', schools: '服务学校须是你管理范围内的学校，最多 20 所' });
    expect(page.data.driverErrors).toEqual([{}, { licenceExpiresOn: '有效期有误，请重新选择' }]);
    await page.save();
    expect(wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '填写的内容有误，请检查后重试' }));
  });

  test('drivers: added up to five, removed (asked first once something is filled in)', async () => {
    await open();
    [1, 2, 3, 4, 5].forEach(() => page.addDriver());
    expect(page.data.form.drivers).toHaveLength(5);
    page.addDriver();
    expect(page.data.form.drivers).toHaveLength(5);
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '驾驶员最多登记 5 人' }));
    driverText(1, 'name', '李四');
    const keys = page.data.form.drivers.map((d) => d.key);
    expect(new Set(keys).size).toBe(5);
    await page.removeDriver(tapEvent({ index: 0 }));
    expect(wx.showModal).not.toHaveBeenCalled();
    expect(page.data.form.drivers.map((d) => d.name)).toEqual(['李四', '', '', '']);
    wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    await page.removeDriver(tapEvent({ index: 0 }));
    expect(page.data.form.drivers).toHaveLength(4);
    await page.removeDriver(tapEvent({ index: 0 }));
    expect(wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '删除驾驶员', confirmColor: '#d4001a' }));
    expect(page.data.form.drivers).toHaveLength(3);
    expect(page.data.driverErrors).toHaveLength(3);
  });

  test('the save tap asks for the failed-inspection pushes first, once', async () => {
    allowSubscribe(wx, 'accept');
    await open();
    await flush();
    await page.save();
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-bus-failed', 'tpl-patrol-missed', 'tpl-patrol-due']);
    await page.save();
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  });
});

describe('a bus being edited', () => {
  test('filled from the bus: trips in their slots, drivers, served schools', async () => {
    await open({ id: '1' });
    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '编辑校车' });
    const { form } = page.data;
    expect(page.data).toMatchObject({ isNew: false, schoolName: '城东第一小学' });
    expect(form).toMatchObject({
      plate: '皖L12345', seats: '35', operator: '宿州平安校车公司', agreementNumber: 'XC-2026-01', videoAlarmDevice: '', schoolIds: ['3', '4'],
    });
    expect(form.trips.map((t) => [t.code, t.on, t.departs])).toEqual([
      ['morning', true, '07:10'], ['noon', false, '12:00'], ['afternoon', true, '16:40'],
    ]);
    expect(form.drivers.map((d) => [d.name, d.phone, d.licenceNo, d.licenceExpiresOn])).toEqual([['张三', '13800000000', '340000', `${YEAR}-01-01`]]);
  });

  test('saved: PATCH without school_id, an emptied field cleared with null, the lists replaced', async () => {
    await open({ id: '1' }, { 'PATCH /api/v1/buses/1': { status: 200, body: bus(1) } });
    text('route', '');
    text('videoAlarmDevice', '海康 DS-MP5604');
    page.clearAgreementDate();
    text('agreementNumber', '');
    page.toggleTrip(tapEvent({ index: 0 }, false));
    await page.save();
    expect(keyed('PATCH /api/v1/buses/1')[0].data).toEqual({
      plate: '皖L12345',
      seats: 35,
      operator: '宿州平安校车公司',
      school_ids: [3, 4],
      trips: [{ code: 'afternoon', departs_at: '16:40' }],
      drivers: [{ name: '张三', phone: '13800000000', licence_no: '340000', licence_expires_on: `${YEAR}-01-01` }],
      agreement_number: null,
      agreement_expires_on: null,
      video_alarm_device: '海康 DS-MP5604',
      route: null,
    });
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('停用 only after a red confirmation, then back', async () => {
    await open({ id: '1' }, { 'DELETE /api/v1/buses/1': { status: 204 } });
    wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    await page.retire();
    expect(keyed('DELETE /api/v1/buses/1')).toHaveLength(0);
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '停用校车', confirmText: '停用', confirmColor: '#d4001a' });
    expect(wx.showModal.mock.calls[0][0].content).toContain('“皖L12345”不再出现在今日校车');
    await page.retire();
    expect(keyed('DELETE /api/v1/buses/1')).toHaveLength(1);
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('a bus that cannot be loaded shows the error with 重试', async () => {
    await open({ id: '1' }, { 'GET /api/v1/buses/1': [apiError(404, 'not_found'), { status: 200, body: bus(1) }] });
    expect(page.data).toMatchObject({ state: 'error', error: '要找的内容不存在或已被删除' });
    await page.retry();
    expect(page.data.state).toBe('');
  });
});

describe('rendered', () => {
  /**
   * The page rendered from its WXML and loaded. The render helper has no stand-in for Vant's
   * checkbox, so the served schools' checkboxes are drawn as plain views here.
   */
  async function render(query) {
    global.getApp = () => stubApp(OFFICER);
    calls = serve(wx, { 'GET /api/v1/buses/1': { status: 200, body: bus(1) } });
    const options = pageOptions('pages/bus/edit');
    const methods = {};
    Object.keys(options).forEach((key) => {
      if (typeof options[key] === 'function') methods[key] = options[key];
    });
    const wxml = fs.readFileSync(path.join(ROOT, 'pages/bus/edit.wxml'), 'utf8').replace(/<(\/?)van-checkbox(-group)?\b/g, '<$1view');
    const comp = renderTemplate(wxml, JSON.parse(JSON.stringify(options.data)), methods);
    await comp.instance.onLoad(query);
    await simulate.sleep(0);
    return comp;
  }

  test('a bus: its fields, the trips, the driver, the warning of no video alarm and 停用', async () => {
    const comp = await render({ id: '1' });
    const dom = comp.dom;
    expect([...dom.querySelectorAll('.trip-time')].map((n) => n.textContent)).toEqual(['07:10 发车', '不出车', '16:40 发车']);
    expect([...dom.querySelectorAll('.van-switch')].map((n) => n.dataset.checked)).toEqual(['true', 'false', 'true']);
    expect(dom.querySelector('.driver-title').textContent).toBe('驾驶员 1');
    expect(dom.querySelector('.note--warn').textContent).toContain('未装视频报警');
    expect(dom.querySelector('.retire').textContent).toBe('停用这辆校车');
    expect(dom.textContent).toContain('驾驶员（1/5）');
    expect(dom.textContent).toContain('城东第一小学（运营学校）');
    comp.detach();
  });

  test('a new bus with errors: the texts under their fields, no 停用', async () => {
    const comp = await render({ school_id: '3' });
    comp.instance.toggleTrip(tapEvent({ index: 0 }, false));
    comp.instance.toggleTrip(tapEvent({ index: 2 }, false));
    comp.instance.addDriver();
    await comp.instance.save();
    await simulate.sleep(0);
    const dom = comp.dom;
    const errors = [...dom.querySelectorAll('.van-field__error')].map((n) => n.textContent).filter(Boolean);
    expect(errors).toEqual(['请填写车牌号，例如“皖L12345”', '核定座位数须在 1 到 80 之间', '请填写运营单位，例如“宿州平安校车公司”', '请填写驾驶员姓名']);
    expect([...dom.querySelectorAll('.field-error')].map((n) => n.textContent)).toEqual(['请至少选择一个班次', '请选择驾驶证有效期']);
    expect(dom.querySelector('.retire')).toBeNull();
    comp.detach();
  });
});
