/**
 * The phone's position for hazard reports and fixes: wx.getLocation in GCJ-02 (what WeChat's maps
 * use), with high accuracy, as the API's position fields `{lat, lng, accuracy, coord_system}`.
 *
 * A refusal (the user declined the location permission) is told apart from other failures, so the
 * page can explain why the position is needed and offer wx.openSetting.
 */
const { modal, openSetting } = require('./wxp');

const COORD_SYSTEM = 'gcj02';
const ACCURACY_MIN = 1; // the API wants accuracy > 0 m...
const ACCURACY_MAX = 10000; // ...and at most 10 km

const MESSAGES = {
  denied: '你没有允许使用位置信息，无法记录隐患的位置。请在设置中允许“位置信息”。',
  privacy: '需要先同意《隐私保护指引》，才能记录隐患的位置。',
  system: '微信没有定位权限。请在手机的“设置”中允许微信使用位置信息后重试。',
  off: '手机的定位服务没有打开，请打开定位（GPS）后重试。',
  failed: '暂时无法获取位置，请到开阔处后重试。',
};

/** What kind of failure a wx.getLocation errMsg describes. */
function failureKind(errMsg) {
  const text = String(errMsg || '');
  if (/privacy/i.test(text)) return 'privacy';
  if (/system permission/i.test(text)) return 'system';
  if (/auth den|auth deny|authorize|unauthorized/i.test(text)) return 'denied';
  if (/LOCATIONSWITCHOFF|location service|switch off|locationswitch/i.test(text)) return 'off';
  return 'failed';
}

/** Accuracy in metres as the API accepts it (WeChat may report 0 or nothing on some phones). */
function normalizeAccuracy(value) {
  const metres = Number(value);
  if (!Number.isFinite(metres) || metres < ACCURACY_MIN) return ACCURACY_MIN;
  return Math.min(Math.round(metres * 10) / 10, ACCURACY_MAX);
}

/** A wx.getLocation answer -> the API's position object. */
function positionFrom(res) {
  return {
    lat: Number(res.latitude),
    lng: Number(res.longitude),
    accuracy: normalizeAccuracy(res.horizontalAccuracy || res.accuracy),
    coord_system: COORD_SYSTEM,
  };
}

/**
 * Ask for the position once. Resolves `{position}` or `{error: {kind, message}}`.
 * `highAccuracy` (default true) waits up to 5 s for GPS.
 */
function locate({ highAccuracy = true } = {}) {
  return new Promise((resolve) => {
    const options = {
      type: COORD_SYSTEM,
      success: (res) => resolve({ position: positionFrom(res) }),
      fail: (err) => {
        const kind = failureKind(err && err.errMsg);
        resolve({ error: { kind, message: MESSAGES[kind] } });
      },
    };
    if (highAccuracy) {
      options.isHighAccuracy = true;
      options.highAccuracyExpireTime = 5000;
    }
    wx.getLocation(options);
  });
}

/** wx.openSetting, then locate again when the user turned location on there. */
function openSettingAndLocate() {
  return openSetting().then((auth) => {
    if (!auth['scope.userLocation']) return { error: { kind: 'denied', message: MESSAGES.denied } };
    return locate();
  });
}

/**
 * Locate; on a refusal explain why the position is needed and offer the settings page
 * ("去设置"), then try again. Resolves like `locate`.
 */
function locateOrExplain() {
  return locate().then((result) => {
    if (!result.error || result.error.kind !== 'denied') return result;
    return modal({
      title: '需要位置信息',
      content: '隐患和整改都要记录所在位置，以便核实和督导。请在设置中允许使用“位置信息”。',
      confirmText: '去设置',
      cancelText: '暂不',
    }).then((answer) => (answer.confirm ? openSettingAndLocate() : result));
  });
}

/** A position for the history of an action (verify, reject...): quick, and null on any failure. */
function tryPosition() {
  return locate({ highAccuracy: false }).then((result) => result.position || null);
}

module.exports = {
  COORD_SYSTEM,
  MESSAGES,
  failureKind,
  normalizeAccuracy,
  positionFrom,
  locate,
  locateOrExplain,
  openSettingAndLocate,
  tryPosition,
};
