/**
 * The safety officer's patrol pages: 巡查点与二维码 (list, a new one on the spot, a new code
 * confirmed in red, stop, the PDF sheet), 巡查计划 (list, new, change, stop) and 巡查统计 (the
 * figures by checkpoint/person/school for a period), each in its states.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { SCHOOL_A, CENTER, grant } = require('../helpers/fixtures');
const { CHECKPOINT, TEMPLATE } = require('../helpers/patrols');
const { TOKEN_KEY } = require('../../utils/session');

const OFFICER = {
  user: { id: 9, display_name: '李主任' },
  grants: [grant(1, 'school_admin', '学校安全负责人', SCHOOL_A)],
  children: [],
  capabilities: ['checkpoint.manage', 'patrol.plan', 'patrol.view', 'patrol.do'],
};
const CHECKLISTS = { templates: [TEMPLATE, { ...TEMPLATE, id: 8, code: 'canteen', name: '食堂安全检查' }] };

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

const keyed = (key) => calls.filter((c) => c.key === key);

describe('巡查点与二维码', () => {
  const routes = (extra = {}) => ({
    'GET /api/v1/checkpoints': { status: 200, body: { checkpoints: [CHECKPOINT, { ...CHECKPOINT, id: 6, name: '旧实验楼', active: false }] } },
    'GET /api/v1/checklists': { status: 200, body: CHECKLISTS },
    ...extra,
  });

  /** The page for the officer, loaded. */
  async function open(extra) {
    calls = serve(wx, routes(extra));
    page = loadPage('pages/patrol/checkpoints', { app: stubApp(OFFICER) });
    await page.onLoad();
  }

  test("the school's checkpoints with their checklists by name and a status tag", async () => {
    await open();
    expect(keyed('GET /api/v1/checkpoints')[0].query).toEqual({ school_id: '3' });
    expect(page.data.rows.map((r) => [r.name, r.radius, r.templates, r.statusText, r.statusType])).toEqual([
      ['食堂后厨', '允许范围 30 米', '每日防火巡查', '使用中', 'success'],
      ['旧实验楼', '允许范围 30 米', '每日防火巡查', '已停用', 'default'],
    ]);
  });

  test('empty and error states', async () => {
    await open({ 'GET /api/v1/checkpoints': [{ status: 200, body: { checkpoints: [] } }, apiError(403, 'forbidden')] });
    expect(page.data.state).toBe('empty');
    await page.onPullDownRefresh();
    expect(page.data).toMatchObject({ state: 'error', error: '你没有权限进行这个操作' });
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });

  test('a new checkpoint where the phone stands: checked, then posted', async () => {
    await open({ 'POST /api/v1/checkpoints': { status: 201, body: { ...CHECKPOINT, id: 7 } } });
    await page.openForm();
    expect(page.data.form.position).toMatchObject({ lat: 33.6461, accuracy: 12 });
    await page.save();
    expect(page.data.form.errors).toEqual({ name: '请填写巡查点名称，例如“食堂后厨”', templates: '请至少选择一张检查表' });
    page.inputName({ detail: '配电室' });
    page.changeRadius({ detail: 20 });
    page.pickTemplates({ detail: ['fire_daily'] });
    await page.save();
    expect(keyed('POST /api/v1/checkpoints')[0].data).toEqual({
      school_id: 3, name: '配电室', lat: 33.6461, lng: 116.9647, coord_system: 'gcj02', radius_m: 20, template_codes: ['fire_daily'],
    });
    expect(page.data.form.open).toBe(false);
  });

  test('a new code only after a red confirmation', async () => {
    await open({ 'POST /api/v1/checkpoints/5/token': { status: 200, body: CHECKPOINT } });
    wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    await page.replaceToken(tapEvent({ id: 5, name: '食堂后厨' }));
    expect(keyed('POST /api/v1/checkpoints/5/token')).toHaveLength(0);
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '更换二维码', confirmColor: '#d4001a' });
    expect(wx.showModal.mock.calls[0][0].content).toContain('原来的二维码立即失效');
    await page.replaceToken(tapEvent({ id: 5, name: '食堂后厨' }));
    expect(keyed('POST /api/v1/checkpoints/5/token')).toHaveLength(1);
  });

  test('stop one (confirmed in red), resume one', async () => {
    await open({ 'PATCH /api/v1/checkpoints/5': { status: 200, body: CHECKPOINT }, 'PATCH /api/v1/checkpoints/6': { status: 200, body: CHECKPOINT } });
    await page.toggleActive(tapEvent({ id: 5, name: '食堂后厨', active: true }));
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '停用巡查点', confirmColor: '#d4001a' }));
    expect(keyed('PATCH /api/v1/checkpoints/5')[0].data).toEqual({ active: false });
    wx.showModal.mockClear();
    await page.toggleActive(tapEvent({ id: 6, name: '旧实验楼', active: false }));
    expect(wx.showModal).not.toHaveBeenCalled();
    expect(keyed('PATCH /api/v1/checkpoints/6')[0].data).toEqual({ active: true });
  });

  test('打印二维码 downloads the sheet and opens it as a PDF', async () => {
    await open({ 'GET /api/v1/checkpoints/sheet': { status: 200, body: {} } });
    wx.openDocument = jest.fn();
    await page.print();
    expect(keyed('GET /api/v1/checkpoints/sheet')[0]).toMatchObject({ kind: 'download', query: { school_id: '3' } });
    expect(wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ fileType: 'pdf', filePath: expect.stringMatching(/^wxfile:\/\/tmp\//) }));
  });

  test('someone above schools picks among the schools below', async () => {
    calls = serve(wx, {
      ...routes(),
      'GET /api/v1/hazards/schools': { status: 200, body: { schools: [{ id: 3, name: '城东第一小学' }, { id: 4, name: '城东幼儿园' }] } },
    });
    page = loadPage('pages/patrol/checkpoints', { app: stubApp({ ...OFFICER, grants: [grant(2, 'supervisor', '督导', CENTER)] }) });
    await page.onLoad();
    expect(page.data.schools.map((s) => s.name)).toEqual(['城东第一小学', '城东幼儿园']);
    await page.pickSchool({ detail: { value: '1' } });
    expect(keyed('GET /api/v1/checkpoints').map((c) => c.query.school_id)).toEqual(['3', '4']);
  });
});

describe('巡查计划', () => {
  const PLAN = {
    id: 1, school_id: 3, name: '每日防火巡查', template_code: 'fire_daily', checkpoint_ids: [5], assignee_role: 'teacher', assignee_user_id: null,
    recurrence: 'school_days', weekdays: [], window_start: '07:30', window_end: '08:30', season_start: null, season_end: null,
    remind_minutes_before: 30, escalate_after_misses: 2, active: true,
  };
  const ROLES = { roles: [
    { code: 'school_admin', name: '学校安全负责人', unit_kinds: ['school', 'kindergarten'] },
    { code: 'teacher', name: '巡查教师', unit_kinds: ['school', 'kindergarten'] },
    { code: 'bureau_admin', name: '安全办管理员', unit_kinds: ['bureau'] },
  ] };

  /** The page loaded. */
  async function open(extra = {}) {
    calls = serve(wx, {
      'GET /api/v1/patrol-plans': { status: 200, body: { plans: [PLAN] } },
      'GET /api/v1/checklists': { status: 200, body: CHECKLISTS },
      'GET /api/v1/checkpoints': { status: 200, body: { checkpoints: [CHECKPOINT] } },
      'GET /api/v1/roles': { status: 200, body: ROLES },
      'GET /api/v1/units/3/staff': { status: 200, body: { staff: [{ id: 21, display_name: '王老师', active: true }] } },
      ...extra,
    });
    page = loadPage('pages/patrol/plans', { app: stubApp(OFFICER) });
    await page.onLoad();
  }

  test('lists the plans in words', async () => {
    await open();
    expect(page.data.rows).toEqual([expect.objectContaining({
      name: '每日防火巡查', template: '每日防火巡查', checkpoints: '食堂后厨', who: '全体巡查教师', when: '上学日 07:30–08:30',
      remind: '提前 30 分钟提醒，连续错过 2 次告知安全负责人', statusType: 'primary',
    })]);
    expect(page.data.roles.map((r) => r.code)).toEqual(['school_admin', 'teacher']);
    expect(page.data.people).toEqual([{ id: '21', name: '王老师' }]);
  });

  test('without staff.manage the people are not offered; an error state otherwise', async () => {
    await open({ 'GET /api/v1/units/3/staff': apiError(403, 'forbidden') });
    expect(page.data).toMatchObject({ state: '', people: [] });
    await open({ 'GET /api/v1/patrol-plans': apiError(500, 'internal_error') });
    expect(page.data).toMatchObject({ state: 'error', error: '服务器出错了，请稍后再试' });
  });

  test('a new plan for a person on chosen weekdays', async () => {
    await open({ 'POST /api/v1/patrol-plans': { status: 201, body: PLAN } });
    page.openForm();
    const set = (field, detail) => page.setField({ currentTarget: { dataset: { field } }, detail });
    set('name', '周末水域巡查');
    set('templateCode', 'fire_daily');
    set('checkpointIds', ['5']);
    set('assignee', 'person');
    set('userId', '21');
    set('recurrence', 'weekdays');
    await page.save();
    expect(page.data.form.errors).toEqual({ weekdays: '请选择每周哪几天' });
    set('weekdays', ['7', '6']);
    set('windowStart', { value: '16:00' });
    set('windowEnd', { value: '18:00' });
    await page.save();
    expect(keyed('POST /api/v1/patrol-plans')[0].data).toEqual({
      school_id: 3, name: '周末水域巡查', template_code: 'fire_daily', checkpoint_ids: [5], assignee_user_id: 21, recurrence: 'weekdays',
      weekdays: [6, 7], window_start: '16:00', window_end: '18:00', season_start: null, season_end: null,
      remind_minutes_before: 30, escalate_after_misses: 2,
    });
  });

  test('change a plan (PATCH without the school) and stop one after a red confirmation', async () => {
    await open({ 'PATCH /api/v1/patrol-plans/1': { status: 200, body: PLAN }, 'DELETE /api/v1/patrol-plans/1': { status: 204, body: null } });
    page.editPlan(tapEvent({ id: 1 }));
    expect(page.data.form).toMatchObject({ id: 1, name: '每日防火巡查', checkpointIds: ['5'], assignee: 'role', role: 'teacher' });
    page.setField({ currentTarget: { dataset: { field: 'remindMinutes' } }, detail: 15 });
    await page.save();
    const [patch] = keyed('PATCH /api/v1/patrol-plans/1');
    expect(patch.data).toMatchObject({ remind_minutes_before: 15, assignee_role: 'teacher' });
    expect(patch.data.school_id).toBeUndefined();
    await page.removePlan(tapEvent({ id: 1, name: '每日防火巡查' }));
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '停用巡查计划', confirmColor: '#d4001a' }));
    expect(keyed('DELETE /api/v1/patrol-plans/1')).toHaveLength(1);
  });
});

describe('巡查统计', () => {
  const ANSWER = {
    rows: [
      { key: { id: 5, name: '食堂后厨' }, due: 7, done_on_time: 6, done_late: 1, missed: 0, late_submissions: 1, rate: 6 / 7 },
      { key: { id: 6, name: '配电室' }, due: 0, done_on_time: 0, done_late: 0, missed: 0, late_submissions: 0, rate: null },
    ],
    totals: { due: 7, done_on_time: 6, done_late: 1, missed: 0, late_submissions: 1, rate: 6 / 7 },
  };
  let comp;
  afterEach(() => comp && comp.detach());

  /** Render the page for the officer. */
  async function open(handler) {
    calls = serve(wx, { 'GET /api/v1/patrols/compliance': handler });
    global.getApp = () => stubApp(OFFICER);
    comp = renderPage('pages/patrol/compliance');
    await comp.instance.onLoad();
    await simulate.sleep(0);
  }

  test('the last week by checkpoint: figures and the on-time rate as a bar', async () => {
    await open({ status: 200, body: ANSWER });
    const { query } = calls[0];
    expect(query).toMatchObject({ unit_id: '3', by: 'checkpoint' });
    expect((new Date(query.date_to) - new Date(query.date_from)) / 86400000).toBe(6);
    const names = [...comp.dom.querySelectorAll('.card .name')].map((n) => n.textContent);
    expect(names.slice(1)).toEqual(['食堂后厨', '配电室']);
    expect([...comp.dom.querySelectorAll('.rate')].map((n) => n.textContent)).toEqual(['按时率 86%', '按时率 86%', '按时率 无应巡']);
    expect([...comp.dom.querySelectorAll('.bar-fill')].map((n) => n.getAttribute('style'))).toEqual(['width: 86%']);
    expect([...comp.dom.querySelectorAll('.figures')].map((n) => n.textContent).slice(2, 4)).toEqual(['应巡 7 · 按时 6 · 逾时 1 · 错过 0', '其中补传 1 次']);
  });

  test('by person: loads again with by=person', async () => {
    await open({ status: 200, body: ANSWER });
    await comp.instance.pickBy(tapEvent({ by: 'person' }));
    expect(calls[1].query.by).toBe('person');
  });

  test('a start after the end moves the end; empty and error states', async () => {
    await open([{ status: 200, body: { rows: [], totals: null } }, apiError(403, 'forbidden')]);
    expect(comp.dom.querySelector('.van-empty').textContent).toBe('这段时间没有安排巡查');
    await comp.instance.pickDate({ currentTarget: { dataset: { field: 'dateFrom' } }, detail: { value: '2099-01-01' } });
    await simulate.sleep(0);
    expect(calls[1].query).toMatchObject({ date_from: '2099-01-01', date_to: '2099-01-01' });
    expect(comp.dom.textContent).toContain('你没有权限进行这个操作');
  });

  test('loading', async () => {
    global.getApp = () => stubApp(OFFICER);
    comp = renderPage('pages/patrol/compliance');
    expect(comp.dom.querySelector('.van-loading').textContent.trim()).toBe('正在统计…');
  });
});
