const { installWx, serve, apiError, allowSubscribe, flush } = require('../helpers/wx');
const { TEMPLATES } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let calls;
let subscribe;

const reports = () => calls.filter((c) => c.key === 'POST /api/v1/subscriptions');
const templateCalls = () => calls.filter((c) => c.key === 'GET /api/v1/subscriptions/templates');

function setUp(routes = {}) {
  calls = serve(wx, {
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'POST /api/v1/subscriptions': { status: 200, body: TEMPLATES },
    ...routes,
  });
  jest.isolateModules(() => { subscribe = require('../../utils/subscribe'); });
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('asks for the notice and reminder templates right away, inside the tap, and reports the answers', async () => {
  allowSubscribe(wx, 'accept');
  setUp();
  await subscribe.prepare();

  const asking = subscribe.request(subscribe.NOTICE_KEYS);
  // Called synchronously: nothing was awaited between the tap and wx.
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-notice', 'tpl-reminder']);

  const outcome = await asking;
  expect(outcome).toMatchObject({ supported: true, ready: true, asked: ['tpl-notice', 'tpl-reminder'], accepted: 2 });
  await expect(outcome.reported).resolves.toBe(true);
  expect(reports()).toHaveLength(1);
  // Only the template ids: errMsg is dropped.
  expect(reports()[0].data).toEqual({ results: { 'tpl-notice': 'accept', 'tpl-reminder': 'accept' } });
  expect(templateCalls()).toHaveLength(1);
});

test('a refusal is reported too (it ends a long-term grant), and counts no acceptance', async () => {
  allowSubscribe(wx, (id) => (id === 'tpl-overdue' ? 'reject' : 'accept'));
  setUp();
  await subscribe.prepare();
  const outcome = await subscribe.request(['hazard_overdue']);
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-overdue']);
  expect(outcome.accepted).toBe(0);
  expect(outcome.results).toEqual({ 'tpl-overdue': 'reject' });
  await outcome.reported;
  expect(reports()[0].data).toEqual({ results: { 'tpl-overdue': 'reject' } });
});

test('old WeChat clients without the API: nothing is loaded, asked or reported, and the caller goes on', async () => {
  setUp();
  expect(wx.requestSubscribeMessage).toBeUndefined();
  await expect(subscribe.prepare()).resolves.toBeNull();
  const outcome = await subscribe.request(subscribe.NOTICE_KEYS);
  expect(outcome).toMatchObject({ supported: false, asked: [], accepted: 0 });
  await expect(outcome.reported).resolves.toBe(false);
  expect(calls).toEqual([]);
});

test('a failing report is dropped silently: the answer still resolves and nothing is retried', async () => {
  allowSubscribe(wx, 'accept');
  setUp({ 'POST /api/v1/subscriptions': apiError(503, 'service_unavailable') });
  await subscribe.prepare();
  const outcome = await subscribe.request(subscribe.NOTICE_KEYS);
  expect(outcome.accepted).toBe(2);
  await expect(outcome.reported).resolves.toBe(false);
  expect(reports()).toHaveLength(1); // a grant report is never repeated: each accept counts once
});

test('when the templates are not loaded yet nothing is asked; they load for the next tap', async () => {
  allowSubscribe(wx, 'accept');
  setUp();
  const first = await subscribe.request(subscribe.NOTICE_KEYS);
  expect(first).toMatchObject({ supported: true, ready: false, asked: [] });
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
  await flush();
  expect(templateCalls()).toHaveLength(1);
  const second = await subscribe.request(subscribe.NOTICE_KEYS);
  expect(second.asked).toEqual(['tpl-notice', 'tpl-reminder']);
});

test('a failed template load asks nothing and does not throw', async () => {
  allowSubscribe(wx, 'accept');
  setUp({ 'GET /api/v1/subscriptions/templates': apiError(404, 'not_found') });
  await expect(subscribe.prepare()).resolves.toBeNull();
  const outcome = await subscribe.request(subscribe.NOTICE_KEYS);
  expect(outcome.asked).toEqual([]);
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
});

test('at most 3 ids per call; long-term grants already given are not asked again', async () => {
  allowSubscribe(wx, 'accept');
  const templates = TEMPLATES.templates.map((t) => (t.key === 'reminder' ? { ...t, long_term: true, granted_long_term: true } : t));
  setUp({ 'GET /api/v1/subscriptions/templates': { status: 200, body: { templates } } });
  await subscribe.prepare();
  expect(subscribe.idsFor(['notice', 'reminder', 'hazard_overdue', 'task_reminder', 'unknown'])).toEqual([
    'tpl-notice', 'tpl-overdue', 'tpl-task',
  ]);
  await subscribe.request(['notice', 'hazard_overdue', 'task_reminder', 'notice']);
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toHaveLength(3);
});

test('wx failing (subscriptions turned off in settings) reports nothing', async () => {
  allowSubscribe(wx);
  wx.requestSubscribeMessage.mockImplementation(({ fail }) => fail({ errMsg: 'requestSubscribeMessage:fail', errCode: 20004 }));
  setUp();
  await subscribe.prepare();
  const outcome = await subscribe.request(subscribe.NOTICE_KEYS);
  expect(outcome.results).toEqual({});
  await expect(outcome.reported).resolves.toBe(false);
  expect(reports()).toEqual([]);
});

test('answersOf keeps the asked ids with a known answer only', () => {
  jest.isolateModules(() => { subscribe = require('../../utils/subscribe'); });
  expect(subscribe.answersOf(['a', 'b', 'c'], {
    errMsg: 'requestSubscribeMessage:ok', a: 'accept', b: 'whatever', d: 'accept', c: 'filter',
  })).toEqual({ a: 'accept', c: 'filter' });
});

describe('exactly the templates that reach this person, again when used up', () => {
  const withTemplates = (change) => {
    const templates = TEMPLATES.templates.map((t) => ({ ...t, ...(change[t.key] || {}) }));
    return { 'GET /api/v1/subscriptions/templates': { status: 200, body: { templates } } };
  };

  test('templates that do not apply are never asked for', async () => {
    allowSubscribe(wx, 'accept');
    setUp();
    await subscribe.prepare();
    // A step on a hazard: this person plans (new reports, overdue) but signs nothing off.
    expect(subscribe.idsFor(subscribe.HAZARD_ACTION_KEYS)).toEqual(['tpl-reported', 'tpl-overdue']);
    expect(subscribe.idsFor(['hazard_fix_submitted', 'hazard_rejected'])).toEqual([]);
  });

  test('a one-time grant still left is not asked for; used up, it is asked for again', async () => {
    allowSubscribe(wx, 'accept');
    setUp(withTemplates({ notice: { remaining: 1 }, reminder: { used_up: true } }));
    await subscribe.prepare();
    expect(subscribe.idsFor(subscribe.NOTICE_KEYS)).toEqual(['tpl-reminder']);
    expect(subscribe.status(subscribe.NOTICE_KEYS)).toEqual([
      { key: 'notice', title: '致家长的一封信', on: true, usedUp: false, remaining: 1 },
      { key: 'reminder', title: '通知确认提醒', on: false, usedUp: true, remaining: 0 },
    ]);
    const outcome = await subscribe.request(subscribe.NOTICE_KEYS);
    expect(outcome.asked).toEqual(['tpl-reminder']);
  });

  test('templates older than MAX_AGE_MS are loaded again (a push may have spent a grant)', async () => {
    allowSubscribe(wx, 'accept');
    setUp(withTemplates({ notice: { remaining: 1 } }));
    const now = jest.spyOn(Date, 'now').mockReturnValue(1000000);
    try {
      await subscribe.prepare();
      await subscribe.prepare();
      expect(templateCalls()).toHaveLength(1);
      now.mockReturnValue(1000000 + subscribe.MAX_AGE_MS + 1);
      await subscribe.prepare();
      expect(templateCalls()).toHaveLength(2);
    } finally {
      now.mockRestore();
    }
  });

  test('status lists only what applies; nothing before the templates are loaded', async () => {
    allowSubscribe(wx, 'accept');
    setUp();
    expect(subscribe.status(subscribe.HAZARD_ACTION_KEYS)).toEqual([]);
    await subscribe.prepare();
    expect(subscribe.status(subscribe.HAZARD_ACTION_KEYS).map((s) => s.key)).toEqual(['hazard_reported', 'hazard_overdue']);
  });
});
