/**
 * utils/report-flow.js: the report page's steps that need no page, and the checkpoint token in the
 * report form (utils/hazard-report.js).
 */
const { installWx, serve, USER_DATA_PATH } = require('../helpers/wx');
const { hazard } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');
const { CHOICES } = require('../../utils/report-choices');
const { validateReport, reportErrorsFromApi } = require('../../utils/hazard-report');
const {
  EMPTY_DRAFT, staler, cachedChoices, schoolPatch, freshChoices, progressPatch, reportForm, locationPatch,
  confirmNearby, queueReport, initialCheckpoint,
} = require('../../utils/report-flow');

const CAMPAIGN = require('../../../server/data/campaigns/2023-qiangjichu.json');

const TOKEN = 'cp_token_AAAAAAAAAAAAAAAAAAAA';
const A = { id: 3, name: '城东第一小学' };
const B = { id: 5, name: '城西中学' };
const POSITION = { lat: 33.1, lng: 116.2, accuracy: 15.4, coord_system: 'gcj02' };

let wx;
beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

describe('the report form', () => {
  const data = {
    ...EMPTY_DRAFT,
    photos: ['http://tmp/a.jpg'],
    position: POSITION,
    description: '灭火器过期',
    schools: [],
    schoolIndex: -1,
  };
  const choice = { key: 'fire', label: '消防器材、通道', focus_problem: 'fire.patrol' };

  test('the page data and choice make the form; a checkpoint token goes into the body', () => {
    const form = reportForm({ ...data, checkpointToken: TOKEN }, choice);
    expect(form).toMatchObject({ choice, description: '灭火器过期', checkpointToken: TOKEN, schoolIndex: -1 });
    expect(validateReport(form).body.checkpoint_token).toBe(TOKEN);
    expect(validateReport(reportForm(data, choice)).body).not.toHaveProperty('checkpoint_token');
  });

  test('the server refusing the checkpoint shows at the checkpoint row', () => {
    expect(reportErrorsFromApi({ code: 'checkpoint_inactive', message: '这个巡查点已停用，请联系学校安全负责人' }))
      .toEqual({ checkpoint: '这个巡查点已停用，请联系学校安全负责人' });
    expect(reportErrorsFromApi({ code: 'validation_error', details: { checkpoint_token: ['other school'] } }))
      .toEqual({ checkpoint: '这个巡查点不属于隐患所在的学校，请清除后重新扫码' });
  });

  test('a URL token is accepted only in a checkpoint token\'s shape', () => {
    expect(initialCheckpoint({ checkpoint_token: TOKEN })).toBe(TOKEN);
    expect(initialCheckpoint({ checkpoint_token: encodeURIComponent(TOKEN) })).toBe(TOKEN);
    expect(initialCheckpoint({ checkpoint_token: 'short' })).toBe('');
    expect(initialCheckpoint({})).toBe('');
    expect(initialCheckpoint(undefined)).toBe('');
  });

  test('upload progress and a location answer', () => {
    expect(progressPatch({ index: 1, total: 3, percent: 40 })).toEqual({ progress: 40, progressText: '正在上传照片 2/3' });
    const before = { position: POSITION, locationText: '已定位，精度约 15 米', nearby: [{ id: 1 }] };
    expect(locationPatch({ position: { ...POSITION, accuracy: 8.6 } }, before)).toMatchObject({
      locating: false, locationText: '已定位，精度约 9 米', locationError: '', locationDenied: false, nearby: [],
    });
    const denied = locationPatch({ error: { kind: 'denied', message: '没有位置权限' } }, before);
    expect(denied).toMatchObject({
      position: POSITION, locationText: '已定位，精度约 15 米', locationError: '没有位置权限', locationDenied: true, nearby: [{ id: 1 }],
    });
  });
});

describe('choices and schools', () => {
  test('staler: the older saved time, or \'\' when both are fresh', () => {
    expect(staler(5, 3)).toBe(3);
    expect(staler('', 3)).toBe(3);
    expect(staler('', '')).toBe('');
  });

  test('nothing kept: every choice and no school picker; a school picked stays picked in a new list', () => {
    expect(cachedChoices()).toEqual({ choices: expect.any(Array), schools: [] });
    expect(cachedChoices().choices.map((c) => c.key)).toEqual(CHOICES.map((c) => c.key));
    expect(schoolPatch({ schools: [B, A] }, A)).toEqual({ schools: [B, A], schoolIndex: 1 });
    expect(schoolPatch({ schools: [A] }, A)).toEqual({ schools: [], schoolIndex: -1 });
    expect(schoolPatch({ schools: [A, B] }, undefined).schoolIndex).toBe(-1);
  });

  test('fresh answers: the patch, with savedAt \'\'; a failed part is left out', async () => {
    serve(wx, {
      'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN },
      'GET /api/v1/hazards/schools': { status: 500, body: { error: { code: 'internal_error', message: 'x' } } },
    });
    const patch = await freshChoices(() => undefined);
    expect(patch.savedAt).toBe('');
    expect(patch.choices.length).toBeGreaterThan(1);
    expect(patch).not.toHaveProperty('schools');
  });
});

describe('the nearby dialog', () => {
  test('lists the rows first; "查看" scrolls to them, "仍然提交" goes on', async () => {
    const shown = [];
    wx.pageScrollTo = jest.fn();
    wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    expect(await confirmNearby([hazard(12, { distance_m: 8.4 })], (rows) => shown.push(rows))).toBe(false);
    expect(shown[0].map((r) => r.title)).toEqual(['#12 消防安全问题2']);
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '附近可能重复的隐患', confirmText: '仍然提交', cancelText: '查看' });
    expect(wx.pageScrollTo).toHaveBeenCalledWith({ selector: '#nearby', duration: 300 });
    wx.pageScrollTo.mockClear();
    expect(await confirmNearby([hazard(12, { distance_m: 8.4 })], () => null)).toBe(true);
    expect(wx.pageScrollTo).not.toHaveBeenCalled();
  });
});

describe('keeping a report in the outbox', () => {
  test('the body as is (checkpoint included), the choice as title, the school\'s name', () => {
    wx.fs.files.set('http://tmp/a.jpg', 'bytes');
    const entry = queueReport({
      clientUuid: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
      body: { description: '灭火器过期', checkpoint_token: TOKEN },
      photos: ['http://tmp/a.jpg'],
      choice: { label: '消防器材、通道', focus_problem: 'fire.patrol' },
      school: B,
    });
    expect(entry).toMatchObject({ title: '消防器材、通道', school: '城西中学', report: { checkpoint_token: TOKEN } });
    expect(entry.photos[0].startsWith(`${USER_DATA_PATH}/`)).toBe(true);
    const unsure = queueReport({
      clientUuid: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b', body: {}, photos: ['http://tmp/a.jpg'], choice: { focus_problem: null },
    });
    expect(unsure).toMatchObject({ title: '未分类', school: '' });
  });
});
