/**
 * WeChat's privacy check (`"__usePrivacyCheck__": true` in app.json).
 *
 * When a privacy API (wx.scanCode, wx.getLocation, wx.setClipboardData...) is called before the user
 * agreed to the privacy guide, WeChat calls the handler registered with wx.onNeedPrivacyAuthorization
 * and waits for `resolve({buttonId: 'agree-btn', event: 'agree'})` or `resolve({event: 'disagree'})`.
 *
 * app.js installs the handler once. Every page puts a <privacy-popup/> in its WXML; the popup
 * registers itself here while it is attached, and the newest one (the current page's) is asked.
 */
const popups = [];

/** Ask the current page's popup; with no popup on the page, answer "disagree" so the call fails fast. */
function handleNeed(resolve, eventInfo) {
  const popup = popups[popups.length - 1];
  if (!popup) {
    resolve({ event: 'disagree' });
    return;
  }
  popup.open(resolve, eventInfo);
}

/** Register the handler; false on base libraries without the privacy API. */
function install() {
  if (typeof wx === 'undefined' || typeof wx.onNeedPrivacyAuthorization !== 'function') return false;
  wx.onNeedPrivacyAuthorization(handleNeed);
  return true;
}

/** `popup` has `open(resolve, eventInfo)`. */
function attach(popup) {
  popups.push(popup);
}

function detach(popup) {
  const index = popups.indexOf(popup);
  if (index >= 0) popups.splice(index, 1);
}

module.exports = { install, attach, detach, handleNeed };
