/**
 * A round (opened by a scan, `?token=&scanned_at=`, or at a water point, which has no sticker, by
 * `?checkpoint_id=`): the checkpoint and its checklist, each item 合格 / 不合格 / 不适用 (a 不合格
 * needs a note and a photo taken now), the progress, the position taken at the scan, and 提交. A
 * water visit may photograph any item and needs at least one photo. Without signal, or when
 * sending fails on the way, the round waits in the patrol outbox (same client_uuid) and is sent
 * when the signal returns; the server's refusals are told in words with what to do.
 */
const nav = require('../../utils/nav');
const subscribe = require('../../utils/subscribe');
const patrolOutbox = require('../../utils/patrol-outbox');
const { isRetryable } = require('../../utils/report-send');
const { loadCheckpoint } = require('../../utils/patrol-scan');
const {
  ANSWERS, roundItems, progressOf, itemError, validateRound, roundEntry, refusalText,
} = require('../../utils/patrols');
const { isWater, photoCount } = require('../../utils/patrol-kinds');
const { choosePhotos, MAX_PHOTOS } = require('../../utils/photos');
const { locateOrExplain } = require('../../utils/location');
const { uuidV4 } = require('../../utils/uuid');
const { alert, modal, isOffline } = require('../../utils/wxp');
const { loadingState, errorState } = require('../../utils/page-state');
const { eventValue } = require('../../utils/event-value');

// Refusals after which this round cannot go on: the user goes back to scan again (a bus outside
// its trip's window: the server judges the trip by the scan's time, so sending again never helps).
const LEAVE_ON = [
  'checkpoint_unknown', 'checkpoint_replaced', 'checkpoint_inactive', 'slot_already_done', 'uuid_conflict', 'scan_required',
  'no_trip_due',
];

const NEVER_SCANNED_OFFLINE = '网络不可用，这个巡查点还没有在这台手机上打开过。请到有信号的地方重新扫码';
const NEVER_OPENED_OFFLINE = '网络不可用，这个水域还没有在这台手机上打开过。请到有信号的地方先打开一次';

const TITLES = {
  too_far: '不在巡查点附近',
  checkpoint_unknown: '二维码无效',
  checkpoint_replaced: '二维码已更换',
  checkpoint_inactive: '巡查点已停用',
  slot_already_done: '已经提交过了',
  photo_too_old: '照片不是现场拍的',
  validation_error: '检查内容不完整',
  scan_required: '需要现场扫码',
  no_trip_due: '不在检查时间',
};
// A water visit's titles where they differ.
const WATER_TITLES = { too_far: '离水域太远' };

Page({
  data: {
    ...loadingState(),
    savedAt: '',
    checkpoint: null,
    templates: [],
    templateIndex: 0,
    items: [],
    progress: progressOf([]),
    answers: ANSWERS,
    position: null,
    positionText: '正在定位…',
    positionError: '',
    sending: false,
    sendingText: '',
    water: false,
    photoCount: 0,
    photoError: '',
  },

  /**
   * The scan's token and time (or a water point's checkpoint id, opened now), then the
   * checkpoint, the position and a client_uuid for the round.
   */
  onLoad(query = {}) {
    this.token = decodeURIComponent(query.token || '');
    this.checkpointId = this.token ? null : Number(query.checkpoint_id) || null;
    this.scannedAt = decodeURIComponent(query.scanned_at || '') || new Date().toISOString();
    this.uuid = uuidV4();
    subscribe.prepare(); // so that 提交 can ask for the patrol pushes inside the tap
    this.locate();
    return this.load();
  },

  /** The error's 重试. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** GET /checkpoints/scan (or the copy kept from an earlier scan, without signal). */
  load() {
    const target = this.token ? { token: this.token } : { checkpointId: this.checkpointId };
    return loadCheckpoint(target)
      .then(({ value, savedAt }) => {
        const templates = value.templates || [];
        if (isWater(value.checkpoint)) wx.setNavigationBarTitle({ title: '水域巡查' });
        this.setData({
          water: isWater(value.checkpoint),
          state: templates.length ? '' : 'empty',
          error: '',
          offline: false,
          savedAt: savedAt || '',
          checkpoint: value.checkpoint,
          templates: templates.map((t) => ({ id: t.id, name: t.name })),
        });
        this.templates = templates;
        this.useTemplate(0);
      })
      .catch((err) => {
        // Offline, a checkpoint never opened on this phone has no checklist to show yet.
        const never = this.checkpointId ? NEVER_OPENED_OFFLINE : NEVER_SCANNED_OFFLINE;
        const message = err.code === 'network_error' ? never : refusalText(err);
        this.setData(errorState({ code: err.code, message }));
      });
  },

  /** Show the checklist of the template at `index`, unanswered. */
  useTemplate(index) {
    const items = roundItems(this.templates[index]);
    this.setData({ templateIndex: index, items, progress: progressOf(items) });
  },

  /** Another template (when the checkpoint has several); answers so far are lost, so ask. */
  async chooseTemplate(event) {
    const index = Number(event.currentTarget.dataset.index);
    if (index === this.data.templateIndex) return;
    if (this.data.progress.answered) {
      const answer = await modal({ title: '换一张检查表', content: '已填写的检查结果会清空，确定更换吗？', confirmText: '更换' });
      if (!answer.confirm) return;
    }
    this.useTemplate(index);
  },

  /** The position now (at the scan), with its accuracy; a refusal explained. */
  locate() {
    this.setData({ positionText: '正在定位…', positionError: '' });
    this.located = locateOrExplain().then((result) => {
      if (result.position) {
        this.setData({
          position: result.position,
          positionText: `已记录${this.checkpointId ? '到达' : '扫码'}时的位置（精度约 ${Math.round(result.position.accuracy)} 米）`,
          positionError: '',
        });
      } else {
        // location.js words its failures for hazards; a round records the patrol's place.
        this.setData({ position: null, positionText: '', positionError: result.error.message.replace('隐患', '巡查') });
      }
      return result.position || null;
    });
    return this.located;
  },

  /** Once something is filled in, leaving with the back button asks first (where WeChat can). */
  guardLeaving(on) {
    if (on && !this.guarded && typeof wx.enableAlertBeforeUnload === 'function') {
      wx.enableAlertBeforeUnload({ message: '这一轮巡查还没有提交，离开后填写的内容不会保存' });
      this.guarded = true;
    }
    if (!on && this.guarded && typeof wx.disableAlertBeforeUnload === 'function') {
      wx.disableAlertBeforeUnload();
      this.guarded = false;
    }
  },

  /** Change one item and recount the progress. */
  patchItem(index, patch) {
    const item = { ...this.data.items[index], ...patch };
    if (item.error) item.error = itemError(item);
    const items = this.data.items.slice();
    items[index] = item;
    const photos = photoCount(items, { water: this.data.water });
    this.setData({
      items, progress: progressOf(items), photoCount: photos, photoError: photos ? '' : this.data.photoError,
    });
    this.guardLeaving(true);
  },

  /** 合格 / 不合格 / 不适用 tapped. */
  answer(event) {
    const { index, value } = event.currentTarget.dataset;
    this.patchItem(Number(index), { answer: value });
  },

  /** The note of an item. */
  inputNote(event) {
    const { index } = event.currentTarget.dataset;
    this.patchItem(Number(index), { note: eventValue(event) });
  },

  /** 拍照: from the camera only (a photo taken before the scan is refused). */
  async addPhoto(event) {
    const index = Number(event.currentTarget.dataset.index);
    const item = this.data.items[index];
    try {
      const added = await choosePhotos({ count: MAX_PHOTOS - item.photos.length, sources: ['camera'], original: true });
      if (added.length) this.patchItem(index, { photos: item.photos.concat(added).slice(0, MAX_PHOTOS) });
    } catch (err) {
      await alert('无法拍照', err.message);
    }
  },

  /** Remove a photo of an item. */
  removePhoto(event) {
    const { index, photo } = event.currentTarget.dataset;
    const item = this.data.items[Number(index)];
    this.patchItem(Number(index), { photos: item.photos.filter((_, i) => i !== Number(photo)) });
  },

  /** Look at a photo full screen. */
  previewPhoto(event) {
    const { index, photo } = event.currentTarget.dataset;
    const { photos } = this.data.items[Number(index)];
    wx.previewImage({ urls: photos, current: photos[Number(photo)] });
  },

  /**
   * 提交: check the round, then send it, or keep it on the phone without signal. The first tap
   * asks, still inside the tap, for the patrol pushes (rounds due and missed, task reminders).
   */
  async submit() {
    if (this.data.sending) return;
    await subscribe.askOnce(this, subscribe.PATROL_KEYS);
    const check = validateRound(this.data.items, { water: this.data.water });
    if (!check.ok) {
      const items = this.data.items.map((item, i) => ({ ...item, error: check.errors[i] }));
      this.setData({ items, photoError: check.photoError });
      const missing = check.errors.filter(Boolean).length;
      if (missing) wx.showToast({ title: `还有 ${missing} 项没有填好`, icon: 'none' });
      else await alert('还没有拍照', check.photoError);
      return;
    }
    const position = this.data.position || (await this.locate());
    if (!position) {
      await alert('需要位置信息', this.data.positionError || '巡查需要记录你所在的位置，请打开定位后重试');
      return;
    }
    const entry = roundEntry({
      clientUuid: await this.uuid,
      token: this.token,
      checkpointId: this.checkpointId,
      templateId: this.templates[this.data.templateIndex].id,
      position,
      scannedAt: this.scannedAt,
      items: this.data.items,
      checkpoint: this.data.checkpoint,
    });
    if (await isOffline()) {
      await this.queue(entry, '手机没有网络，这一轮巡查已保存在手机上，联网后会自动发送。');
      return;
    }
    await this.send(entry);
  },

  /** Send now; a network failure keeps the round on the phone (same sent_at), a refusal is explained. */
  async send(round) {
    const entry = { ...round, sentAt: new Date().toISOString() };
    this.setData({ sending: true, sendingText: '正在提交…' });
    try {
      const patrol = await patrolOutbox.sendRound(entry, ({ percent }) => this.setData({ sendingText: `正在上传照片 ${percent}%` }));
      this.setData({ sending: false });
      this.guardLeaving(false);
      wx.showToast({ title: '巡查已提交', icon: 'success' });
      wx.redirectTo({ url: `/pages/patrol/detail?id=${patrol.id}` });
    } catch (err) {
      this.setData({ sending: false });
      if (isRetryable(err)) {
        await this.queue(entry, '网络不稳定，这一轮巡查已保存在手机上，联网后会自动发送（不会重复提交）。');
        return;
      }
      await this.refused(err);
    }
  },

  /** Keep the round in the patrol outbox and go back to 今日巡查. */
  async queue(entry, message) {
    try {
      patrolOutbox.add(entry);
    } catch (err) {
      await alert('无法保存', err.message);
      return;
    }
    this.guardLeaving(false);
    await alert('已保存，待发送', message);
    wx.navigateBack({ fail: () => nav.open('/pages/patrol/today') });
  },

  /** A refusal in words; after some the round cannot go on and the page closes. */
  async refused(err) {
    const title = (this.data.water && WATER_TITLES[err.code]) || TITLES[err.code] || '提交没有成功';
    await alert(title, err.message);
    if (err.code === 'too_far') this.setData({ position: null });
    if (LEAVE_ON.includes(err.code)) this.guardLeaving(false);
    if (LEAVE_ON.includes(err.code)) wx.navigateBack({ fail: () => nav.open('/pages/patrol/today') });
  },
});
