/**
 * What differs in a round by the checkpoint's kind. A water point (kind 'water') has no sticker:
 * its round is opened by the checkpoint's id (`?checkpoint_id=`), its photos may go with any
 * answer and it needs at least one, and being too far means too far from the water's edge (its
 * point, bank line or water surface). A place or a bus is started by scanning its sticker.
 */

const WATER_PHOTO_NEEDED = '水域巡查至少要拍一张照片：拍下警示牌、护栏、救生设施的现状';

/** Whether a checkpoint (a slot's, a scan's) is a water point. */
function isWater(checkpoint) {
  return Boolean(checkpoint) && checkpoint.kind === 'water';
}

/**
 * Where an open slot at a water point is done: its round (`?checkpoint_id=`; the slot's
 * checkpoint says its kind). '' for a place or a bus (scanned) and for a slot no longer open.
 */
function waterRoundUrl(slot) {
  if (!slot || slot.status !== 'open' || !slot.checkpoint) return '';
  return isWater(slot.checkpoint) ? `/pages/patrol/round?checkpoint_id=${slot.checkpoint.id}` : '';
}

/** How many photos a round carries (a water visit keeps them on any answer, else only on fails). */
function photoCount(items, { water = false } = {}) {
  return items.reduce((n, item) => n + (water || item.answer === 'fail' ? (item.photos || []).length : 0), 0);
}

/** A figure of an error's details, or NaN when it is not there. */
function figure(details, key) {
  const value = details && typeof details === 'object' ? details[key] : undefined;
  return value === null || value === undefined || value === '' ? NaN : Math.round(Number(value));
}

const WATER_REFUSALS = {
  too_far: (details) => {
    const distance = figure(details, 'distance_m');
    const radius = figure(details, 'radius_m');
    if (!Number.isFinite(distance) || !Number.isFinite(radius)) return '离水域太远，请走到水边后再提交';
    return `离水域太远（距离约 ${distance} 米，需在 ${radius} 米内），请走到水边后再提交`;
  },
};

// Refusals of any round that api/messages.js does not word.
const ROUND_REFUSALS = {
  scan_required: '这个巡查点要在现场扫描二维码才能巡查，请扫描贴在巡查点的二维码',
};

/** The text of a refusal particular to a checkpoint's kind (or to rounds), '' when there is none. */
function kindRefusal(err, kind = '') {
  const code = err && err.code;
  if (kind === 'water' && WATER_REFUSALS[code]) return WATER_REFUSALS[code](err.details);
  return ROUND_REFUSALS[code] || '';
}

module.exports = {
  WATER_PHOTO_NEEDED, isWater, waterRoundUrl, photoCount, kindRefusal,
};
