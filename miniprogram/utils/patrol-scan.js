/**
 * Starting a round: scanning a checkpoint's code with the camera, and loading the checkpoint with
 * its checklists (by the token scanned, or a water point, which has no sticker, by its checkpoint
 * id). The checkpoints opened are kept on the phone by token, or `id:<checkpoint_id>` (utils/cache.js
 * 'checkpoints'), so a checkpoint opened once can be patrolled again without signal; the round
 * then waits in the patrol outbox.
 */
const api = require('../api/client');
const cache = require('./cache');
const nav = require('./nav');
const subscribe = require('./subscribe');
const { alert } = require('./wxp');
const { parseScan } = require('./patrols');

const KEPT = 30; // checkpoints kept on the phone, the most recently scanned

/**
 * wx.scanCode from the camera only (a photo from the album proves nothing) -> `{token}`,
 * `{error}` (not one of our codes, or the camera failed) or `{cancelled: true}`.
 */
function scanCheckpoint() {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (res) => resolve(parseScan(res)),
      fail: (err) => {
        if (/cancel/.test((err && err.errMsg) || '')) resolve({ cancelled: true });
        else resolve({ error: '无法打开相机扫码，请检查微信的相机权限' });
      },
    });
  });
}

/** The round page's URL for a scanned token, with the time of the scan. */
function roundUrl(token, scannedAt = new Date().toISOString()) {
  return `/pages/patrol/round?token=${encodeURIComponent(token)}&scanned_at=${encodeURIComponent(scannedAt)}`;
}

/**
 * 扫码巡查 from any page (今日巡查, the home page's card): the camera, then the round page of the
 * checkpoint scanned; another code is explained in a dialog, a cancelled scan says nothing. The
 * first tap on `owner` (the page) also asks, still inside the tap as WeChat requires, for the
 * pushes of `keys` (rounds due and missed, task reminders; the bus board: its own). Resolves the
 * round URL opened, or '' when none was.
 */
async function scanAndOpen(owner, keys = subscribe.PATROL_KEYS) {
  await subscribe.askOnce(owner, keys);
  const result = await scanCheckpoint();
  if (result.cancelled) return '';
  if (result.error) {
    await alert('没有识别到巡查点', result.error);
    return '';
  }
  const url = roundUrl(result.token);
  nav.open(url);
  return url;
}

/** Keep a scan answer under its key (token or id:<n>), dropping the oldest beyond KEPT. */
function keep(token, answer) {
  const stored = cache.load('checkpoints');
  const map = (stored && stored.value) || {};
  const next = { ...map, [token]: { answer, savedAt: Date.now() } };
  const tokens = Object.keys(next).sort((a, b) => next[b].savedAt - next[a].savedAt).slice(0, KEPT);
  cache.save('checkpoints', Object.fromEntries(tokens.map((t) => [t, next[t]])));
}

/**
 * GET /checkpoints/scan for a token, or `{token}` / `{checkpointId}` (a water point) ->
 * `{value: {checkpoint, templates}, savedAt}` (savedAt '' when fresh, else when the copy shown
 * was kept). Rejects with the ApiError when neither works.
 */
function loadCheckpoint(target) {
  const { token, checkpointId } = typeof target === 'string' ? { token: target } : target || {};
  // A token is [A-Za-z0-9_-]: "id:" keys cannot meet one.
  const key = token || `id:${checkpointId}`;
  const query = token ? { token } : { checkpoint_id: checkpointId };
  return api.call('checkpointScan', { query })
    .then((answer) => {
      keep(key, answer);
      return { value: answer, savedAt: '' };
    })
    .catch((err) => {
      const stored = cache.isNetworkFailure(err) ? cache.load('checkpoints') : null;
      const kept = stored && stored.value && stored.value[key];
      if (!kept) throw err;
      return { value: kept.answer, savedAt: kept.savedAt };
    });
}

module.exports = {
  scanCheckpoint, roundUrl, scanAndOpen, loadCheckpoint,
};
