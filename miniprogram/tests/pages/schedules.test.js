const fs = require('fs');
const path = require('path');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent, ROOT } = require('../helpers/page');
const { TOKEN_KEY } = require('../../utils/session');
const { scheduleRow, validateSchedule } = require('../../utils/schedules');

let wx;
let calls;

const ROLES = {
  roles: [
    { code: 'teacher', name: '巡查教师', unit_kinds: ['school'], needs_class: false, is_admin: false },
    { code: 'water_patrol', name: '水域巡查员', unit_kinds: ['school'], needs_class: false, is_admin: false },
  ],
};
const WATER = {
  id: 3,
  name: '每日水域巡查',
  unit_id: 12,
  audience: { roles: ['water_patrol', 'teacher'] },
  template_key: 'task_reminder',
  title: '水域巡查',
  body: '请完成今日水域巡查',
  recurrence: 'weekly',
  weekdays: [2, 0],
  time_of_day: '16:30',
  season_start: '05-01',
  season_end: '09-30',
  starts_on: '2026-05-01',
  ends_on: null,
  enabled: true,
  next_run_at: '2027-05-03T08:30:00Z',
  last_run_at: null,
};

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

describe('schedule rows and the form rules', () => {
  test('a row says when, to whom, in which season, and when next', () => {
    expect(scheduleRow(WATER, { water_patrol: '水域巡查员', teacher: '巡查教师' })).toMatchObject({
      when: '每周一、三 16:30', audience: '水域巡查员、巡查教师', season: '5月1日至9月30日', enabled: true,
    });
    expect(scheduleRow({ ...WATER, recurrence: 'daily', audience: { parents: true }, season_start: null }).when).toBe('每天 16:30');
    const once = scheduleRow({ ...WATER, recurrence: 'once', next_run_at: null, enabled: false });
    expect(once).toMatchObject({ next: '已结束', enabled: false });
    expect(once.when).toMatch(/^(\d{4}年)?5月1日 16:30$/); // the year only when not this year

  });

  test('the form needs someone to remind, a text, weekdays when weekly, an end after the start', () => {
    const form = {
      unitId: 12, name: '水域', roles: [], parents: false, title: ' ', body: '请巡查', recurrence: 'weekly', weekdays: [],
      time: '16:30', startsOn: '2026-05-01', endsOn: '2026-04-01', seasonOn: true, seasonStart: '05-01', seasonEnd: '',
    };
    const { ok, errors } = validateSchedule(form);
    expect(ok).toBe(false);
    expect(Object.keys(errors).sort()).toEqual(['audience', 'endsOn', 'season', 'title', 'weekdays']);
    const good = validateSchedule({
      ...form, roles: ['water_patrol'], title: '水域巡查', weekdays: [2, 0], endsOn: '', seasonEnd: '09-30',
    });
    expect(good.body).toEqual({
      unit_id: 12, name: '水域', roles: ['water_patrol'], parents: false, title: '水域巡查', body: '请巡查',
      recurrence: 'weekly', weekdays: [0, 2], time_of_day: '16:30', starts_on: '2026-05-01', ends_on: null,
      season_start: '05-01', season_end: '09-30',
    });
  });
});

describe('the list page', () => {
  test('lists the schedules with role names and deletes one after confirming', async () => {
    let listed = [WATER];
    calls = serve(wx, {
      'GET /api/v1/schedules': () => ({ status: 200, body: { schedules: listed } }),
      'GET /api/v1/roles': { status: 200, body: ROLES },
      'DELETE /api/v1/schedules/3': () => { listed = []; return { status: 204, body: null }; },
    });
    const page = loadPage('pages/schedules/index', { app: stubApp({}) });
    await page.onShow();
    expect(page.data.rows[0]).toMatchObject({ name: '每日水域巡查', audience: '水域巡查员、巡查教师' });
    wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    await page.remove(tapEvent({ id: 3, name: '每日水域巡查' }));
    expect(calls.filter((c) => c.key === 'DELETE /api/v1/schedules/3')).toHaveLength(0);
    await page.remove(tapEvent({ id: 3, name: '每日水域巡查' }));
    expect(calls.filter((c) => c.key === 'DELETE /api/v1/schedules/3')).toHaveLength(1);
    expect(page.data.rows).toEqual([]);
  });

  test('a load error shows in Chinese', async () => {
    serve(wx, { 'GET /api/v1/schedules': apiError(403, 'forbidden'), 'GET /api/v1/roles': { status: 200, body: ROLES } });
    const page = loadPage('pages/schedules/index', { app: stubApp({}) });
    await page.onShow();
    expect(page.data.error).toBe('你没有权限进行这个操作');
  });
});

describe('the new-schedule page', () => {
  async function openEdit(answer) {
    calls = serve(wx, {
      'GET /api/v1/units': { status: 200, body: { units: [{ id: 12, name: '城东第一小学', code: 'S1', kind: 'school', kind_name: '学校', ownership: 'public', parent_id: 2 }] } },
      'GET /api/v1/roles': { status: 200, body: ROLES },
      'POST /api/v1/schedules': answer || (({ data }) => ({ status: 201, body: { ...WATER, ...data } })),
    });
    const page = loadPage('pages/schedules/edit', { app: stubApp({}) });
    await page.onLoad();
    return page;
  }

  test('asks only for administered units; writes a weekly drowning-season reminder', async () => {
    const page = await openEdit();
    expect(calls[0].query).toEqual({ administered: 'true' });
    await page.save();
    expect(page.data.errors).toMatchObject({ name: expect.any(String), audience: '请选择提醒谁' });
    expect(calls.filter((c) => c.key === 'POST /api/v1/schedules')).toHaveLength(0);

    page.onText({ currentTarget: { dataset: { field: 'name' } }, detail: '每日水域巡查' });
    page.onText({ currentTarget: { dataset: { field: 'title' } }, detail: '水域巡查' });
    page.onText({ currentTarget: { dataset: { field: 'body' } }, detail: '请完成今日水域巡查' });
    page.onRolesChange({ detail: ['water_patrol'] });
    page.onRecurrenceChange({ detail: 'weekly' });
    page.toggleWeekday(tapEvent({ day: 2 }));
    page.toggleWeekday(tapEvent({ day: 0 }));
    page.onPick({ currentTarget: { dataset: { field: 'time' } }, detail: { value: '16:30' } });
    page.onPick({ currentTarget: { dataset: { field: 'startsOn' } }, detail: { value: '2027-05-01' } });
    page.useSummer();
    expect(page.data.seasonText).toBe('每年5月1日至9月30日');
    await page.save();
    const posted = calls.find((c) => c.key === 'POST /api/v1/schedules').data;
    expect(posted).toMatchObject({
      unit_id: 12, roles: ['water_patrol'], parents: false, recurrence: 'weekly', weekdays: [0, 2], time_of_day: '16:30',
      starts_on: '2027-05-01', season_start: '05-01', season_end: '09-30',
    });
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('a season picked on the date picker keeps its month and day; a refusal is shown', async () => {
    const page = await openEdit(apiError(422, 'validation_error', { roles: ['Unknown role'] }));
    page.onSeasonSwitch({ detail: true });
    page.onSeasonPick({ currentTarget: { dataset: { field: 'seasonStart' } }, detail: { value: '2024-06-15' } });
    page.onSeasonPick({ currentTarget: { dataset: { field: 'seasonEnd' } }, detail: { value: '2024-08-31' } });
    expect(page.data.form).toMatchObject({ seasonStart: '06-15', seasonEnd: '08-31' });
    page.onText({ currentTarget: { dataset: { field: 'name' } }, detail: '暑期家长提醒' });
    page.onText({ currentTarget: { dataset: { field: 'title' } }, detail: '暑期防溺水' });
    page.onText({ currentTarget: { dataset: { field: 'body' } }, detail: '请看管好孩子' });
    page.onParentsChange({ detail: true });
    await page.save();
    expect(page.data.formError).toBe('填写的内容有误，请检查后重试');
    expect(page.data.saving).toBe(false);
  });
});

describe('editing a reminder', () => {
  const UNITS = { units: [{ id: 12, name: '城东第一小学', code: 'S1', kind: 'school', kind_name: '学校', ownership: 'public', parent_id: 2 }] };

  async function openExisting(extra = {}, id = '3') {
    calls = serve(wx, {
      'GET /api/v1/units': { status: 200, body: UNITS },
      'GET /api/v1/roles': { status: 200, body: ROLES },
      'GET /api/v1/schedules': { status: 200, body: { schedules: [WATER] } },
      'PATCH /api/v1/schedules/3': ({ data }) => ({ status: 200, body: { ...WATER, ...data } }),
      ...extra,
    });
    const page = loadPage('pages/schedules/edit', { app: stubApp({}) });
    await page.onLoad({ id });
    return page;
  }

  test('修改 on a row opens the form for that reminder', async () => {
    serve(wx, { 'GET /api/v1/schedules': { status: 200, body: { schedules: [WATER] } }, 'GET /api/v1/roles': { status: 200, body: ROLES } });
    const page = loadPage('pages/schedules/index', { app: stubApp({}) });
    await page.onShow();
    page.edit(tapEvent({ id: 3 }));
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/schedules/edit?id=3' });
  });

  test('the form is prefilled, its unit fixed, and saving sends PATCH without the unit', async () => {
    const page = await openExisting();
    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '修改定时提醒' });
    expect(page.data.state).toBe('');
    expect(page.data.editing).toBe(true);
    expect(page.data.form).toEqual({
      name: '每日水域巡查',
      roles: ['water_patrol', 'teacher'],
      parents: false,
      title: '水域巡查',
      body: '请完成今日水域巡查',
      recurrence: 'weekly',
      weekdays: [0, 2],
      time: '16:30',
      startsOn: '2026-05-01',
      endsOn: '',
      seasonOn: true,
      seasonStart: '05-01',
      seasonEnd: '09-30',
    });
    expect(page.data.weekdayOn).toEqual([true, false, true, false, false, false, false]);
    expect(page.data.seasonText).toBe('每年5月1日至9月30日');

    page.onRecurrenceChange({ detail: 'daily' });
    page.onPick({ currentTarget: { dataset: { field: 'time' } }, detail: { value: '07:10' } });
    page.onParentsChange({ detail: true });
    await page.save();
    const sent = calls.filter((c) => c.key === 'PATCH /api/v1/schedules/3');
    expect(sent).toHaveLength(1);
    expect(sent[0].data).toEqual({
      name: '每日水域巡查',
      roles: ['water_patrol', 'teacher'],
      parents: true,
      title: '水域巡查',
      body: '请完成今日水域巡查',
      recurrence: 'daily',
      weekdays: null,
      time_of_day: '07:10',
      starts_on: '2026-05-01',
      ends_on: null,
      season_start: '05-01',
      season_end: '09-30',
    });
    expect(calls.filter((c) => c.key === 'POST /api/v1/schedules')).toHaveLength(0);
    expect(wx.navigateBack).toHaveBeenCalled();
  });

  test('the unit picker is fixed while editing', () => {
    const wxml = fs.readFileSync(path.join(ROOT, 'pages/schedules/edit.wxml'), 'utf8');
    expect(wxml).toMatch(/disabled="\{\{editing \|\| units.length < 2\}\}"/);
  });

  test('the form rules still apply, and a refusal is shown', async () => {
    const page = await openExisting({
      'PATCH /api/v1/schedules/3': apiError(422, 'validation_error', { weekdays: ['Required for weekly schedules.'] }),
    });
    page.toggleWeekday(tapEvent({ day: 0 }));
    page.toggleWeekday(tapEvent({ day: 2 }));
    await page.save();
    expect(page.data.errors.weekdays).toBe('请选择每周哪几天');
    expect(calls.filter((c) => c.key === 'PATCH /api/v1/schedules/3')).toHaveLength(0);
    page.toggleWeekday(tapEvent({ day: 4 }));
    await page.save();
    expect(page.data.formError).toBe('填写的内容有误，请检查后重试');
    expect(wx.navigateBack).not.toHaveBeenCalled();
  });

  test('a reminder deleted meanwhile is the error state', async () => {
    const page = await openExisting({}, '99');
    expect(page.data.state).toBe('error');
    expect(page.data.error).toBe('这条提醒已不存在，可能已被删除');
  });
});

describe('states', () => {
  const simulate = require('miniprogram-simulate');
  const { renderPage } = require('../helpers/render');
  let comp;
  afterEach(() => comp && comp.detach());
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
  const settle = async () => {
    for (let i = 0; i < 5; i += 1) await simulate.sleep(0);
  };

  function renderList(routes) {
    if (routes) calls = serve(wx, routes);
    global.getApp = () => stubApp({});
    comp = renderPage('pages/schedules/index');
    comp.instance.onShow();
  }

  test('list loading: the spinner, no 新建 yet', async () => {
    wx.request.mockImplementation(() => {});
    renderList(null);
    await simulate.sleep(0);
    expect(texts('.van-loading')).toEqual(['正在加载定时提醒…']);
    expect(comp.dom.querySelector('.action-bar')).toBeNull();
  });

  test('list error with 重试; then the rows with their status tag and 新建提醒 in the bar', async () => {
    renderList({
      'GET /api/v1/schedules': [apiError(500, 'internal_error'), { status: 200, body: { schedules: [WATER, { ...WATER, id: 4, name: '暑假提醒', enabled: false, next_run_at: null }] } }],
      'GET /api/v1/roles': { status: 200, body: ROLES },
    });
    await settle();
    expect(texts('.van-empty')).toEqual(['服务器出错了，请稍后再试重试']);
    comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
    await settle();
    expect(texts('.name')).toEqual(['每日水域巡查', '暑假提醒']);
    expect(texts('.card-head .van-tag')).toEqual(['提醒中', '已结束']);
    expect(texts('.line-when')[0]).toBe('每周一、三 16:30（仅 5月1日至9月30日）');
    expect(texts('.action-bar .van-button')).toEqual(['新建提醒']);
    await comp.instance.onPullDownRefresh();
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });

  test('no schedule yet: the empty state, and 新建提醒 still in reach', async () => {
    renderList({ 'GET /api/v1/schedules': { status: 200, body: { schedules: [] } }, 'GET /api/v1/roles': { status: 200, body: ROLES } });
    await settle();
    expect(texts('.van-empty')).toEqual(['还没有定时提醒']);
    expect(texts('.action-bar .van-button')).toEqual(['新建提醒']);
  });

  // The form holds van-checkbox, which the render helper has no stand-in for: its states are
  // checked on the page's data.
  test('form: loading, an error with 重试, no unit to manage (empty), then the form', async () => {
    calls = serve(wx, {
      'GET /api/v1/units': [
        apiError(403, 'forbidden'),
        { status: 200, body: { units: [] } },
        { status: 200, body: { units: [{ id: 12, name: '城东第一小学' }] } },
      ],
      'GET /api/v1/roles': { status: 200, body: ROLES },
    });
    const page = loadPage('pages/schedules/edit', { app: stubApp({}) });
    const loading = page.onLoad();
    expect(page.data.state).toBe('loading');
    await loading;
    expect(page.data).toMatchObject({ state: 'error', error: '你没有权限进行这个操作' });
    await page.retry();
    expect(page.data.state).toBe('empty');
    await page.retry();
    expect(page.data).toMatchObject({ state: '', units: [{ id: 12, name: '城东第一小学' }] });
  });
});
