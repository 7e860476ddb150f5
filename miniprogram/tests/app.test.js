const path = require('path');
const { installWx, serve, apiError } = require('./helpers/wx');
const { ROOT } = require('./helpers/page');
const { TOKEN_KEY } = require('../utils/session');

const ME = {
  user: { id: 1, display_name: '王老师', created_at: '2024-01-01T00:00:00Z' },
  grants: [],
  children: [],
  capabilities: ['campaign.view', 'child.bind'],
};

/** Load app.js with a stub App() and return its options object, launched. */
function launchApp() {
  let app = null;
  global.App = (options) => { app = options; };
  jest.isolateModules(() => require(path.join(ROOT, 'app.js')));
  app.onLaunch();
  return app;
}

let wx;
beforeEach(() => { wx = installWx(); });

test('on launch: wx.login -> login endpoint -> token stored -> /me', async () => {
  const calls = serve(wx, {
    'POST /api/v1/auth/login': { status: 200, body: { token: 'tok-launch', expires_at: '2030-01-01T00:00:00Z', user: ME.user } },
    'GET /api/v1/me': { status: 200, body: ME },
  });
  const app = launchApp();
  await expect(app.ready).resolves.toEqual(ME);

  expect(wx.login).toHaveBeenCalledTimes(1);
  expect(calls.map((c) => c.key)).toEqual(['POST /api/v1/auth/login', 'GET /api/v1/me']);
  expect(calls[0].data).toEqual({ code: 'wx-code-1' });
  expect(wx.setStorageSync).toHaveBeenCalledWith(TOKEN_KEY, 'tok-launch');
  expect(calls[1].header.Authorization).toBe('Bearer tok-launch');
  expect(app.globalData.me).toEqual(ME);
  expect(app.globalData.launchError).toBeNull();
});

test('a stored token and a saved /me: no login; /me shows at once and is refreshed behind', async () => {
  wx.storage.set(TOKEN_KEY, 'kept');
  wx.storage.set('offline_cache:me', { value: ME, savedAt: 1700000000000 });
  const fresh = { ...ME, user: { ...ME.user, display_name: '王老师（新）' } };
  const calls = serve(wx, { 'GET /api/v1/me': { status: 200, body: fresh } });
  const app = launchApp();
  expect(app.globalData.me).toEqual(ME); // before any answer
  await expect(app.ready).resolves.toEqual(ME);
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(wx.login).not.toHaveBeenCalled();
  expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/me']);
  expect(calls[0].header.Authorization).toBe('Bearer kept');
  expect(app.globalData.me).toEqual(fresh);
  expect(app.globalData.meSavedAt).toBe('');
  expect(wx.storage.get('offline_cache:me').value).toEqual(fresh);
});

test('an expired stored token is renewed quietly: the user sees /me, no error', async () => {
  wx.storage.set(TOKEN_KEY, 'expired');
  const calls = serve(wx, {
    'POST /api/v1/auth/login': { status: 200, body: { token: 'renewed', expires_at: '2030-01-01T00:00:00Z', user: ME.user } },
    'GET /api/v1/me': (req) => (req.header.Authorization === 'Bearer renewed' ? { status: 200, body: ME } : apiError(401, 'token_expired')),
  });
  const app = launchApp();
  await expect(app.ready).resolves.toEqual(ME);
  expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/me', 'POST /api/v1/auth/login', 'GET /api/v1/me']);
  expect(wx.storage.get(TOKEN_KEY)).toBe('renewed');
  expect(app.globalData.launchError).toBeNull();
  expect(wx.showToast).not.toHaveBeenCalled();
  expect(wx.showModal).not.toHaveBeenCalled();
});

test('a saved /me with an expired token: shown at once, renewed behind without a word', async () => {
  wx.storage.set(TOKEN_KEY, 'expired');
  wx.storage.set('offline_cache:me', { value: ME, savedAt: 1700000000000 });
  serve(wx, {
    'POST /api/v1/auth/login': { status: 200, body: { token: 'renewed', expires_at: '', user: ME.user } },
    'GET /api/v1/me': (req) => (req.header.Authorization === 'Bearer renewed' ? { status: 200, body: ME } : apiError(401, 'token_expired')),
  });
  const app = launchApp();
  const seen = [];
  app.watchMe((change) => seen.push(change));
  await app.ready;
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(wx.storage.get(TOKEN_KEY)).toBe('renewed');
  expect(seen).toEqual([{ me: ME, savedAt: '' }]);
});

test('first start ever without signal: no /me, the network error kept for the home page', async () => {
  wx.request.mockImplementation(({ fail }) => Promise.resolve().then(() => fail({ errMsg: 'request:fail' })));
  jest.useFakeTimers();
  const app = launchApp();
  const ready = app.ready;
  await jest.runAllTimersAsync();
  await expect(ready).resolves.toBeNull();
  jest.useRealTimers();
  expect(app.globalData.launchError.code).toBe('network_error');
  expect(app.globalData.me).toBeNull();
});

test('a failed launch login is kept for the pages, in Chinese, and getMe tries again', async () => {
  serve(wx, {
    'POST /api/v1/auth/login': [apiError(503, 'wechat_unavailable'), { status: 200, body: { token: 't2', expires_at: '', user: ME.user } }],
    'GET /api/v1/me': { status: 200, body: ME },
  });
  const app = launchApp();
  await expect(app.ready).resolves.toBeNull();
  expect(app.globalData.launchError.message).toBe('微信服务暂时不可用，请稍后再试');

  await expect(app.getMe()).resolves.toEqual(ME);
  expect(app.globalData.launchError).toBeNull();
  expect(wx.login).toHaveBeenCalledTimes(2);
});

test('getMe caches, and refresh asks the server again', async () => {
  const calls = serve(wx, {
    'POST /api/v1/auth/login': { status: 200, body: { token: 't', expires_at: '', user: ME.user } },
    'GET /api/v1/me': { status: 200, body: ME },
  });
  const app = launchApp();
  await app.ready;
  await app.getMe();
  await app.getMe();
  expect(calls.filter((c) => c.key === 'GET /api/v1/me')).toHaveLength(1);
  await app.getMe({ refresh: true });
  expect(calls.filter((c) => c.key === 'GET /api/v1/me')).toHaveLength(2);
});

test('installs the privacy hook at launch when the API exists', () => {
  serve(wx, {});
  launchApp();
  expect(wx.onNeedPrivacyAuthorization).toHaveBeenCalledTimes(1);
  expect(typeof wx.onNeedPrivacyAuthorization.mock.calls[0][0]).toBe('function');
});

test('launches on base libraries without the privacy API', () => {
  delete wx.onNeedPrivacyAuthorization;
  serve(wx, {});
  expect(() => launchApp()).not.toThrow();
});

describe('the hazard outbox', () => {
  const ENTRY = {
    id: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
    clientUuid: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
    report: { focus_problem: 'fire.patrol', description: '灭火器过期', severity: 'general', lat: 33.1, lng: 116.2, accuracy: 10, coord_system: 'gcj02' },
    photos: ['wxfile://usr/hazard_outbox/a-1.jpg'],
    title: '',
    school: '',
    createdAt: '2024-04-02T01:30:00Z',
    status: 'pending',
    error: '',
    attempts: 1,
    lastTriedAt: '',
  };

  function routes() {
    return {
      'POST /api/v1/auth/login': { status: 200, body: { token: 't', expires_at: '', user: ME.user } },
      'GET /api/v1/me': { status: 200, body: ME },
      'POST /api/v1/photos': { status: 201, body: { id: 9 } },
      'POST /api/v1/hazards': { status: 201, body: { id: 77 } },
    };
  }

  beforeEach(() => {
    wx.storage.set('hazard_outbox', [ENTRY]);
    wx.fs.files.set(ENTRY.photos[0], 'jpeg');
  });

  test('on show, after the sign-in, what waits in the outbox is sent', async () => {
    const calls = serve(wx, routes());
    const app = launchApp();
    await app.flushOutbox();
    expect(calls.map((c) => c.key)).toEqual([
      'POST /api/v1/auth/login', 'GET /api/v1/me', 'POST /api/v1/photos', 'POST /api/v1/hazards',
    ]);
    expect(calls[3].data.client_uuid).toBe(ENTRY.clientUuid);
    expect(wx.storage.get('hazard_outbox')).toEqual([]);
  });

  test('onShow starts the flush; an empty outbox sends nothing', async () => {
    const calls = serve(wx, routes());
    const app = launchApp();
    app.onShow();
    await app.ready;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls.filter((c) => c.key === 'POST /api/v1/hazards')).toHaveLength(1);

    app.onShow();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls.filter((c) => c.key === 'POST /api/v1/hazards')).toHaveLength(1);
  });

  test('the network coming back sends the outbox', async () => {
    const calls = serve(wx, routes());
    wx.setOnline(false);
    const app = launchApp();
    await app.flushOutbox();
    expect(calls.some((c) => c.key === 'POST /api/v1/hazards')).toBe(false);
    expect(wx.onNetworkStatusChange).toHaveBeenCalled();

    wx.setOnline(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls.filter((c) => c.key === 'POST /api/v1/hazards').map((c) => c.data.client_uuid)).toEqual([ENTRY.clientUuid]);
  });
});

describe('the patrol outbox', () => {
  const ROUND = {
    id: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b',
    clientUuid: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b',
    round: {
      token: 'cp_token_AAAAAAAAAAAAAAAAAAAA', template_id: 7, lat: 33.1, lng: 116.2, accuracy: 10, coord_system: 'gcj02',
      scanned_at: '2026-11-29T00:05:00Z', answers: [{ item_id: 1, answer: 'pass' }],
    },
    photos: [],
    photoCounts: [0],
    title: '食堂后厨',
    school: '城东第一小学',
    createdAt: '2026-11-29T00:06:00Z',
    status: 'pending',
    error: '',
    attempts: 1,
    lastTriedAt: '',
  };

  test('the network coming back sends the waiting rounds too, with their client_uuid', async () => {
    wx.storage.set('patrol_outbox', [ROUND]);
    const calls = serve(wx, {
      'POST /api/v1/auth/login': { status: 200, body: { token: 't', expires_at: '', user: ME.user } },
      'GET /api/v1/me': { status: 200, body: ME },
      'POST /api/v1/patrols': { status: 201, body: { id: 11 } },
    });
    wx.setOnline(false);
    const app = launchApp();
    await app.flushOutbox();
    expect(calls.some((c) => c.key === 'POST /api/v1/patrols')).toBe(false);

    wx.setOnline(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const posts = calls.filter((c) => c.key === 'POST /api/v1/patrols');
    expect(posts.map((c) => c.data.client_uuid)).toEqual([ROUND.clientUuid]);
    expect(wx.storage.get('patrol_outbox')).toEqual([]);
  });
});

describe('the unread count', () => {
  const INBOX_ME = { ...ME, capabilities: [...ME.capabilities, 'inbox.view'] };

  test('each app show refreshes it, after the sign-in, for users with an inbox', async () => {
    const calls = serve(wx, {
      'POST /api/v1/auth/login': { status: 200, body: { token: 't', expires_at: '', user: ME.user } },
      'GET /api/v1/me': { status: 200, body: INBOX_ME },
      'GET /api/v1/inbox/unread-count': [{ status: 200, body: { unread_count: 3 } }, { status: 200, body: { unread_count: 1 } }],
    });
    // app.js and the count module as the app sees it (one module registry, like the runtime's).
    let app = null;
    let unread = null;
    global.App = (options) => { app = options; };
    jest.isolateModules(() => {
      require(path.join(ROOT, 'app.js'));
      unread = require('../utils/unread');
    });
    app.onLaunch();
    app.onShow();
    await app.refreshUnread();
    expect(calls.map((c) => c.key).filter((k) => k !== 'GET /api/v1/todo'))
      .toEqual(['POST /api/v1/auth/login', 'GET /api/v1/me', 'GET /api/v1/inbox/unread-count']);
    expect(unread.count()).toBe(3);

    app.onShow();
    await app.refreshUnread();
    expect(calls.filter((c) => c.key === 'GET /api/v1/inbox/unread-count')).toHaveLength(2);
    expect(unread.count()).toBe(1);
  });

  test('no inbox capability or a failed launch: nothing is asked, nothing throws', async () => {
    const calls = serve(wx, {
      'POST /api/v1/auth/login': apiError(503, 'wechat_unavailable'),
    });
    const app = launchApp();
    await expect(app.refreshUnread()).resolves.toBeNull();
    expect(calls.some((c) => c.key === 'GET /api/v1/inbox/unread-count')).toBe(false);
  });
});

describe('tab badges and the signal returning', () => {
  const STAFF_ME = { ...ME, capabilities: [...ME.capabilities, 'inbox.view', 'hazard.report'] };
  const TODO = { hazards: { plan: { count: 4, items: [] } }, notices: { count: 1, items: [] }, total: 5 };

  function launchWithBadges() {
    wx.setTabBarBadge = jest.fn();
    wx.removeTabBarBadge = jest.fn();
    return launchApp();
  }

  test('each show refreshes the 待办 badge (to-do total) and the 消息 badge (unread count)', async () => {
    serve(wx, {
      'POST /api/v1/auth/login': { status: 200, body: { token: 't', expires_at: '', user: ME.user } },
      'GET /api/v1/me': { status: 200, body: STAFF_ME },
      'GET /api/v1/campaigns/active': { status: 200, body: {} },
      'GET /api/v1/hazards/schools': { status: 200, body: { schools: [] } },
      'GET /api/v1/todo': [{ status: 200, body: TODO }, { status: 200, body: { ...TODO, total: 0 } }],
      'GET /api/v1/inbox/unread-count': [{ status: 200, body: { unread_count: 7 } }, { status: 200, body: { unread_count: 0 } }],
    });
    const app = launchWithBadges();
    await app.ready;
    await Promise.all([app.refreshTodo(), app.refreshUnread()]);
    const badge = () => wx.setTabBarBadge.mock.calls.map((c) => [c[0].index, c[0].text]);
    expect(badge().sort()).toEqual([[1, '5'], [2, '7']]);
    expect(wx.removeTabBarBadge).not.toHaveBeenCalled();

    app.onShow(); // back to the app: both counts are now 0
    await Promise.all([app.refreshTodo(), app.refreshUnread()]);
    expect([...new Set(wx.removeTabBarBadge.mock.calls.map((c) => c[0].index))].sort()).toEqual([1, 2]);
  });

  test('the signal returning refreshes /me, the campaign, the schools and the to-do into the phone', async () => {
    wx.storage.set(TOKEN_KEY, 'tok');
    const calls = serve(wx, {
      'GET /api/v1/me': { status: 200, body: STAFF_ME },
      'GET /api/v1/campaigns/active': { status: 200, body: { code: 'c', areas: [] } },
      'GET /api/v1/hazards/schools': { status: 200, body: { schools: [{ id: 3, name: '城东第一小学' }] } },
      'GET /api/v1/todo': { status: 200, body: TODO },
      'GET /api/v1/inbox/unread-count': { status: 200, body: { unread_count: 0 } },
    });
    const app = launchWithBadges();
    await app.ready;
    await new Promise((resolve) => setTimeout(resolve, 10));
    calls.length = 0;
    wx.setOnline(false);
    wx.setOnline(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.map((c) => c.key).sort()).toEqual([
      'GET /api/v1/campaigns/active', 'GET /api/v1/hazards/schools', 'GET /api/v1/inbox/unread-count', 'GET /api/v1/me',
      'GET /api/v1/todo',
    ]);
    expect(wx.storage.get('offline_cache:schools').value.schools).toHaveLength(1);
    expect(wx.storage.get('offline_cache:campaign').value.code).toBe('c');
    expect(wx.storage.get('offline_cache:todo').value.total).toBe(5);
  });
});
