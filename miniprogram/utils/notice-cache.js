/**
 * The parent's notices kept on the phone, so that without signal the list and the notices already
 * opened still show (with a stale banner saying when they were saved). WeChat keeps storage per
 * WeChat account, so what is kept is this parent's own. The list keeps its first page; details
 * keep the most recently opened notices.
 */
const LIST_KEY = 'notices_mine_cache';
const DETAILS_KEY = 'notices_detail_cache';
const MAX_DETAILS = 20;

/** Read a stored value, or null when absent or unreadable. */
function read(key) {
  try {
    const value = wx.getStorageSync(key);
    return value && typeof value === 'object' ? value : null;
  } catch (err) {
    return null;
  }
}

/** Store a value; a full storage only loses the offline copy. */
function write(key, value) {
  try {
    wx.setStorageSync(key, value);
  } catch (err) {
    // The phone's storage is full: the page works online all the same.
  }
}

/** Keep the first page of GET /notices/mine. */
function saveList(res, now = Date.now()) {
  write(LIST_KEY, { notices: res.notices || [], next_before_id: res.next_before_id || null, savedAt: now });
}

/** The kept first page: {notices, next_before_id, savedAt}, or null. */
function loadList() {
  const kept = read(LIST_KEY);
  return kept && Array.isArray(kept.notices) ? kept : null;
}

/** Keep a notice as GET /notices/{id} answered it (the newest MAX_DETAILS are kept). */
function saveNotice(notice, now = Date.now()) {
  const kept = (read(DETAILS_KEY) || {}).items || [];
  const items = [{ notice, savedAt: now }].concat(kept.filter((item) => item.notice.id !== notice.id));
  write(DETAILS_KEY, { items: items.slice(0, MAX_DETAILS) });
}

/** A kept notice: {notice, savedAt}, or null. */
function loadNotice(id) {
  const kept = (read(DETAILS_KEY) || {}).items || [];
  return kept.find((item) => item.notice && item.notice.id === id) || null;
}

/** Whether a failed request failed for want of a network (then a kept copy is shown). */
function isOffline(err) {
  return Boolean(err && (err.isNetworkError || err.code === 'network_error'));
}

/** Forget the kept notices (logout: the next person on this phone must not see a child's name). */
function clearAll() {
  [LIST_KEY, DETAILS_KEY].forEach((key) => {
    try {
      wx.removeStorageSync(key);
    } catch (err) {
      // Nothing stored.
    }
  });
}

module.exports = {
  LIST_KEY, DETAILS_KEY, MAX_DETAILS, saveList, loadList, saveNotice, loadNotice, isOffline, clearAll,
};
