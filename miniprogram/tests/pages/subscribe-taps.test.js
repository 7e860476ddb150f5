/**
 * Each person is asked for exactly the pushes they will receive, at a natural tap: the admins and
 * the bureau's staff for reports awaiting action and escalations (a 待办 entry, a hazard row or a
 * list filter), patrol staff for their task reminders (submitting a round, 扫码上岗), parents
 * for notices; nothing that does not apply to them; and again once a one-time grant is used up.
 */
const { installWx, serve, allowSubscribe, flush } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { CAMPAIGN, hazard } = require('../helpers/fixtures');
const { SCAN, TOKEN } = require('../helpers/patrols');
const { templatesOf } = require('../helpers/subscriptions');
const { TOKEN_KEY } = require('../../utils/session');
const { MAX_AGE_MS } = require('../../utils/subscribe');

const TODO = {
  hazards: { overdue: { count: 1, items: [hazard(8, { overdue: true })] } },
  notices: { count: 0, items: [] },
  total: 1,
};
const AWAITING = ['tpl-reported', 'tpl-overdue', 'tpl-fix'];
const PATROL = ['tpl-patrol-due', 'tpl-patrol-missed', 'tpl-task'];

let wx;
beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  allowSubscribe(wx, 'accept');
});

/** The templates answer for `role` (or a list of answers, one per load), and the pages' routes. */
function routes(templates) {
  return serve(wx, {
    'GET /api/v1/subscriptions/templates': templates,
    'POST /api/v1/subscriptions': { status: 200, body: templates.body || templates[0].body },
    'GET /api/v1/todo': { status: 200, body: TODO },
    'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN },
    'GET /api/v1/hazards': { status: 200, body: { hazards: [hazard(9)], next_cursor: null } },
    'GET /api/v1/checkpoints/scan': { status: 200, body: SCAN },
    'GET /api/v1/guard/shifts/current': { status: 200, body: { shift: null, handover: null, logs: [] } },
    'GET /api/v1/notices/mine': { status: 200, body: { notices: [], next_before_id: null } },
  });
}
const answerOf = (role, grants) => ({ status: 200, body: templatesOf(role, grants) });
const asked = () => wx.requestSubscribeMessage.mock.calls.map((c) => c[0].tmplIds);

/** Each natural tap, from its page freshly opened; resolves what each asked. */
const TAPS = {
  async todoEntry() {
    const page = loadPage('pages/todo/index', { app: stubApp({}) });
    await page.onShow();
    await flush();
    page.open(tapEvent({ url: '/pages/hazards/detail?id=8' }));
  },
  async hazardRow() {
    const page = loadPage('pages/hazards/list', { app: stubApp({}) });
    await page.onLoad({});
    await flush();
    page.openHazard(tapEvent({ id: 9 }));
  },
  async overdueFilter() {
    const page = loadPage('pages/hazards/list', { app: stubApp({}) });
    await page.onLoad({});
    await flush();
    await page.toggleOverdue();
  },
  async roundSubmit() {
    const page = loadPage('pages/patrol/round', { app: stubApp({}) });
    await page.onLoad({ token: encodeURIComponent(TOKEN), scanned_at: encodeURIComponent('2026-11-29T00:05:00.000Z') });
    await flush();
    await page.submit(); // nothing answered yet: the form says so, but the tap has asked
  },
  async guardStart() {
    const page = loadPage('pages/guard/shift', { app: stubApp({}) });
    await page.onShow();
    await flush();
    wx.scanCode.mockImplementation(({ fail }) => fail({ errMsg: 'scanCode:fail cancel' }));
    await page.startShift();
  },
};

/** What each tap asks of a person in `role` (each tap on a freshly opened page). */
async function askedPerTap(role) {
  const result = {};
  for (const [name, tap] of Object.entries(TAPS)) {
    wx.requestSubscribeMessage.mockClear();
    routes(answerOf(role));
    await tap();
    result[name] = asked();
  }
  return result;
}

test('a school admin: reports awaiting action and escalations at 待办 and the list, patrol pushes at the rounds', async () => {
  expect(await askedPerTap('school_admin')).toEqual({
    todoEntry: [AWAITING],
    hazardRow: [AWAITING],
    overdueFilter: [AWAITING],
    roundSubmit: [PATROL],
    guardStart: [PATROL],
  });
});

test('the bureau staff: only the escalated overdue hazards at 待办 and the list (no reports or sign-offs reach them)', async () => {
  expect(await askedPerTap('bureau_staff')).toEqual({
    todoEntry: [['tpl-overdue']],
    hazardRow: [['tpl-overdue']],
    overdueFilter: [['tpl-overdue']],
    roundSubmit: [PATROL],
    guardStart: [PATROL],
  });
});

test('patrol staff (a teacher, a guard): their task reminders at the rounds and 扫码上岗, nothing at 待办 or the list', async () => {
  const none = { todoEntry: [], hazardRow: [], overdueFilter: [], roundSubmit: [PATROL], guardStart: [PATROL] };
  expect(await askedPerTap('teacher')).toEqual(none);
  expect(await askedPerTap('guard')).toEqual(none);
});

test('a parent is asked for none of the staff pushes at any of these taps', async () => {
  expect(await askedPerTap('parent')).toEqual({
    todoEntry: [], hazardRow: [], overdueFilter: [], roundSubmit: [], guardStart: [],
  });
});

test('a parent is asked for the notices and reminders at the notices page\'s 订阅 tap', async () => {
  routes(answerOf('parent'));
  const page = loadPage('pages/notices/index', { app: stubApp({}) });
  await page.onLoad();
  await flush();
  await page.subscribeReminders();
  expect(asked()).toEqual([['tpl-notice', 'tpl-reminder']]);
});

test('one visit asks once; a grant left is not asked for; used up, the next showing asks again', async () => {
  const left = { hazard_reported: { remaining: 1 }, hazard_overdue: { remaining: 2 }, hazard_fix_submitted: { remaining: 1 } };
  const spent = { ...left, hazard_reported: { remaining: 0, used_up: true } };
  routes([answerOf('school_admin', left), answerOf('school_admin', spent)]);
  const page = loadPage('pages/todo/index', { app: stubApp({}) });
  await page.onShow();
  await flush();
  page.open(tapEvent({ url: '/pages/hazards/detail?id=8' }));
  expect(asked()).toEqual([]);

  // A push spent the new-report grant; the templates are read again once older than MAX_AGE_MS.
  const now = Date.now();
  const clock = jest.spyOn(Date, 'now').mockReturnValue(now + MAX_AGE_MS + 1);
  try {
    await page.onShow();
    await flush();
    page.open(tapEvent({ url: '/pages/hazards/detail?id=8' }));
    page.open(tapEvent({ url: '/pages/hazards/detail?id=8' }));
    expect(asked()).toEqual([['tpl-reported']]);
  } finally {
    clock.mockRestore();
  }
});
