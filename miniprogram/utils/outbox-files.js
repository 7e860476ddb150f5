/**
 * The photo files of an outbox (utils/outbox-core.js): temp photos from the camera do not survive,
 * so an entry keeps copies under wx.env.USER_DATA_PATH, one folder per outbox, deleted once the
 * entry has been sent or removed.
 */
const fs = () => wx.getFileSystemManager();

/** A path's file extension ('.jpg'), or '' when it has none. */
function extensionOf(path) {
  const match = /\.([A-Za-z0-9]{2,5})$/.exec(String(path).split('?')[0]);
  return match ? `.${match[1].toLowerCase()}` : '';
}

/** Copy a temp photo to `dest` (older WeChat versions only have saveFileSync). */
function savePhoto(src, dest) {
  const manager = fs();
  if (typeof manager.copyFileSync === 'function') manager.copyFileSync(src, dest);
  else manager.saveFileSync(src, dest);
}

/** Delete saved photo files (missing ones are fine). */
function deleteFiles(paths) {
  (paths || []).forEach((path) => {
    try {
      fs().unlinkSync(path);
    } catch (err) {
      // Already gone.
    }
  });
}

/** Create the folder `dir` when missing. */
function ensureDir(dir) {
  try {
    fs().accessSync(dir);
  } catch (err) {
    fs().mkdirSync(dir, true);
  }
}

/**
 * Copy temp photos into `dir` as `<prefix>-1.jpg`, `<prefix>-2.png`... (keeping each extension:
 * the server checks it). Returns the saved paths; on a failure deletes the copies made and throws.
 */
function copyPhotos(photos, dir, prefix) {
  const saved = [];
  try {
    ensureDir(dir);
    photos.forEach((src, index) => {
      const dest = `${dir}/${prefix}-${index + 1}${extensionOf(src)}`;
      savePhoto(src, dest);
      saved.push(dest);
    });
  } catch (err) {
    deleteFiles(saved);
    throw err;
  }
  return saved;
}

/** Whether every file is still there. */
function filesPresent(paths) {
  try {
    paths.forEach((path) => fs().accessSync(path));
    return true;
  } catch (err) {
    return false;
  }
}

module.exports = {
  extensionOf, copyPhotos, deleteFiles, filesPresent,
};
