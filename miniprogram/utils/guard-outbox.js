/**
 * The outbox of perimeter log entries (记录情况) that could not be sent: an entry made without
 * signal, or whose sending failed midway, waits here with copies of its photos and its
 * client_uuid, and is sent again with the SAME client_uuid (the server answers 200 with the entry
 * it already has, so it is never logged twice). The machinery is utils/outbox-core.js, the hazard
 * and patrol outboxes'. The shift page sends what waits each time it shows and when the signal
 * returns.
 *
 * An entry: `{clientUuid, kind, note, position, occurredAt, raiseHazard, photos}`.
 */
const api = require('../api/client');
const { uploadPhotos } = require('./photos');
const { logBody, refusalText } = require('./guard');
const { createOutbox, WAITING_MESSAGE } = require('./outbox-core');

const STORAGE_KEY = 'guard_outbox';
const DIR_NAME = 'guard_outbox';
const MISSING_PHOTO_MESSAGE = '照片文件已丢失，请删除这条记录后重新记录';

/**
 * Send an entry: upload its photos, then POST /guard/logs. Resolves with the Log; rejects with the
 * ApiError, its message worded for a guard.
 */
async function sendLog(entry) {
  const uploaded = await uploadPhotos(entry.photos || []);
  try {
    const log = await api.call('guardLogCreate', { body: logBody(entry, uploaded.map((p) => p.id)) });
    if (!log || !log.id) {
      throw Object.assign(new Error('服务器没有确认收到，请稍后重试'), { status: 0, code: '' });
    }
    return log;
  } catch (err) {
    if (err && err.code && err.code !== 'network_error') err.message = refusalText(err);
    throw err;
  }
}

const outbox = createOutbox({
  storageKey: STORAGE_KEY,
  dirName: DIR_NAME,
  send: (entry) => sendLog(entry),
  missingPhotoMessage: MISSING_PHOTO_MESSAGE,
  fullMessage: '手机存储空间不足，无法保存待发送的记录',
});

module.exports = {
  STORAGE_KEY, DIR_NAME, MISSING_PHOTO_MESSAGE, WAITING_MESSAGE, sendLog, ...outbox,
};
