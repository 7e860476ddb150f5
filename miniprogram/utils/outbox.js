/**
 * The outbox of hazard reports that could not be sent (no network, or the network failed midway).
 *
 * An entry keeps the report body (`report`, the POST /hazards body without client_uuid and
 * photo_ids) with its client_uuid, a title and school for display, and copies of its photos under
 * wx.env.USER_DATA_PATH; the list lives in storage under "hazard_outbox". The machinery (same
 * client_uuid on every retry, one flush at a time, failed entries kept with their reason) is
 * utils/outbox-core.js, shared with the patrol rounds' outbox.
 *
 * Flushes start on app show, when the network comes back (installAutoFlush) and from the
 * "立即发送" buttons.
 */
const { sendReport } = require('./report-send');
const { createOutbox, WAITING_MESSAGE } = require('./outbox-core');

const STORAGE_KEY = 'hazard_outbox';
const DIR_NAME = 'hazard_outbox';
const MISSING_PHOTO_MESSAGE = '照片文件已丢失，请删除这条记录后重新上报';

const outbox = createOutbox({
  storageKey: STORAGE_KEY,
  dirName: DIR_NAME,
  send: sendReport,
  needsPhotos: true,
  missingPhotoMessage: MISSING_PHOTO_MESSAGE,
  fullMessage: '手机存储空间不足，无法保存待发送的隐患',
});

module.exports = {
  STORAGE_KEY,
  DIR_NAME,
  MISSING_PHOTO_MESSAGE,
  WAITING_MESSAGE,
  ...outbox,
};
