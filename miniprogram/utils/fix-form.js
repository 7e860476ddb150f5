/** Submitting a fix (POST /hazards/{id}/fix): the form check and the Chinese error texts. */
const NOTE_MIN = 2;
const NOTE_MAX = 1000;

/** Check `{photos, note}`; returns `{ok, errors}`. */
function validateFix(form) {
  const errors = {};
  const note = String(form.note || '').trim();
  if (!form.photos || !form.photos.length) errors.photos = '请拍摄整改后的现场照片';
  if (!note) errors.note = '请说明整改情况';
  else if (Array.from(note).length < NOTE_MIN || Array.from(note).length > NOTE_MAX) {
    errors.note = `整改说明应为 ${NOTE_MIN}-${NOTE_MAX} 个字`;
  }
  return { ok: Object.keys(errors).length === 0, errors, note };
}

/**
 * The message for a failed fix. fix_too_far carries the distance; after_photo_invalid names the
 * photos by id, turned into their places ("第 2 张") in `photoIds` (the ids sent, in order).
 */
function fixErrorMessage(err, photoIds = []) {
  if (!err) return '';
  const details = err.details && typeof err.details === 'object' ? err.details : {};
  if (err.code === 'fix_too_far') {
    const distance = Number(details.distance_m);
    const limit = Number(details.limit_m);
    const far = Number.isFinite(distance) ? `，当前距离约 ${Math.round(distance)} 米` : '';
    const rule = Number.isFinite(limit) ? `（须在 ${limit} 米以内）` : '';
    return `请在隐患现场拍照提交${far}${rule}`;
  }
  if (err.code === 'after_photo_invalid') {
    const places = Object.keys(details)
      .map((id) => photoIds.indexOf(Number(id)) + 1)
      .filter((n) => n > 0)
      .sort((a, b) => a - b);
    const which = places.length ? `第 ${places.join('、')} 张照片不符合要求：` : '';
    return `${which}整改后的照片须在隐患上报之后于现场拍摄，请删除后重新拍摄`;
  }
  return err.message;
}

module.exports = { NOTE_MIN, NOTE_MAX, validateFix, fixErrorMessage };
