const { createClient, isIdempotent } = require('../../api/client');
const endpoints = require('../../api/endpoints');
const { MESSAGES, NETWORK_MESSAGE } = require('../../api/messages');
const { TOKEN_KEY } = require('../../utils/session');
const { installWx, serve, apiError, BASE_URL } = require('../helpers/wx');

const ME = { user: { id: 1, display_name: '张老师' }, grants: [], children: [], capabilities: [] };
const loginOk = (token) => ({ status: 200, body: { token, expires_at: '2030-01-01T00:00:00Z', user: ME.user } });

let wx;
let delays;
let api;

beforeEach(() => {
  wx = installWx();
  delays = [];
  api = createClient({ sleep: (ms) => { delays.push(ms); return Promise.resolve(); } });
});

describe('requests', () => {
  test('sends the stored token as a bearer header to the configured base URL', async () => {
    wx.storage.set(TOKEN_KEY, 'tok-1');
    serve(wx, { 'GET /api/v1/me': { status: 200, body: ME } });

    await expect(api.call('me')).resolves.toEqual(ME);

    const req = wx.request.mock.calls[0][0];
    expect(req.url).toBe(`${BASE_URL}/api/v1/me`);
    expect(req.method).toBe('GET');
    expect(req.header.Authorization).toBe('Bearer tok-1');
    expect(wx.login).not.toHaveBeenCalled();
  });

  test('fills path parameters and declared query parameters, and sends declared body fields', async () => {
    wx.storage.set(TOKEN_KEY, 'tok-1');
    const calls = serve(wx, {
      'GET /api/v1/units': { status: 200, body: { units: [] } },
      'DELETE /api/v1/children/42': { status: 204 },
      'POST /api/v1/children': (req) => ({ status: 201, body: { id: 9, name: req.data.child_name } }),
    });

    await api.call('units', { query: { parent_id: 7 } });
    await api.call('childUnbind', { params: { id: 42 } });
    const child = await api.call('childBind', {
      body: { class_code: 'ABC234', child_name: '李明', relation: 'father' },
    });

    expect(calls[0].query).toEqual({ parent_id: '7' });
    expect(calls[1].key).toBe('DELETE /api/v1/children/42');
    expect(calls[2].data).toEqual({ class_code: 'ABC234', child_name: '李明', relation: 'father' });
    expect(child).toEqual({ id: 9, name: '李明' });
  });

  test('refuses fields, parameters and endpoints that api/endpoints.js does not declare', async () => {
    wx.storage.set(TOKEN_KEY, 'tok-1');
    serve(wx, {});
    await expect(api.call('childBind', { body: { class_code: 'ABC234', nickname: 'x' } }))
      .rejects.toThrow('"nickname" is not a declared body field');
    await expect(api.call('childUnbind', {})).rejects.toThrow('missing path parameter "id"');
    await expect(api.call('units', { query: { page: 2 } })).rejects.toThrow('"page" is not a declared query field');
    await expect(api.call('nope')).rejects.toThrow('Unknown endpoint "nope"');
    expect(wx.request).not.toHaveBeenCalled();
  });
});

describe('errors', () => {
  beforeEach(() => wx.storage.set(TOKEN_KEY, 'tok-1'));

  test('turns the standard error shape into Chinese text, keeping code, status and details', async () => {
    serve(wx, { 'POST /api/v1/invitations/redeem': apiError(410, 'invitation_expired') });
    const err = await api.call('invitationRedeem', { body: { code: 'ABCDEFGH' } }).catch((e) => e);
    expect(err.message).toBe(MESSAGES.invitation_expired);
    expect(err.message).toMatch(/已过期/);
    expect(err.code).toBe('invitation_expired');
    expect(err.status).toBe(410);
    expect(err.serverMessage).toBe('server says invitation_expired');
  });

  test('keeps validation details for the form', async () => {
    serve(wx, { 'POST /api/v1/children': apiError(422, 'validation_error', { child_name: ['Too short.'] }) });
    const err = await api.call('childBind', { body: { class_code: 'ABC234', child_name: 'x', relation: 'father' } })
      .catch((e) => e);
    expect(err.message).toBe('填写的内容有误，请检查后重试');
    expect(err.details).toEqual({ child_name: ['Too short.'] });
  });

  test('an unknown code or a body without the error shape gives the generic text with the status', async () => {
    serve(wx, {
      'GET /api/v1/roles': apiError(418, 'teapot'),
      'GET /api/v1/children': { status: 500, body: '<html>Bad Gateway</html>' },
    });
    await expect(api.call('roles')).rejects.toThrow('操作失败，请稍后再试（418）');
    await expect(api.call('children')).rejects.toThrow('操作失败，请稍后再试（500）');
  });

  test('a network failure (after retries) says the network is unavailable', async () => {
    serve(wx, { 'GET /api/v1/me': { network: true } });
    const err = await api.call('me').catch((e) => e);
    expect(err.message).toBe(NETWORK_MESSAGE);
    expect(err.message).toBe('网络不可用，请检查网络后重试');
    expect(err.isNetworkError).toBe(true);
    expect(wx.request).toHaveBeenCalledTimes(3);
  });
});

describe('login and 401', () => {
  test('logs in first when there is no token, then sends the new token', async () => {
    const calls = serve(wx, {
      'POST /api/v1/auth/login': (req) => loginOk(`tok-for-${req.data.code}`),
      'GET /api/v1/me': { status: 200, body: ME },
    });
    await api.call('me');
    expect(calls.map((c) => c.key)).toEqual(['POST /api/v1/auth/login', 'GET /api/v1/me']);
    expect(calls[0].data).toEqual({ code: 'wx-code-1' });
    expect(calls[0].header.Authorization).toBeUndefined();
    expect(calls[1].header.Authorization).toBe('Bearer tok-for-wx-code-1');
    expect(wx.storage.get(TOKEN_KEY)).toBe('tok-for-wx-code-1');
  });

  test('a 401 clears the token, logs in again once and retries the request once', async () => {
    wx.storage.set(TOKEN_KEY, 'old');
    const calls = serve(wx, {
      'POST /api/v1/auth/login': loginOk('fresh'),
      'GET /api/v1/me': (req) => (req.header.Authorization === 'Bearer fresh'
        ? { status: 200, body: ME }
        : apiError(401, 'token_expired')),
    });
    await expect(api.call('me')).resolves.toEqual(ME);
    expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/me', 'POST /api/v1/auth/login', 'GET /api/v1/me']);
    expect(wx.removeStorageSync).toHaveBeenCalledWith(TOKEN_KEY);
    expect(wx.login).toHaveBeenCalledTimes(1);
    expect(wx.storage.get(TOKEN_KEY)).toBe('fresh');
  });

  test('an expired token with two calls at once: one quiet login, both calls repeated and answered', async () => {
    wx.storage.set(TOKEN_KEY, 'old');
    const fresh = (body) => (req) => (req.header.Authorization === 'Bearer fresh'
      ? { status: 200, body }
      : apiError(401, 'token_expired'));
    const calls = serve(wx, {
      'POST /api/v1/auth/login': loginOk('fresh'),
      'GET /api/v1/me': fresh(ME),
      'GET /api/v1/todo': fresh({ total: 0 }),
    });
    const [me, todo] = await Promise.all([api.call('me'), api.call('todo')]);
    expect(me).toEqual(ME);
    expect(todo).toEqual({ total: 0 });
    expect(wx.login).toHaveBeenCalledTimes(1);
    expect(calls.filter((c) => c.key === 'POST /api/v1/auth/login')).toHaveLength(1);
    expect(calls.filter((c) => c.key !== 'POST /api/v1/auth/login').map((c) => c.header.Authorization))
      .toEqual(['Bearer old', 'Bearer old', 'Bearer fresh', 'Bearer fresh']);
    expect(wx.storage.get(TOKEN_KEY)).toBe('fresh');
  });

  test('a second 401 after logging in again is reported, not looped', async () => {
    wx.storage.set(TOKEN_KEY, 'old');
    serve(wx, {
      'POST /api/v1/auth/login': loginOk('fresh'),
      'GET /api/v1/me': apiError(401, 'unauthorized'),
    });
    await expect(api.call('me')).rejects.toThrow(MESSAGES.unauthorized);
    expect(wx.login).toHaveBeenCalledTimes(1);
    expect(wx.request).toHaveBeenCalledTimes(3);
  });

  test('a failing login rejects with its Chinese message and stores nothing', async () => {
    serve(wx, { 'POST /api/v1/auth/login': apiError(403, 'wechat_user_blocked') });
    await expect(api.login()).rejects.toThrow('该微信账号已被停用，请联系学校或教育局');
    expect(wx.storage.has(TOKEN_KEY)).toBe(false);
  });

  test('wx.login failing gives a Chinese message without calling the API', async () => {
    wx.login.mockImplementation(({ fail }) => fail({ errMsg: 'login:fail' }));
    serve(wx, {});
    await expect(api.login()).rejects.toThrow('微信登录失败，请稍后再试');
    expect(wx.request).not.toHaveBeenCalled();
  });

  test('concurrent calls share one login', async () => {
    serve(wx, {
      'POST /api/v1/auth/login': loginOk('shared'),
      'GET /api/v1/me': { status: 200, body: ME },
      'GET /api/v1/roles': { status: 200, body: { roles: [] } },
    });
    await Promise.all([api.call('me'), api.call('roles'), api.login()]);
    expect(wx.login).toHaveBeenCalledTimes(1);
  });
});

describe('retries', () => {
  beforeEach(() => wx.storage.set(TOKEN_KEY, 'tok-1'));

  test('a GET is retried on 503 with backoff and then succeeds', async () => {
    serve(wx, {
      'GET /api/v1/campaigns/active': [apiError(503, 'service_unavailable'), apiError(502, 'bad_gateway'), { status: 200, body: { code: 'c' } }],
    });
    await expect(api.call('campaignActive')).resolves.toEqual({ code: 'c' });
    expect(wx.request).toHaveBeenCalledTimes(3);
    expect(delays).toEqual([300, 900]);
  });

  test('a GET gives up after three tries', async () => {
    serve(wx, { 'GET /api/v1/roles': apiError(504, 'gateway_timeout') });
    await expect(api.call('roles')).rejects.toMatchObject({ status: 504 });
    expect(wx.request).toHaveBeenCalledTimes(3);
  });

  test('a network failure of a DELETE is retried', async () => {
    serve(wx, { 'DELETE /api/v1/invitations/5': [{ network: true }, { status: 204 }] });
    await api.call('invitationRevoke', { params: { id: 5 } });
    expect(wx.request).toHaveBeenCalledTimes(2);
    expect(delays).toEqual([300]);
  });

  test('other statuses (429, 500) are not retried', async () => {
    serve(wx, { 'GET /api/v1/roles': apiError(429, 'rate_limited'), 'GET /api/v1/me': apiError(500, 'internal_error') });
    await expect(api.call('roles')).rejects.toThrow(MESSAGES.rate_limited);
    await expect(api.call('me')).rejects.toThrow(MESSAGES.internal_error);
    expect(wx.request).toHaveBeenCalledTimes(2);
  });

  test('a non-idempotent POST is never retried, on 503 or on network failure', async () => {
    serve(wx, {
      'POST /api/v1/invitations/redeem': apiError(503, 'service_unavailable'),
      'POST /api/v1/children': { network: true },
    });
    await expect(api.call('invitationRedeem', { body: { code: 'ABCDEFGH' } })).rejects.toMatchObject({ status: 503 });
    await expect(api.call('childBind', { body: { class_code: 'ABC234', child_name: '李明', relation: 'mother' } }))
      .rejects.toThrow(NETWORK_MESSAGE);
    expect(wx.request).toHaveBeenCalledTimes(2);
    expect(delays).toEqual([]);
  });

  test('a POST marked idempotent is retried', async () => {
    const custom = createClient({
      endpoints: { ...endpoints, ack: { method: 'POST', path: '/api/v1/notices/{id}/ack', idempotent: true } },
      sleep: () => Promise.resolve(),
    });
    serve(wx, { 'POST /api/v1/notices/3/ack': [apiError(503, 'service_unavailable'), { status: 204 }] });
    await custom.call('ack', { params: { id: 3 } });
    expect(wx.request).toHaveBeenCalledTimes(2);
  });

  test('isIdempotent follows the method and the explicit flag', () => {
    expect(isIdempotent({ method: 'GET' })).toBe(true);
    expect(isIdempotent({ method: 'PUT' })).toBe(true);
    expect(isIdempotent({ method: 'DELETE' })).toBe(true);
    expect(isIdempotent({ method: 'POST' })).toBe(false);
    expect(isIdempotent({ method: 'POST', idempotent: true })).toBe(true);
    expect(isIdempotent({ method: 'PATCH' })).toBe(false);
  });
});

describe('download and upload', () => {
  const PHOTO_ENDPOINTS = {
    ...endpoints,
    hazardPhoto: { method: 'POST', path: '/api/v1/hazards/{id}/photos', body: ['taken_at'], file: 'photo' },
  };

  beforeEach(() => wx.storage.set(TOKEN_KEY, 'tok-1'));

  test('download sends the token and resolves with the temp file path', async () => {
    const calls = serve(wx, { 'GET /api/v1/invitations/5/qr.png': { status: 200 } });
    const file = await api.download('invitationQr', { params: { id: 5 } });
    expect(file).toMatch(/^wxfile:\/\/tmp\/.+\.png$/);
    expect(calls[0].header.Authorization).toBe('Bearer tok-1');
  });

  test('a failed download reads the error body for the Chinese message', async () => {
    serve(wx, { 'GET /api/v1/invitations/5/qr.png': apiError(403, 'forbidden') });
    await expect(api.download('invitationQr', { params: { id: 5 } })).rejects.toThrow(MESSAGES.forbidden);
  });

  test('a file endpoint must be fetched with download(), not call()', async () => {
    await expect(api.call('invitationQr', { params: { id: 5 } })).rejects.toThrow('use api.download()');
  });

  test('upload sends file, form fields and token, reports progress and parses the JSON answer', async () => {
    const uploader = createClient({ endpoints: PHOTO_ENDPOINTS, sleep: () => Promise.resolve() });
    const calls = serve(wx, {
      'POST /api/v1/hazards/8/photos': { status: 201, body: { id: 77 }, progress: [10, 55, 100] },
    });
    const progress = [];
    const result = await uploader.upload(
      'hazardPhoto', 'wxfile://tmp/photo.jpg', { taken_at: '2024-05-01T08:00:00Z' },
      (p) => progress.push(p), { params: { id: 8 } },
    );
    expect(result).toEqual({ id: 77 });
    expect(progress.map((p) => p.progress)).toEqual([10, 55, 100]);
    expect(progress[1]).toEqual({ progress: 55, sent: 550, total: 1000 });
    expect(calls[0]).toMatchObject({
      filePath: 'wxfile://tmp/photo.jpg',
      name: 'photo',
      formData: { taken_at: '2024-05-01T08:00:00Z' },
    });
    expect(calls[0].header.Authorization).toBe('Bearer tok-1');
  });

  test('a failed upload is not retried and gives the Chinese message', async () => {
    const uploader = createClient({ endpoints: PHOTO_ENDPOINTS, sleep: () => Promise.resolve() });
    serve(wx, { 'POST /api/v1/hazards/8/photos': apiError(413, 'payload_too_large') });
    await expect(uploader.upload('hazardPhoto', 'wxfile://a.jpg', {}, null, { params: { id: 8 } }))
      .rejects.toThrow('文件太大，请压缩后重试');
    expect(wx.uploadFile).toHaveBeenCalledTimes(1);
  });
});
