/**
 * The inbox's unread count, shared by the app (refreshed each time the app shows; it is the 消息
 * tab's badge, utils/badges.js) and the inbox page (which sets it as messages are read).
 * One refresh at a time; listeners hear every change. A failed refresh keeps the last count.
 */
const api = require('../api/client');

let value = 0;
let inFlight = null;
const listeners = [];

function count() {
  return value;
}

function set(n) {
  const next = Math.max(0, Math.floor(Number(n)) || 0);
  if (next === value) return;
  value = next;
  listeners.slice().forEach((fn) => fn(value));
}

/** Ask the server; resolves with the count (the last known one when the call fails). */
function refresh() {
  if (!inFlight) {
    inFlight = api.call('inboxUnreadCount')
      .then((res) => { set(res && res.unread_count); return value; })
      .catch(() => value)
      .then((result) => { inFlight = null; return result; });
  }
  return inFlight;
}

/** Call `fn(count)` on every change; returns the function that stops it. */
function subscribe(fn) {
  listeners.push(fn);
  return () => {
    const index = listeners.indexOf(fn);
    if (index >= 0) listeners.splice(index, 1);
  };
}

module.exports = { count, set, refresh, subscribe };
