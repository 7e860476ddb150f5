/**
 * The machinery of an outbox: records that could not be sent (no network, or the network failed
 * midway), kept on the phone and sent later with the same client_uuid. The hazard reports
 * (utils/outbox.js) and the patrol rounds (utils/patrol-outbox.js) each make one.
 *
 * An entry keeps its fields with its client_uuid and copies of its photos under
 * wx.env.USER_DATA_PATH (temp files from the camera do not survive: utils/outbox-files.js); the list lives in storage
 * under `storageKey`, so it survives restarts. `send(entry)` uploads the photos again (the server
 * answers 200 with the same photo for the same file) and posts the record with the SAME
 * client_uuid, so a record the server already received is answered 200 with the first one and is
 * never filed twice. An entry leaves the outbox only after a 200/201; an answer that retrying
 * can't change (422, 409, 403...) marks it failed with the Chinese message, for the user to
 * delete it or try again. Only one flush runs at a time.
 */
const { isRetryable } = require('./report-send');
const { isOffline } = require('./wxp');
const { copyPhotos, deleteFiles, filesPresent } = require('./outbox-files');

const WAITING_MESSAGE = '网络不可用，联网后自动发送';
const SAVE_FAILED_MESSAGE = '无法把照片保存到手机，请检查手机存储空间';

/**
 * A new outbox. Options:
 *   storageKey           where the list is stored
 *   dirName              the folder under USER_DATA_PATH for its photos
 *   send(entry)          sends one entry, resolves on 200/201, rejects with an ApiError
 *   needsPhotos          an entry without photos is broken (hazard reports always have some)
 *   missingPhotoMessage  the failure when a saved photo has gone
 *   fullMessage          the failure when storage is full
 *   beforeSend(entry)    optional: fields to fix on the entry before its first try ({} or null: none)
 */
function createOutbox({
  storageKey, dirName, send, needsPhotos = true, missingPhotoMessage, fullMessage, beforeSend = null,
}) {
  const STORAGE_KEY = storageKey;
  const DIR_NAME = dirName;
  const NEEDS_PHOTOS = needsPhotos;
  const MISSING_PHOTO_MESSAGE = missingPhotoMessage;
  const FULL_MESSAGE = fullMessage;

  let running = null; // the flush in progress (a promise), or null
  let rerun = false; // flush() was called during a flush: make another pass
  let sendingId = ''; // the entry being sent now (not persisted: a restart sends it again)
  const listeners = [];

  const dir = () => `${wx.env.USER_DATA_PATH}/${DIR_NAME}`;

  /** The stored entries ([] when none or unreadable). */
  function read() {
    let value;
    try {
      value = wx.getStorageSync(STORAGE_KEY);
    } catch (err) {
      value = null;
    }
    return Array.isArray(value) ? value : [];
  }

  /** Tell the listeners that the outbox changed. */
  function notify() {
    listeners.slice().forEach((fn) => {
      try {
        fn();
      } catch (err) {
        console.error('outbox listener failed', err);
      }
    });
  }

  /** Store the entries and tell the listeners. */
  function write(entries) {
    wx.setStorageSync(STORAGE_KEY, entries);
    notify();
  }

  /** Change one entry's fields. */
  function update(id, patch) {
    write(read().map((entry) => (entry.id === id ? { ...entry, ...patch } : entry)));
  }

  /** Entries for display: oldest first, with `sending` set on the one being sent. */
  function list() {
    return read().map((entry) => ({ ...entry, sending: entry.id === sendingId }));
  }

  /** How many entries wait (failed ones included). */
  const count = () => read().length;

  /** Call `fn` whenever the outbox changes; returns the function that stops it. */
  function subscribe(fn) {
    listeners.push(fn);
    return () => {
      const index = listeners.indexOf(fn);
      if (index >= 0) listeners.splice(index, 1);
    };
  }

  /**
   * Put a record in the outbox: `{clientUuid, photos, ...fields}` where `photos` are temp paths
   * and the other fields are kept as they are on the entry, for `send` and for display.
   * Throws an Error with a Chinese message when the photos can't be saved.
   */
  function add({ clientUuid, photos, ...fields }) {
    const existing = read().find((entry) => entry.id === clientUuid);
    if (existing) return existing;
    let saved;
    try {
      saved = copyPhotos(photos, dir(), clientUuid);
    } catch (err) {
      throw new Error(SAVE_FAILED_MESSAGE, { cause: err });
    }
    const entry = {
      ...fields,
      id: clientUuid,
      clientUuid,
      photos: saved,
      createdAt: new Date().toISOString(),
      status: 'pending',
      error: '',
      attempts: 0,
      lastTriedAt: '',
    };
    try {
      write(read().concat([entry]));
    } catch (err) {
      deleteFiles(saved);
      throw new Error(FULL_MESSAGE, { cause: err });
    }
    return entry;
  }

  /** Delete an entry and its photos; false while it is being sent. */
  function remove(id) {
    if (id === sendingId) return false;
    const entry = read().find((e) => e.id === id);
    if (!entry) return true;
    write(read().filter((e) => e.id !== id));
    deleteFiles(entry.photos);
    return true;
  }

  /** Whether the entry's saved photos are all still there. */
  function photosPresent(entry) {
    return filesPresent(entry.photos) && (entry.photos.length > 0 || !NEEDS_PHOTOS);
  }

  /** Send one entry: 'sent', 'failed' (kept, needs the user), or 'retry' / 'offline' (kept). */
  async function sendEntry(entry) {
    const tried = { attempts: (entry.attempts || 0) + 1, lastTriedAt: new Date().toISOString() };
    if (!photosPresent(entry)) {
      update(entry.id, { ...tried, status: 'failed', error: MISSING_PHOTO_MESSAGE });
      return 'failed';
    }
    sendingId = entry.id;
    // Fields fixed at the first try (a round's sent_at) are kept, so every retry is the same.
    const fixed = beforeSend ? beforeSend(entry) : null;
    update(entry.id, { ...tried, ...(fixed || {}) });
    try {
      await send({ ...entry, ...(fixed || {}) });
      sendingId = '';
      write(read().filter((e) => e.id !== entry.id));
      deleteFiles(entry.photos);
      return 'sent';
    } catch (err) {
      sendingId = '';
      if (isRetryable(err)) {
        const offline = err && err.code === 'network_error';
        update(entry.id, { status: 'pending', error: offline ? WAITING_MESSAGE : err.message });
        return offline ? 'offline' : 'retry';
      }
      update(entry.id, { status: 'failed', error: err.message, errorCode: err.code || '' });
      return 'failed';
    }
  }

  /** One pass over the pending entries (entries added meanwhile are included). */
  async function runPass(summary) {
    if (await isOffline()) {
      summary.offline = true;
      return;
    }
    const tried = new Set();
    for (;;) {
      const entry = read().find((e) => e.status === 'pending' && !tried.has(e.id));
      if (!entry) return;
      tried.add(entry.id);
      const result = await sendEntry(entry);
      if (result === 'sent') summary.sent += 1;
      if (result === 'failed') summary.failed += 1;
      if (result === 'offline') {
        summary.offline = true;
        return; // no network: the rest would fail the same way
      }
    }
  }

  /** Passes until nothing more was asked; resolves the summary. */
  async function runFlush() {
    const summary = { sent: 0, failed: 0, pending: 0, offline: false };
    try {
      do {
        rerun = false;
        await runPass(summary);
      } while (rerun && !summary.offline);
      summary.pending = read().filter((e) => e.status === 'pending').length;
      return summary;
    } finally {
      // Synchronous with the last check above: a flush() from now on starts a new run.
      running = null;
      rerun = false;
      notify();
    }
  }

  /**
   * Send what is pending. Resolves `{sent, failed, pending, offline}`. A call during a flush joins
   * it (and asks for one more pass), so no entry is ever sent twice at the same time.
   */
  function flush() {
    if (running) {
      rerun = true;
      return running;
    }
    if (!read().some((e) => e.status === 'pending')) {
      return Promise.resolve({ sent: 0, failed: 0, pending: 0, offline: false });
    }
    running = runFlush();
    return running;
  }

  /** Mark a failed entry pending again and flush. */
  function retry(id) {
    if (read().some((e) => e.id === id)) update(id, { status: 'pending', error: '' });
    return flush();
  }

  /** Mark every failed entry pending again and flush ("全部重试"). */
  function retryAll() {
    const entries = read();
    if (entries.some((e) => e.status === 'failed')) {
      write(entries.map((e) => (e.status === 'failed' ? { ...e, status: 'pending', error: '' } : e)));
    }
    return flush();
  }

  /** How many wait, are being sent now, and failed: `{total, waiting, sending, failed}`. */
  function summary() {
    const entries = list();
    const sending = entries.filter((e) => e.sending).length;
    const failed = entries.filter((e) => !e.sending && e.status === 'failed').length;
    return { total: entries.length, waiting: entries.length - sending - failed, sending, failed };
  }

  /** Whether a flush is running now. */
  const isFlushing = () => Boolean(running);

  /** Flush when the network comes back (installed once, at launch). */
  let autoFlushInstalled = false;
  function installAutoFlush() {
    if (autoFlushInstalled || typeof wx.onNetworkStatusChange !== 'function') return false;
    autoFlushInstalled = true;
    wx.onNetworkStatusChange((res) => {
      if (res && res.isConnected && count()) flush().catch(() => null);
    });
    return true;
  }

  return {
    list, count, add, remove, retry, retryAll, summary, flush, isFlushing, subscribe, installAutoFlush,
  };
}

module.exports = { WAITING_MESSAGE, createOutbox };
