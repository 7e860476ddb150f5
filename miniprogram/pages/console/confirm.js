/**
 * 电脑端登录: confirm, on the phone, a login to the web console shown on a PC. Opened from the
 * home page's tile (which scans the PC's QR code with the camera here) or with `?code=` from a
 * scan. The code (`SAFETY-WEB:<code>`) works once and for two minutes; the answer is said in words.
 */
const api = require('../../api/client');
const { loadingState, readyState } = require('../../utils/page-state');

const PREFIX = 'SAFETY-WEB:';

/** What wx.scanCode read -> the console code, or '' when it is not one of ours. */
function consoleCode(text) {
  const value = String(text || '').trim();
  if (!value.startsWith(PREFIX)) return '';
  const code = value.slice(PREFIX.length);
  return /^[A-Za-z0-9_-]{16,80}$/.test(code) ? code : '';
}

/** The page's words for the server's refusal. */
function failure(err) {
  if (err && err.code === 'code_expired') return { result: 'expired', message: '二维码已过期，请在电脑上刷新' };
  if (err && err.code === 'not_found') return { result: 'failed', message: '没有识别到这个登录二维码，请在电脑上刷新后重新扫描' };
  if (err && err.code === 'forbidden') return { result: 'failed', message: '您的账号不能登录管理台（需要学校或教育局的工作人员身份）' };
  return { result: 'failed', message: (err && err.message) || '登录失败，请稍后重试' };
}

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    code: '',
    name: '',
    // '' (asking), 'scan' (nothing scanned yet), 'done', 'cancelled', 'expired', 'failed'
    result: '',
    message: '',
    submitting: false,
  },

  /** With a code: ask at once; without one: open the camera. */
  onLoad(query = {}) {
    const code = consoleCode(PREFIX + decodeURIComponent(query.code || ''));
    const app = getApp();
    const named = Promise.resolve(app.ready)
      .then(() => app.getMe())
      .then((me) => this.setData({ name: (me && me.user && me.user.display_name) || '' }))
      .catch(() => null);
    if (code) {
      this.setData({ ...readyState(1), code, result: '' });
      return named;
    }
    this.setData({ ...readyState(1), result: 'scan' });
    return named.then(() => this.scan());
  },

  /** Scan the PC's code with the camera (a picture from the album is not accepted). */
  scan() {
    return new Promise((resolve) => {
      wx.scanCode({
        onlyFromCamera: true,
        scanType: ['qrCode'],
        success: (res) => {
          const code = consoleCode(res && res.result);
          if (code) this.setData({ code, result: '', message: '' });
          else this.setData({ result: 'scan', message: '这不是管理台的登录二维码，请扫描电脑上显示的二维码' });
          resolve(code);
        },
        fail: (err) => {
          const cancelled = /cancel/.test((err && err.errMsg) || '');
          this.setData({ result: 'scan', message: cancelled ? '' : '无法打开相机扫码，请检查微信的相机权限' });
          resolve('');
        },
      });
    });
  },

  /** 确认登录: the PC that shows the code is logged in as this person. */
  confirm() {
    if (this.data.submitting || !this.data.code) return Promise.resolve();
    this.setData({ submitting: true });
    return api.call('consoleLoginConfirm', { body: { code: this.data.code } })
      .then(() => this.setData({ submitting: false, result: 'done', message: '已确认，电脑上的管理台将自动登录' }))
      .catch((err) => this.setData({ submitting: false, ...failure(err) }));
  },

  /** 取消: nothing is sent; the code expires on its own. */
  cancel() {
    this.setData({ result: 'cancelled', message: '已取消，电脑上不会登录' });
  },

  /** Back to where the person came from. */
  close() {
    wx.navigateBack({ delta: 1 });
  },

  /** page-state's 重试 (not used: the page loads nothing). */
  retry() {
    this.setData(loadingState());
    return this.onLoad({ code: this.data.code });
  },
});

