/**
 * The outbox of patrol rounds that could not be sent: a round made without signal (or whose
 * sending failed midway) waits here with copies of its photos and its client_uuid, and is sent
 * when the signal returns (app.js flushes both outboxes) with the SAME client_uuid, so the server
 * files it once and marks it 补传 (late_submission). The machinery is utils/outbox-core.js, the
 * hazard outbox's.
 *
 * An entry: `{clientUuid, round, photos, photoCounts, title, school, kind, sentAt}` (utils/patrols.js
 * roundEntry; sentAt set at the first try and kept). A round of passes only has no photos, and that
 * is fine. `round` names the checkpoint by `token` (a scanned sticker) or by `checkpoint_id` (a
 * water point); `kind` (the checkpoint's) words the refusals, and an entry kept before it existed
 * still sends as it was made.
 */
const api = require('../api/client');
const { uploadPhotos } = require('./photos');
const { patrolBody, refusalText } = require('./patrols');
const { createOutbox, WAITING_MESSAGE } = require('./outbox-core');

const STORAGE_KEY = 'patrol_outbox';
const DIR_NAME = 'patrol_outbox';
const MISSING_PHOTO_MESSAGE = '照片文件已丢失，请删除这条记录后重新扫码巡查';

/**
 * Send a round: upload its photos, then POST /patrols with its sent_at (the first try's, else now).
 * Resolves with the Patrol; rejects with the ApiError, its message worded for a patrol.
 */
async function sendRound(entry, onProgress) {
  const uploaded = await uploadPhotos(entry.photos || [], onProgress);
  try {
    const patrol = await api.call('patrolCreate', { body: patrolBody(entry, uploaded.map((p) => p.id)) });
    if (!patrol || !patrol.id) {
      throw Object.assign(new Error('服务器没有确认收到，请稍后重试'), { status: 0, code: '' });
    }
    return patrol;
  } catch (err) {
    if (err && err.code) err.message = refusalText(err, entry.kind);
    throw err;
  }
}

/**
 * A round's sent_at is the time it was first sent, kept on the entry: every retry then carries
 * exactly the same content, so the server answers 200 with the first round when it had it.
 */
function fixSentAt(entry) {
  return entry.sentAt ? null : { sentAt: new Date().toISOString() };
}

const outbox = createOutbox({
  storageKey: STORAGE_KEY,
  dirName: DIR_NAME,
  send: (entry) => sendRound(entry),
  beforeSend: fixSentAt,
  needsPhotos: false,
  missingPhotoMessage: MISSING_PHOTO_MESSAGE,
  fullMessage: '手机存储空间不足，无法保存待发送的巡查',
});

module.exports = {
  STORAGE_KEY,
  DIR_NAME,
  MISSING_PHOTO_MESSAGE,
  WAITING_MESSAGE,
  sendRound,
  ...outbox,
};
