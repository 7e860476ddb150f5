/**
 * 记录情况: quick with one hand. Tap one of the six kinds (big tiles) and the camera opens at
 * once; the position is taken in the background; a note is optional (required for 其他). Then
 * 已现场处理 (handled) or 上报隐患 (raised as a hazard). Sending goes through the guard outbox
 * (utils/guard-outbox.js): the photos are uploaded, then POST /guard/logs with this entry's
 * client_uuid. Without signal the entry waits on the phone and goes later; a refusal keeps it,
 * with the reason and 重试 (the SAME client_uuid, so it is never logged twice) or 删除.
 */
const guardOutbox = require('../../utils/guard-outbox');
const {
  KINDS, KIND_NAMES, MAX_PHOTOS, NOTE_MAX, entryProblem,
} = require('../../utils/guard');
const { choosePhotos } = require('../../utils/photos');
const { locate, locateOrExplain } = require('../../utils/location');
const { uuidV4 } = require('../../utils/uuid');
const { modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');

/** Where the kept entry of this page is: 'sent', 'waiting' (no signal) or 'failed'. */
function outcomeOf(id) {
  const entry = guardOutbox.list().find((e) => e.id === id);
  if (!entry) return { outcome: 'sent', error: '' };
  return { outcome: entry.status === 'failed' ? 'failed' : 'waiting', error: entry.error || '' };
}

Page({
  data: {
    kinds: KINDS,
    kind: '',
    kindName: '',
    photos: [],
    maxPhotos: MAX_PHOTOS,
    note: '',
    noteMax: NOTE_MAX,
    locating: true,
    sending: false,
    kept: false,
    error: '',
    failed: false,
  },

  /** A new entry: its UUID, and the position asked for at once (in the background). */
  onLoad() {
    this.uuid = uuidV4();
    this.locating = locate().then((result) => {
      this.setData({ locating: false });
      return result.position || null;
    });
  },

  /** A kind tapped: remembered with the time, and the camera opens at once for the first photo. */
  pickKind(event) {
    const { code } = event.currentTarget.dataset;
    if (!KIND_NAMES[code] || this.data.kept) return Promise.resolve();
    this.occurredAt = this.occurredAt || new Date().toISOString();
    this.setData({ kind: code, kindName: KIND_NAMES[code], error: '' });
    return this.data.photos.length ? Promise.resolve() : this.takePhoto();
  },

  /** 换一类: back to the grid (photos and note stay). */
  changeKind() {
    if (!this.data.kept) this.setData({ kind: '', kindName: '' });
  },

  /** The camera (only: a photo from the album proves nothing here), up to MAX_PHOTOS. */
  async takePhoto() {
    const room = MAX_PHOTOS - this.data.photos.length;
    try {
      const added = await choosePhotos({ count: room, sources: ['camera'] });
      if (added.length) this.setData({ photos: this.data.photos.concat(added).slice(0, MAX_PHOTOS), error: '' });
    } catch (err) {
      this.setData({ error: err.message });
    }
  },

  /** Drop a photo. */
  removePhoto(event) {
    if (this.data.kept) return;
    const { index } = event.currentTarget.dataset;
    this.setData({ photos: this.data.photos.filter((_, i) => i !== Number(index)) });
  },

  /** The note as typed. */
  onNote(event) {
    this.setData({ note: event.detail.value || '' });
  },

  /** 已现场处理. */
  handled() {
    return this.send(false);
  },

  /** 上报隐患. */
  raise() {
    return this.send(true);
  },

  /** The position for the entry: the background one, else asked again (explaining a refusal). */
  async resolvePosition() {
    const background = await this.locating;
    if (background) return { position: background };
    return locateOrExplain();
  },

  /** Keep the entry in the outbox (once) and send it; then go back, or say what went wrong. */
  async send(raiseHazard) {
    if (this.data.sending) return;
    const problem = entryProblem(this.data);
    if (problem) {
      this.setData({ error: problem });
      return;
    }
    this.setData({ sending: true, error: '' });
    try {
      this.clientUuid = this.clientUuid || await this.uuid;
      if (!this.data.kept) {
        const located = await this.resolvePosition();
        if (located.error) {
          this.setData({ error: located.error.message });
          return;
        }
        guardOutbox.add({
          clientUuid: this.clientUuid,
          photos: this.data.photos,
          kind: this.data.kind,
          note: this.data.note.trim(),
          position: located.position,
          occurredAt: this.occurredAt || new Date().toISOString(),
          raiseHazard,
        });
        this.raised = raiseHazard;
        this.setData({ kept: true });
      }
      await guardOutbox.retry(this.clientUuid);
      this.finish();
    } catch (err) {
      this.setData({ error: err.message || '保存失败，请重试' });
    } finally {
      this.setData({ sending: false });
    }
  },

  /** After a try: back to the shift when sent or waiting for signal, else the reason and 重试. */
  finish() {
    const { outcome, error } = outcomeOf(this.clientUuid);
    if (outcome === 'failed') {
      this.setData({ failed: true, error });
      return;
    }
    const title = outcome === 'sent' ? (this.raised ? '已上报隐患' : '已记录') : '已保存，联网后自动发送';
    wx.showToast({ title, icon: outcome === 'sent' ? 'success' : 'none' });
    wx.navigateBack();
  },

  /** 重试 a refused entry with the same client_uuid. */
  retrySend() {
    this.setData({ failed: false });
    return this.send(this.raised);
  },

  /** 删除 a refused entry, after a red confirmation, and go back. */
  async discard() {
    const answer = await modal({
      title: '删除这条记录',
      content: '删除后这条情况不会发送。确定删除吗？',
      confirmText: '删除',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    guardOutbox.remove(this.clientUuid);
    wx.navigateBack();
  },
});
