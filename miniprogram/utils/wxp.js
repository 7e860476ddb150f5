/**
 * Promise wrappers of the callback-style wx APIs the hazard pages use. Each resolves; failures
 * and cancellations are part of the answer, so callers never need a catch for them.
 */

/** wx.showModal -> {confirm, cancel, content} ({confirm: false} when it could not show). */
function modal(options) {
  return new Promise((resolve) => {
    wx.showModal({
      ...options,
      success: (res) => resolve({ confirm: Boolean(res && res.confirm), cancel: Boolean(res && res.cancel), content: (res && res.content) || '' }),
      fail: () => resolve({ confirm: false, cancel: true, content: '' }),
    });
  });
}

/** An alert with a single "知道了" button. */
function alert(title, content) {
  return modal({ title, content, showCancel: false, confirmText: '知道了' });
}

/** wx.showActionSheet -> the tapped index, or -1 when cancelled. */
function actionSheet(itemList) {
  return new Promise((resolve) => {
    wx.showActionSheet({
      itemList,
      success: (res) => resolve(typeof res.tapIndex === 'number' ? res.tapIndex : -1),
      fail: () => resolve(-1),
    });
  });
}

/** wx.getNetworkType -> 'wifi' | '4g' | ... | 'none' ('unknown' when WeChat can't tell). */
function networkType() {
  return new Promise((resolve) => {
    if (typeof wx.getNetworkType !== 'function') {
      resolve('unknown');
      return;
    }
    wx.getNetworkType({
      success: (res) => resolve((res && res.networkType) || 'unknown'),
      fail: () => resolve('unknown'),
    });
  });
}

/** True when the phone says it has no network at all (unknown counts as online: just try). */
function isOffline() {
  return networkType().then((type) => type === 'none');
}

/** wx.openSetting -> the authSetting map ({} when it failed). */
function openSetting() {
  return new Promise((resolve) => {
    wx.openSetting({
      success: (res) => resolve((res && res.authSetting) || {}),
      fail: () => resolve({}),
    });
  });
}

module.exports = { modal, alert, actionSheet, networkType, isOffline, openSetting };
