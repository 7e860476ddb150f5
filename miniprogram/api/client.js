/**
 * The API client: every call goes through here, built from the table in api/endpoints.js.
 *
 *   api.call('units', { query: { parent_id: 3 } })             -> Promise of the JSON body
 *   api.call('childUnbind', { params: { id: 7 } })
 *   api.download('invitationQr', { params: { id: 5 } })       -> Promise of a temp file path
 *   api.upload(name, filePath, formData, onProgress, { params }) -> Promise of the JSON body
 *
 * - Sends `Authorization: Bearer <token>`; logs in first (wx.login -> login endpoint) when there is
 *   no token yet, and waits for a login already under way.
 * - A 401 clears the token, logs in again once and repeats the request once.
 * - Idempotent calls (GET, PUT, DELETE, and entries marked `idempotent: true`) are retried on a
 *   network failure or 502/503/504, after 300 ms then 900 ms (3 tries); other POSTs never are.
 * - Failures reject with an ApiError whose `message` is Chinese text for people (api/messages.js).
 */
const defaultEndpoints = require('./endpoints');
const defaultTransport = require('./transport');
const config = require('../config');
const session = require('../utils/session');
const { ApiError, fromResponse, networkError } = require('./errors');
const { LOGIN_FAILED_MESSAGE } = require('./messages');

const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];
const RETRY_STATUSES = [502, 503, 504];
const RETRY_DELAYS_MS = [300, 900];

function isIdempotent(endpoint) {
  return IDEMPOTENT_METHODS.includes(endpoint.method) || endpoint.idempotent === true;
}

/** '/api/v1/units/{id}' + {id: 3} -> '/api/v1/units/3'. */
function fillPath(name, path, params) {
  return path.replace(/\{(\w+)\}/g, (match, key) => {
    const value = params ? params[key] : undefined;
    if (value === undefined || value === null || value === '') {
      throw new Error(`${name}: missing path parameter "${key}"`);
    }
    return encodeURIComponent(String(value));
  });
}

/** Keep the declared fields that have a value; an undeclared field is a programming error. */
function pickFields(name, what, allowed, values) {
  const picked = {};
  Object.keys(values || {}).forEach((key) => {
    if (!(allowed || []).includes(key)) {
      throw new Error(`${name}: "${key}" is not a declared ${what} field in api/endpoints.js`);
    }
    if (values[key] !== undefined) picked[key] = values[key];
  });
  return picked;
}

function queryString(query) {
  const parts = Object.keys(query)
    .filter((key) => query[key] !== null)
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(String(query[key]))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** wx.login as a promise of the one-time code. */
function wxLoginCode() {
  return new Promise((resolve, reject) => {
    const failed = (errMsg) => reject(new ApiError({
      message: LOGIN_FAILED_MESSAGE,
      code: 'wechat_login_failed',
      serverMessage: errMsg || '',
    }));
    wx.login({
      success: (res) => (res && res.code ? resolve(res.code) : failed(res && res.errMsg)),
      fail: (err) => failed(err && err.errMsg),
    });
  });
}

/**
 * Make a client. The defaults are the real ones; tests pass their own endpoint table, a `sleep`
 * that doesn't wait, or a base URL.
 */
function createClient(options = {}) {
  const endpoints = options.endpoints || defaultEndpoints;
  const transport = options.transport || defaultTransport;
  const retryDelays = options.retryDelays || RETRY_DELAYS_MS;
  const sleep = options.sleep || ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const baseUrl = () => options.baseUrl || config.apiBaseUrl;
  let loginInFlight = null;

  function endpointNamed(name) {
    const endpoint = endpoints[name];
    if (!endpoint) throw new Error(`Unknown endpoint "${name}": declare it in api/endpoints.js`);
    return endpoint;
  }

  /** wx.login -> login endpoint -> token stored. Concurrent callers share one login. */
  function login() {
    if (!loginInFlight) {
      loginInFlight = wxLoginCode()
        .then((code) => send('login', 'request', { body: { code } }))
        .then((result) => {
          session.setToken(result.token);
          return result;
        })
        .then(
          (result) => { loginInFlight = null; return result; },
          (err) => { loginInFlight = null; throw err; },
        );
    }
    return loginInFlight;
  }

  async function currentToken(endpoint) {
    if (endpoint.auth === false) return '';
    if (loginInFlight) await loginInFlight;
    if (!session.getToken()) await login();
    return session.getToken();
  }

  async function send(name, kind, opts = {}) {
    const endpoint = endpointNamed(name);
    if (Boolean(endpoint.download) !== (kind === 'download')) {
      throw new Error(`${name}: use api.${endpoint.download ? 'download' : 'call'}() for this endpoint`);
    }
    const query = pickFields(name, 'query', endpoint.query, opts.query);
    const url = baseUrl() + fillPath(name, endpoint.path, opts.params) + queryString(query);
    const fields = pickFields(name, 'body', endpoint.body, opts.body);
    const payload = kind === 'upload'
      ? { filePath: opts.filePath, name: endpoint.file || 'file', formData: fields, onProgress: opts.onProgress }
      : { data: endpoint.body ? fields : undefined };
    const retryable = isIdempotent(endpoint);
    let retries = 0;
    let reloggedIn = false;

    for (;;) {
      const token = await currentToken(endpoint);
      const header = token ? { Authorization: `Bearer ${token}` } : {};
      let res;
      try {
        res = await transport[kind]({ url, method: endpoint.method, header, ...payload });
      } catch (err) {
        if (!err || !err.network) throw err;
        if (retryable && retries < retryDelays.length) {
          await sleep(retryDelays[retries++]);
          continue;
        }
        throw networkError(err.errMsg);
      }
      const { statusCode, data } = res;
      if (statusCode >= 200 && statusCode < 300) return data;
      if (statusCode === 401 && endpoint.auth !== false && !reloggedIn) {
        reloggedIn = true;
        // Another request may already have logged in again while this one was out.
        if (session.getToken() === token) {
          session.clearToken();
          await login();
        }
        continue;
      }
      if (RETRY_STATUSES.includes(statusCode) && retryable && retries < retryDelays.length) {
        await sleep(retryDelays[retries++]);
        continue;
      }
      throw fromResponse(statusCode, data);
    }
  }

  return {
    login,
    call: (name, opts) => send(name, 'request', opts),
    download: (name, opts) => send(name, 'download', opts),
    upload: (name, filePath, formData, onProgress, opts = {}) => send(name, 'upload', {
      ...opts, filePath, body: formData, onProgress,
    }),
  };
}

module.exports = {
  ...createClient(),
  createClient,
  isIdempotent,
  ApiError,
  RETRY_DELAYS_MS,
};
