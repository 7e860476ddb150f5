/**
 * Sending a hazard report: upload its photos, then POST /hazards with the report's client_uuid —
 * or, for a supervision visit's finding (`visitId`), POST /visits/{id}/findings with the same body.
 * Used by the report page and by the outbox, so both send the same way.
 */
const api = require('../api/client');
const { uploadPhotos } = require('./photos');
const { nearbyQuery } = require('./hazard-report');

/**
 * `{clientUuid, report, photos, visitId}`: `report` is the POST /hazards body without client_uuid
 * and photo_ids, `photos` are file paths, `visitId` (optional) the visit the finding is of.
 * Resolves with the hazard (201 new, or 200 when the server already had this client_uuid).
 * `onProgress` follows the photo uploads.
 */
async function sendReport({
  clientUuid, report, photos, visitId,
}, onProgress) {
  const uploaded = await uploadPhotos(photos, onProgress);
  const body = { ...report, client_uuid: clientUuid, photo_ids: uploaded.map((p) => p.id) };
  const hazard = visitId
    ? await api.call('visitFindingCreate', { params: { id: visitId }, body })
    : await api.call('hazardCreate', { body });
  if (!hazard || !hazard.id) {
    throw Object.assign(new Error('服务器没有确认收到，请稍后重试'), { status: 0, code: '' });
  }
  return hazard;
}

/** No HTTP answer came back (the report may or may not have arrived). */
const isNetworkFailure = (err) => Boolean(err) && err.code === 'network_error';

/** Whether sending again might work: no answer, a server error, or a login problem. */
function isRetryable(err) {
  if (!err) return true;
  if (isNetworkFailure(err) || err.code === 'wechat_login_failed') return true;
  const status = err.status || 0;
  return status === 0 || status >= 500 || [401, 408, 429].includes(status);
}

/**
 * Open hazards of the same kind within 50 m of a report body: a list (possibly empty), 'offline'
 * when the network failed, or null when there is nothing to check (a report without a focus
 * problem). Any other failure answers [] — the hint is optional, the report goes on.
 */
async function nearbyHazards(body) {
  const query = nearbyQuery(body);
  if (!query) return null;
  try {
    const res = await api.call('hazardsNearby', { query });
    return res.hazards || [];
  } catch (err) {
    return isNetworkFailure(err) ? 'offline' : [];
  }
}

/** The toast after sending the outbox `{sent, failed, offline}`, or null when nothing to say. */
function flushToast(result) {
  if (result.offline) return { title: '网络不可用，联网后会自动发送', icon: 'none' };
  if (result.failed) return { title: `${result.failed} 条发送失败，原因见“待发送”`, icon: 'none' };
  if (result.sent) return { title: `已发送 ${result.sent} 条`, icon: 'success' };
  return null;
}

module.exports = {
  sendReport, isRetryable, isNetworkFailure, nearbyHazards, flushToast,
};
