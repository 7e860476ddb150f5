/**
 * What the app keeps on the phone to work without signal, each value with the time it was saved:
 * the /me answer, the active campaign, the schools one may report at, the last to-do answer.
 *
 *   cache.save('me', me)                   -> stored as {value, savedAt} (savedAt: epoch ms)
 *   cache.load('me')                       -> {value, savedAt} or null
 *   cache.fetch('todo', () => api.call('todo'))
 *     -> {value, savedAt: ''} when fresh (and saved), or {value, savedAt} of the cached copy when
 *        the network failed; rejects when the call failed otherwise or nothing was cached.
 *
 * Logging out clears it all (clearAll), the parents' kept notices too (utils/notice-cache.js): the
 * next person on this phone must not see it.
 */
const noticeCache = require('./notice-cache');

const PREFIX = 'offline_cache:';
// patrols_today: 今日巡查; checkpoints: the checkpoints scanned, by token (a round offline);
// water: 水域巡查's due visits and points, by unit (utils/water.js); bus_board: the last 今日校车
// board seen (one school's); guard_shift: 门卫值班, the guard's current shift, hand-over and log;
// figures: 督导数据 by unit and period (utils/figures.js).
const KEYS = [
  'me', 'campaign', 'schools', 'todo', 'patrols_today', 'checkpoints', 'water', 'bus_board', 'guard_shift',
  'figures',
];

/** The stored copy `{value, savedAt}` of `key`, or null. */
function load(key) {
  let stored;
  try {
    stored = wx.getStorageSync(PREFIX + key);
  } catch (err) {
    stored = null;
  }
  return stored && typeof stored === 'object' && 'value' in stored ? stored : null;
}

/** Keep `value` under `key` with the time now; a full storage only loses the copy. */
function save(key, value, now = Date.now()) {
  try {
    wx.setStorageSync(PREFIX + key, { value, savedAt: now });
  } catch (err) {
    // Out of storage: the app still works online.
  }
}

/** Forget `key`. */
function clear(key) {
  try {
    wx.removeStorageSync(PREFIX + key);
  } catch (err) {
    // Nothing stored.
  }
}

/** Forget every cached answer (on logout). */
function clearAll() {
  KEYS.forEach(clear);
  noticeCache.clearAll(); // the parent's notices kept for offline reading
}

/**
 * Whether a failure means "no usable network" (no answer, the WeChat login could not reach its
 * server, or our server is down), so that showing the saved copy is right.
 */
function isNetworkFailure(err) {
  if (!err) return false;
  if (err.code === 'network_error' || err.code === 'wechat_login_failed' || err.isNetworkError) return true;
  return Number(err.status) >= 502 && Number(err.status) <= 504;
}

/** Call `fetcher`, saving its answer; on a network failure fall back to the saved copy. */
function fetch(key, fetcher) {
  return Promise.resolve()
    .then(fetcher)
    .then((value) => {
      save(key, value);
      return { value, savedAt: '' };
    })
    .catch((err) => {
      const cached = isNetworkFailure(err) ? load(key) : null;
      if (!cached) throw err;
      return { value: cached.value, savedAt: cached.savedAt };
    });
}

module.exports = { PREFIX, KEYS, load, save, clear, clearAll, fetch, isNetworkFailure };
