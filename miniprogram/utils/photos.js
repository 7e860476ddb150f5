/**
 * Photos of hazards and fixes: choosing them (wx.chooseMedia) and uploading them one by one
 * (POST /photos) with overall progress.
 */
const api = require('../api/client');

const MAX_PHOTOS = 9;

/**
 * wx.chooseMedia for images -> a promise of temp file paths ([] when the user cancelled).
 * `count` is how many more may be added; `sources` defaults to camera and album. `original`
 * asks for the photo as taken: WeChat's compressed copy drops the EXIF capture time and GPS, so
 * the photos the server judges by them send the original (a report's, flagged when old; a fix's
 * and a patrol item's, refused when taken long before or far away). The server shrinks them;
 * PHOTO_MAX_BYTES allows a phone's 3-8 MB. A notice's picture stays compressed.
 * Rejects with an Error whose message is Chinese when the camera/album could not open.
 */
function choosePhotos({ count, sources = ['camera', 'album'], original = false }) {
  return new Promise((resolve, reject) => {
    if (count <= 0) {
      resolve([]);
      return;
    }
    wx.chooseMedia({
      count: Math.min(count, MAX_PHOTOS),
      mediaType: ['image'],
      sourceType: sources,
      sizeType: [original ? 'original' : 'compressed'],
      camera: 'back',
      success: (res) => resolve((res.tempFiles || []).map((file) => file.tempFilePath).filter(Boolean)),
      fail: (err) => {
        if (/cancel/.test((err && err.errMsg) || '')) resolve([]);
        else reject(new Error('无法打开相机或相册，请检查微信的相机和相册权限'));
      },
    });
  });
}

/**
 * Upload the files in order; resolves with the photos (`{id, ...}`) in the same order.
 * `onProgress({index, total, percent})` follows the whole batch (percent 0-100).
 */
async function uploadPhotos(paths, onProgress) {
  const photos = [];
  const total = paths.length;
  const report = (index, filePercent) => {
    if (!onProgress) return;
    const percent = Math.round(((index + filePercent / 100) / total) * 100);
    onProgress({ index, total, percent: Math.min(100, Math.max(0, percent)) });
  };
  for (let index = 0; index < total; index += 1) {
    report(index, 0);
    const photo = await api.upload('photoUpload', paths[index], {}, (p) => report(index, p.progress || 0));
    photos.push(photo);
  }
  if (total) report(total - 1, 100);
  return photos;
}

/** Keep at most MAX_PHOTOS: the current list plus new paths. */
function addPhotos(current, added) {
  return current.concat(added).slice(0, MAX_PHOTOS);
}

module.exports = { MAX_PHOTOS, choosePhotos, uploadPhotos, addPhotos };
