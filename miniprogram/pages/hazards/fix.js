/**
 * Submit a fix: after-photos taken at the hazard (camera by default), a note, and the position at
 * the moment of submitting — the server accepts a fix only within 100 m of the hazard and only with
 * photos newer than the report.
 */
const api = require('../../api/client');
const { MAX_PHOTOS, choosePhotos, addPhotos, uploadPhotos } = require('../../utils/photos');
const { locateOrExplain, openSettingAndLocate } = require('../../utils/location');
const { validateFix, fixErrorMessage, NOTE_MAX } = require('../../utils/fix-form');
const { markChanged, hazardTitle } = require('../../utils/hazards');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    onSpot: false,
    state: 'loading',
    error: '',
    offline: false,
    title: '',
    photos: [],
    maxPhotos: MAX_PHOTOS,
    note: '',
    noteMax: NOTE_MAX,
    errors: {},
    formError: '',
    locationDenied: false,
    submitting: false,
    progress: 0,
    progressText: '',
  },

  /** Open the fix form of hazard `id` (`mode=spot`: fixed there and then). */
  onLoad(options) {
    this.id = Number(options && options.id);
    // `mode=spot`: fixed there and then (当场整改) — the same form, and the hazard closes at once.
    this.onSpot = Boolean(options && options.mode === 'spot');
    this.setData({ onSpot: this.onSpot });
    if (this.onSpot) wx.setNavigationBarTitle({ title: '当场整改' });
    return this.load();
  },

  /** The hazard, for its title. */
  load() {
    this.setData(loadingState());
    return api.call('hazard', { params: { id: this.id } })
      .then((hazard) => this.setData({ ...readyState(1), title: hazardTitle(hazard) }))
      .catch((err) => this.setData(errorState(err)));
  },

  /** The error's 重试. */
  retry() {
    return this.load();
  },

  /** Photos from the camera or the album, up to the limit. */
  addPhotos(sources) {
    return choosePhotos({ count: MAX_PHOTOS - this.data.photos.length, sources, original: true })
      .then((paths) => {
        if (paths.length) this.setData({ photos: addPhotos(this.data.photos, paths), 'errors.photos': '' });
      })
      .catch((err) => this.setData({ 'errors.photos': err.message }));
  },

  /** 拍照. */
  takePhotos() {
    return this.addPhotos(['camera']);
  },

  /** 从相册选择. */
  chooseFromAlbum() {
    return this.addPhotos(['album']);
  },

  /** Remove a photo before sending. */
  removePhoto(event) {
    const index = Number(event.currentTarget.dataset.index);
    this.setData({ photos: this.data.photos.filter((p, i) => i !== index), formError: '' });
  },

  /** A photo full size. */
  previewPhoto(event) {
    wx.previewImage({ current: event.currentTarget.dataset.url, urls: this.data.photos });
  },

  /** The note typed. */
  onNoteChange(event) {
    this.setData({ note: event.detail, 'errors.note': '' });
  },

  /** Location refused: open the settings, then locate again. */
  openSetting() {
    return openSettingAndLocate().then((result) => {
      if (result.position) this.setData({ locationDenied: false, formError: '' });
    });
  },

  /** Check, locate, upload the photos, then send the fix. */
  async submit() {
    if (this.data.submitting) return;
    const { ok, errors, note } = validateFix({ photos: this.data.photos, note: this.data.note });
    this.setData({ errors, formError: '', locationDenied: false });
    if (!ok) return;
    this.setData({ submitting: true, progress: 0, progressText: '正在定位…' });
    const located = await locateOrExplain();
    if (located.error) {
      this.setData({
        submitting: false,
        progressText: '',
        formError: located.error.message,
        locationDenied: located.error.kind === 'denied',
      });
      return;
    }
    let photoIds = [];
    try {
      const uploaded = await uploadPhotos(this.data.photos, ({ index, total, percent }) => this.setData({
        progress: percent,
        progressText: `正在上传照片 ${index + 1}/${total}`,
      }));
      photoIds = uploaded.map((p) => p.id);
      const { position } = located;
      const options = { params: { id: this.id }, body: { ...position, photo_ids: photoIds, note } };
      if (this.onSpot) await api.call('hazardFixOnSpot', options);
      else await api.call('hazardFix', options);
      markChanged();
      this.setData({ submitting: false, progressText: '' });
      wx.showToast({ title: this.onSpot ? '已当场整改' : '已提交整改', icon: 'success' });
      wx.navigateBack();
    } catch (err) {
      this.setData({ submitting: false, progressText: '', formError: fixErrorMessage(err, photoIds) });
    }
  },
});
