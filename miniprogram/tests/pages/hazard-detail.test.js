const { installWx, serve, apiError, allowSubscribe, flush, POSITION } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { hazard, EVENTS, TEMPLATES } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

const HERE = { lat: POSITION.latitude, lng: POSITION.longitude, accuracy: 12, coord_system: 'gcj02' };

let wx;
let page;
let calls;

const detail = (overrides) => hazard(5, overrides, { detail: true });

async function open(hazardAnswer, extra = {}) {
  calls = serve(wx, {
    'GET /api/v1/hazards/5': { status: 200, body: hazardAnswer },
    'GET /api/v1/hazards/5/events': { status: 200, body: { events: EVENTS } },
    ...extra,
  });
  page = loadPage('pages/hazards/detail', { app: stubApp({}) });
  await page.onLoad({ id: '5' });
}

const answerModal = (...answers) => answers.forEach((answer) => {
  wx.showModal.mockImplementationOnce(({ success }) => success({ cancel: !answer.confirm, content: '', ...answer }));
});
/** Every step the page offers: the primary one, the buttons beside it, and those behind 更多操作. */
const steps = () => {
  const { primary, buttons, more } = page.data.layout;
  return [primary].concat(buttons, more).filter((a) => a && a.action !== 'more');
};
const posted = (key) => calls.filter((c) => c.key === key);

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('shows the hazard: status, off-campus flag, photos by stage, plan, history newest first', async () => {
  await open(detail({
    status: 'rectifying',
    overdue: true,
    inside_campus: false,
    plan: { responsible_person: '张明', responsible_user_id: null, deadline: '2024-04-30', measures: '更换灭火器', funds_yuan: '1200.00', contingency: '专人值守' },
    photos: [
      { id: 1, stage: 'before', url: 'https://o/1.jpg', thumb_url: 'https://o/1t.jpg' },
      { id: 2, stage: 'after', url: 'https://o/2.jpg', thumb_url: 'https://o/2t.jpg' },
    ],
  }));
  const { hazard: view, events } = page.data;
  expect(view).toMatchObject({ statusText: '整改中', overdue: true, offCampus: true, school: '城东第一小学' });
  expect(view.plan).toMatchObject({ responsiblePerson: '张明', deadline: '2024年4月30日', funds: '1200.00 元' });
  expect(view.before.map((p) => p.id)).toEqual([1]);
  expect(view.after.map((p) => p.id)).toEqual([2]);
  expect(events.map((e) => `${e.actor} ${e.text}`)).toEqual(['赵校长 制定了整改方案', '李老师 上报了隐患']);
  expect(events[1].time).toMatch(/^2024年4月2日 \d{2}:30$/);
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '隐患 #5' });

  page.previewPhoto(tapEvent({ stage: 'after', url: 'https://o/2.jpg' }));
  expect(wx.previewImage).toHaveBeenCalledWith({ current: 'https://o/2.jpg', urls: ['https://o/2.jpg'] });
});

test.each([
  [[], []],
  [['plan', 'duplicate'], ['制定整改方案', '标记重复']],
  [['start'], ['开始整改']],
  [['fix'], ['提交整改']],
  [['verify', 'reject', 'duplicate'], ['验收通过', '驳回', '标记重复']],
])('allowed_actions %j -> buttons %j', async (allowed, labels) => {
  await open(detail({ allowed_actions: allowed }));
  expect(steps().map((a) => a.label)).toEqual(labels);
});

test('plan and fix open their pages', async () => {
  await open(detail({ allowed_actions: ['plan'] }));
  await page.onAction(tapEvent({ action: 'plan' }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/hazards/plan?id=5' });
  await page.onAction(tapEvent({ action: 'fix' }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/hazards/fix?id=5' });
});

test('开始整改 asks first, then posts with the position and shows the new state', async () => {
  await open(detail({ status: 'planned', allowed_actions: ['start'] }), {
    'POST /api/v1/hazards/5/start': { status: 200, body: detail({ status: 'rectifying', allowed_actions: ['fix'] }) },
  });
  answerModal({ confirm: false });
  await page.onAction(tapEvent({ action: 'start' }));
  expect(posted('POST /api/v1/hazards/5/start')).toEqual([]);

  answerModal({ confirm: true });
  await page.onAction(tapEvent({ action: 'start' }));
  expect(posted('POST /api/v1/hazards/5/start')[0].data).toEqual({ position: HERE });
  expect(page.data.hazard.statusText).toBe('整改中');
  expect(steps().map((a) => a.action)).toEqual(['fix']);
  expect(calls.filter((c) => c.key === 'GET /api/v1/hazards/5/events')).toHaveLength(2);
});

test('验收通过 sends the optional note; without a position the step is still sent', async () => {
  await open(detail({ status: 'fix_submitted', allowed_actions: ['verify', 'reject'] }), {
    'POST /api/v1/hazards/5/verify': { status: 200, body: detail({ status: 'verified' }) },
  });
  wx.getLocation.mockImplementation(({ fail }) => fail({ errMsg: 'getLocation:fail auth deny' }));
  answerModal({ confirm: true, content: '  整改到位 ' });
  await page.onAction(tapEvent({ action: 'verify' }));
  expect(posted('POST /api/v1/hazards/5/verify')[0].data).toEqual({ note: '整改到位' });
  expect(page.data.hazard.statusText).toBe('已验收');
  expect(steps()).toEqual([]);
  expect(page.data.hasActions).toBe(false);
});

test('驳回 needs a reason', async () => {
  await open(detail({ status: 'fix_submitted', allowed_actions: ['verify', 'reject'] }), {
    'POST /api/v1/hazards/5/reject': { status: 200, body: detail({ status: 'rectifying' }) },
  });
  answerModal({ confirm: true, content: ' ' });
  await page.onAction(tapEvent({ action: 'reject' }));
  expect(posted('POST /api/v1/hazards/5/reject')).toEqual([]);
  expect(wx.showToast).toHaveBeenCalledWith({ title: '请填写驳回原因（至少 2 个字）', icon: 'none' });

  answerModal({ confirm: true, content: '照片看不清' });
  await page.onAction(tapEvent({ action: 'reject' }));
  expect(posted('POST /api/v1/hazards/5/reject')[0].data).toEqual({ reason: '照片看不清', position: HERE });
});

test('a step that is no longer possible explains and reloads', async () => {
  await open(detail({ status: 'planned', allowed_actions: ['start'] }), {
    'POST /api/v1/hazards/5/start': apiError(409, 'invalid_transition', { status: 'rectifying' }),
  });
  answerModal({ confirm: true }, { confirm: true });
  await page.onAction(tapEvent({ action: 'start' }));
  expect(wx.showModal.mock.calls[1][0]).toMatchObject({ title: '操作没有成功', content: '隐患状态已经变化，请刷新后重试' });
  expect(calls.filter((c) => c.key === 'GET /api/v1/hazards/5')).toHaveLength(2);
});

test('the person who submitted the fix is told to ask another to sign it off, and the page reloads', async () => {
  await open(detail({ status: 'fix_submitted', allowed_actions: ['verify', 'reject'] }), {
    'POST /api/v1/hazards/5/verify': apiError(403, 'own_fix_signoff', { action: 'verify' }),
  });
  answerModal({ confirm: true }, { confirm: true });
  await page.onAction(tapEvent({ action: 'verify' }));
  const shown = wx.showModal.mock.calls.map((call) => call[0].content);
  expect(shown).toContain('整改提交人不能验收自己的整改，请由其他负责人验收');
  expect(calls.filter((c) => c.key === 'GET /api/v1/hazards/5')).toHaveLength(2);
});

test('a load error shows in Chinese', async () => {
  await open(null, { 'GET /api/v1/hazards/5': apiError(404, 'not_found') });
  expect(page.data).toMatchObject({ state: 'error', error: '要找的内容不存在或已被删除' });
});

test('当场整改 opens the fix form in on-the-spot mode; 不是隐患 closes with a reason', async () => {
  await open(detail({ allowed_actions: ['fix_on_spot', 'plan', 'duplicate', 'close'] }), {
    'POST /api/v1/hazards/5/close': { status: 200, body: detail({ status: 'closed', close_reason: '临时施工围挡' }) },
  });
  expect(page.data.layout.primary.label).toBe('制定整改方案');
  expect(page.data.layout.more.map((a) => a.label)).toEqual(['当场整改', '标记重复', '不是隐患']);
  await page.onAction(tapEvent({ action: 'fix_on_spot' }));
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/hazards/fix?id=5&mode=spot' });

  answerModal({ confirm: true, content: ' ' });
  await page.onAction(tapEvent({ action: 'close' }));
  expect(posted('POST /api/v1/hazards/5/close')).toHaveLength(0); // a blank reason is not sent

  answerModal({ confirm: true, content: '临时施工围挡' });
  await page.onAction(tapEvent({ action: 'close' }));
  expect(posted('POST /api/v1/hazards/5/close')[0].data).toMatchObject({ reason: '临时施工围挡' });
  expect(page.data.hazard).toMatchObject({ statusText: '已关闭（非隐患）', closeReason: '临时施工围挡' });
});

test('an old photo is flagged on the photo and on the report', async () => {
  await open(detail({
    old_photo: true,
    photos: [{ id: 1, stage: 'before', url: 'https://o/1.jpg', thumb_url: 'https://o/1t.jpg', old: true }],
  }));
  expect(page.data.hazard.oldPhoto).toBe(true);
  expect(page.data.hazard.before[0].old).toBe(true);
});

describe('the first step tap asks for what will await this person next', () => {
  const templates = {
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'POST /api/v1/subscriptions': { status: 200, body: TEMPLATES },
  };

  test('asked inside the tap, only what applies, once per visit; the step goes on', async () => {
    allowSubscribe(wx, 'accept');
    jest.resetModules();
    await open(detail({ allowed_actions: ['plan'] }), templates);
    await flush();
    const tapped = page.onAction(tapEvent({ action: 'plan' }));
    // Called synchronously in the tap: a planner is asked for new reports and overdue hazards,
    // not for fixes to sign off or rejections (they do not reach this person).
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-reported', 'tpl-overdue']);
    await tapped;
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/hazards/plan?id=5' });
    expect(posted('POST /api/v1/subscriptions')[0].data).toEqual({
      results: { 'tpl-reported': 'accept', 'tpl-overdue': 'accept' },
    });
    await page.onAction(tapEvent({ action: 'plan' }));
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  });
});
