/**
 * The one place that says where the API is.
 *
 * The address follows the mini-program's running version, as WeChat reports it in
 * `wx.getAccountInfoSync().miniProgram.envVersion`:
 *   - 'develop': WeChat DevTools or a developer's phone preview. Points at the local Flask server;
 *     tick "不校验合法域名、web-view（业务域名）、TLS 版本以及 HTTPS 证书" in DevTools' 详情 -> 本地设置.
 *   - 'trial':   the 体验版 testers open. Placeholder: set it to the test server's HTTPS address.
 *   - 'release': the published version. Placeholder: set it to the production HTTPS address.
 * Both HTTPS hosts must also be listed as "request合法域名" and "downloadFile/uploadFile合法域名"
 * in the WeChat admin console (开发管理 -> 开发设置 -> 服务器域名).
 */
const API_BASE_URLS = {
  develop: 'http://127.0.0.1:5000',
  trial: 'https://safety-test.example.edu.cn',
  release: 'https://safety.example.edu.cn',
};

/** The running version: 'develop' | 'trial' | 'release' ('develop' where WeChat can't tell). */
function envVersion() {
  try {
    if (typeof wx !== 'undefined' && typeof wx.getAccountInfoSync === 'function') {
      const info = wx.getAccountInfoSync();
      const version = info && info.miniProgram && info.miniProgram.envVersion;
      if (version && API_BASE_URLS[version]) return version;
    }
  } catch (err) {
    // Old base libraries lack the API: fall through to the development address.
  }
  return 'develop';
}

module.exports = {
  API_BASE_URLS,
  envVersion,
  /** Read on every request, so a test (or DevTools' version switch) sees the current value. */
  get apiBaseUrl() {
    return API_BASE_URLS[envVersion()];
  },
};
