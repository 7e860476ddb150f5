/**
 * The outbox of patrol rounds that could not be sent: a round made without signal (or whose
 * sending failed midway) waits here with copies of its photos and its client_uuid, and is sent
 * when the signal returns (app.js flushes both outboxes) with the SAME client_uuid, so the server
 * files it once and marks it 补传 (late_submission). The machinery is utils/outbox-core.js, the
 * hazard outbox's.
 *
 * An entry: `{clientUuid, round, photos, photoCounts, title, school}` (utils/patrols.js
 * roundEntry). A round of passes only has no photos, and that is fine.
 */
const api = require('../api/client');
const { uploadPhotos } = require('./photos');
const { patrolBody, refusalText } = require('./patrols');
const { createOutbox, WAITING_MESSAGE } = require('./outbox-core');

const STORAGE_KEY = 'patrol_outbox';
const DIR_NAME = 'patrol_outbox';
const MISSING_PHOTO_MESSAGE = '照片文件已丢失，请删除这条记录后重新扫码巡查';

/**
 * Send a round: upload its photos, then POST /patrols with sent_at now. Resolves with the Patrol;
 * rejects with the ApiError, its message worded for a patrol.
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
    if (err && err.code) err.message = refusalText(err);
    throw err;
  }
}

const outbox = createOutbox({
  storageKey: STORAGE_KEY,
  dirName: DIR_NAME,
  send: (entry) => sendRound(entry),
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
