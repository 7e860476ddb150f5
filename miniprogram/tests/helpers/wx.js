/**
 * A mock `wx` for tests: every API the mini-program uses is a jest.fn with a harmless default, and
 * storage is a real in-memory map. `serve()` routes wx.request / downloadFile / uploadFile to a fake
 * API server made of handlers keyed by "METHOD /path".
 *
 * `wx.fs` is an in-memory file system behind wx.getFileSystemManager() (`fs.files`: path -> content);
 * wx.chooseMedia's default answer puts its temp photos there. wx.getLocation answers POSITION,
 * wx.getNetworkType 'wifi'; `wx.setOnline(false)` flips both the type and the status listeners.
 *
 * wx.requestSubscribeMessage is absent by default, as on old WeChat clients (nothing is asked, no
 * template call is made); `allowSubscribe(wx, answer)` adds it, answering each template id with
 * `answer` ('accept', 'reject'...) or with what a function of the id returns.
 */

const BASE_URL = 'http://127.0.0.1:5000';
const USER_DATA_PATH = 'wxfile://usr';
const POSITION = { latitude: 33.6461, longitude: 116.9647, accuracy: 12, horizontalAccuracy: 12 };

/** The FileSystemManager subset the mini-program uses, over an in-memory map of files. */
function createFs() {
  const files = new Map();
  const dirs = new Set([USER_DATA_PATH]);
  const missing = (op, path) => new Error(`${op}:fail no such file or directory ${path}`);
  const fs = {
    files,
    dirs,
    readFileSync: jest.fn((path) => (files.has(path) ? files.get(path) : '')),
    accessSync: jest.fn((path) => {
      if (!files.has(path) && !dirs.has(path)) throw missing('accessSync', path);
    }),
    mkdirSync: jest.fn((path) => { dirs.add(path); }),
    copyFileSync: jest.fn((src, dest) => {
      if (!files.has(src)) throw missing('copyFileSync', src);
      files.set(dest, files.get(src));
    }),
    saveFileSync: jest.fn((src, dest) => {
      if (!files.has(src)) throw missing('saveFileSync', src);
      files.set(dest, files.get(src));
      files.delete(src);
      return dest;
    }),
    unlinkSync: jest.fn((path) => {
      if (!files.has(path)) throw missing('unlinkSync', path);
      files.delete(path);
    }),
  };
  return fs;
}

function createWx() {
  const storage = new Map();
  const fs = createFs();
  const networkListeners = [];
  let online = true;
  let codeCounter = 0;
  let photoCounter = 0;
  const wx = {
    storage,
    fs,
    env: { USER_DATA_PATH },
    getStorageSync: jest.fn((key) => (storage.has(key) ? storage.get(key) : '')),
    setStorageSync: jest.fn((key, value) => { storage.set(key, value); }),
    removeStorageSync: jest.fn((key) => { storage.delete(key); }),
    login: jest.fn(({ success }) => { codeCounter += 1; success({ code: `wx-code-${codeCounter}` }); }),
    getAccountInfoSync: jest.fn(() => ({ miniProgram: { envVersion: 'develop', appId: 'touristappid' } })),
    request: jest.fn(({ fail }) => fail({ errMsg: 'request:fail no fake server' })),
    downloadFile: jest.fn(({ fail }) => fail({ errMsg: 'downloadFile:fail no fake server' })),
    uploadFile: jest.fn(({ fail }) => { fail({ errMsg: 'uploadFile:fail no fake server' }); return {}; }),
    getFileSystemManager: jest.fn(() => fs),
    showToast: jest.fn(),
    showModal: jest.fn(({ success }) => success && success({ confirm: true, cancel: false })),
    navigateTo: jest.fn(),
    navigateBack: jest.fn(),
    reLaunch: jest.fn(),
    setNavigationBarTitle: jest.fn(),
    setClipboardData: jest.fn(),
    scanCode: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    onNeedPrivacyAuthorization: jest.fn(),
    getPrivacySetting: jest.fn(),
    openPrivacyContract: jest.fn(),
    redirectTo: jest.fn(),
    previewImage: jest.fn(),
    showActionSheet: jest.fn(({ fail }) => fail && fail({ errMsg: 'showActionSheet:fail cancel' })),
    chooseMedia: jest.fn(({ count, success }) => {
      const tempFiles = Array.from({ length: Math.min(count || 1, 2) }, () => {
        photoCounter += 1;
        const tempFilePath = `http://tmp/photo-${photoCounter}.jpg`;
        fs.files.set(tempFilePath, `jpeg-bytes-${photoCounter}`);
        return { tempFilePath, size: 1000, fileType: 'image' };
      });
      success({ tempFiles, type: 'image' });
    }),
    getLocation: jest.fn(({ success }) => success({ ...POSITION })),
    chooseLocation: jest.fn(({ success }) => success({ name: '学校大门', address: '', ...POSITION })),
    openSetting: jest.fn(({ success }) => success({ authSetting: {} })),
    getNetworkType: jest.fn(({ success }) => success({ networkType: online ? 'wifi' : 'none' })),
    onNetworkStatusChange: jest.fn((cb) => networkListeners.push(cb)),
    setOnline(value) {
      online = value;
      networkListeners.forEach((cb) => cb({ isConnected: value, networkType: value ? 'wifi' : 'none' }));
    },
  };
  return wx;
}

/** Replace global.wx with a fresh mock and return it. */
function installWx() {
  const wx = createWx();
  global.wx = wx;
  return wx;
}

/** Split a request URL into path and query object. */
function parseUrl(url) {
  const withoutBase = url.startsWith(BASE_URL) ? url.slice(BASE_URL.length) : url;
  const [path, search = ''] = withoutBase.split('?');
  const query = {};
  search.split('&').filter(Boolean).forEach((pair) => {
    const [key, value] = pair.split('=');
    query[decodeURIComponent(key)] = decodeURIComponent(value);
  });
  return { path, query };
}

const later = (fn) => Promise.resolve().then(fn);

/** Give the mock wx.requestSubscribeMessage, answering every template id with `answer`. */
function allowSubscribe(wx, answer = 'accept') {
  wx.requestSubscribeMessage = jest.fn(({ tmplIds, success }) => {
    const res = { errMsg: 'requestSubscribeMessage:ok' };
    tmplIds.forEach((id) => { res[id] = typeof answer === 'function' ? answer(id) : answer; });
    later(() => success(res));
  });
  return wx.requestSubscribeMessage;
}

/**
 * Route the wx network APIs to `routes`: {"GET /api/v1/me": handler}. A handler gets
 * {kind, method, path, query, header, data, filePath, name, formData} and returns
 * `{status, body}` (JSON body), `{network: true}` for a failed connection, or for uploads
 * `{status, body, progress: [percent...]}`. A handler may be an array: one entry per call, in order.
 * Returns `calls`, the list of requests received.
 */
function serve(wx, routes) {
  const calls = [];
  const counters = {};
  const route = (req) => {
    const key = `${req.method} ${req.path}`;
    calls.push({ key, ...req });
    let handler = routes[key];
    if (Array.isArray(handler)) {
      counters[key] = (counters[key] || 0) + 1;
      handler = handler[Math.min(counters[key], handler.length) - 1];
    }
    if (!handler) return { status: 404, body: { error: { code: 'not_found', message: `no route ${key}`, details: null } } };
    return typeof handler === 'function' ? handler(req) : handler;
  };

  wx.request.mockImplementation(({ url, method, header, data, success, fail }) => {
    const res = route({ kind: 'request', method: method || 'GET', header, data, ...parseUrl(url) });
    later(() => (res.network ? fail({ errMsg: 'request:fail timeout' }) : success({ statusCode: res.status, data: res.body === undefined ? '' : res.body })));
  });
  wx.downloadFile.mockImplementation(({ url, header, success, fail }) => {
    const res = route({ kind: 'download', method: 'GET', header, ...parseUrl(url) });
    const file = `wxfile://tmp/${calls.length}.png`;
    const ok = res.status >= 200 && res.status < 300;
    wx.fs.readFileSync.mockImplementation(() => JSON.stringify(res.body));
    later(() => (res.network ? fail({ errMsg: 'downloadFile:fail' }) : success({ statusCode: res.status, tempFilePath: ok ? file : `${file}.err` })));
  });
  wx.uploadFile.mockImplementation(({ url, header, filePath, name, formData, success, fail }) => {
    const res = route({ kind: 'upload', method: 'POST', header, filePath, name, formData, ...parseUrl(url) });
    const listeners = [];
    later(() => {
      (res.progress || []).forEach((percent) => listeners.forEach((cb) => cb({
        progress: percent, totalBytesSent: percent * 10, totalBytesExpectedToSend: 1000,
      })));
      if (res.network) fail({ errMsg: 'uploadFile:fail' });
      else success({ statusCode: res.status, data: JSON.stringify(res.body) });
    });
    return { onProgressUpdate: (cb) => listeners.push(cb), abort: jest.fn() };
  });
  return calls;
}

/** The standard error body. */
function apiError(status, code, details = null) {
  return { status, body: { error: { code, message: `server says ${code}`, details } } };
}

/** Wait until queued promise callbacks have run. */
function flush() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

module.exports = {
  BASE_URL, USER_DATA_PATH, POSITION, createWx, installWx, serve, apiError, flush, allowSubscribe,
};
