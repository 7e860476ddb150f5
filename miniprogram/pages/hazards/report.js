/**
 * Report a hazard on patrol: photos, the position (GCJ-02, with its accuracy), what kind in plain
 * words (utils/report-choices.js; "不确定" leaves it to the safety officer), an optional place and
 * checkpoint (scanned, or `?checkpoint_token=` from the round page), description, severity, and the
 * school when the reporter covers several. Opens from what the phone keeps, refreshing behind (stale
 * banner for a saved copy). Open hazards of the same kind within 50 m are shown first as possible
 * duplicates. Without a network the report goes to the outbox with its client_uuid (one per draft,
 * so it is never filed twice). The first submit tap asks for the overdue push (utils/subscribe.js).
 * `?visit_id=`: a supervision visit's finding (记录问题 on the visit page): the schools are the
 * visit's, no checkpoint, and it is sent to POST /visits/{id}/findings (queued with its visit).
 * The steps that need no page are in utils/report-flow.js.
 */
const outbox = require('../../utils/outbox');
const { followsOutbox } = require('../../utils/outbox-watch');
const { uuidV4 } = require('../../utils/uuid');
const { MAX_PHOTOS, choosePhotos, addPhotos } = require('../../utils/photos');
const { locateOrExplain, openSettingAndLocate } = require('../../utils/location');
const {
  sendReport, isNetworkFailure, nearbyHazards, flushToast,
} = require('../../utils/report-send');
const { alert, isOffline } = require('../../utils/wxp');
const subscribe = require('../../utils/subscribe');
const { SEVERITIES, markChanged } = require('../../utils/hazards');
const {
  DESCRIPTION_MAX, PLACE_MAX, validateReport, reportErrorsFromApi, fetchSchools,
} = require('../../utils/hazard-report');
const { scanCheckpoint } = require('../../utils/patrol-scan');
const { choicesFor } = require('../../utils/report-choices');
const {
  EMPTY_DRAFT, reportForm, locationPatch, confirmNearby, queueReport, initialCheckpoint, cachedChoices, freshChoices,
  schoolPatch, progressPatch, visitIdFrom, findingBody, visitPatch,
} = require('../../utils/report-flow');

Page({
  ...followsOutbox(),

  data: {
    choices: choicesFor(null),
    savedAt: '',
    schools: [],
    schoolIndex: -1,
    maxPhotos: MAX_PHOTOS,
    descriptionMax: DESCRIPTION_MAX,
    placeMax: PLACE_MAX,
    severities: SEVERITIES,
    locating: false,
    submitting: false,
    progress: 0,
    progressText: '',
    outboxCount: 0,
    flushing: false,
    visitId: null,
    visitTitle: '',
    visitError: '',
    ...EMPTY_DRAFT,
  },

  /** Open from what the phone keeps (and a checkpoint from the URL), then refresh behind. */
  onLoad(options) {
    this.newDraft();
    subscribe.prepare();
    this.visitId = visitIdFrom(options);
    if (this.visitId) {
      wx.setNavigationBarTitle({ title: '记录检查发现的问题' });
      this.setData({ ...cachedChoices(), schools: [], visitId: this.visitId });
      return Promise.all([this.refreshChoices(), this.loadVisit()]);
    }
    this.setData({ ...cachedChoices(), checkpointToken: initialCheckpoint(options) });
    return this.refreshChoices();
  },

  /** Fresh campaign and schools (saved for next time); a failure keeps what shows. */
  refreshChoices() {
    return freshChoices(() => this.chosenSchool(), this.visitId).then((patch) => this.setData(patch));
  },

  /** The visit a finding is of: its title and schools (a picker when several). */
  loadVisit() {
    return visitPatch(this.visitId, this.chosenSchool()).then(({ schools, patch }) => {
      if (schools) this.visitSchools = schools;
      this.setData(patch);
    });
  },

  /** The school picked, or undefined. */
  chosenSchool() {
    return this.data.schools[this.data.schoolIndex];
  },

  /** Follow the outbox while the page shows. */
  onShow() {
    this.unsubscribe = this.unsubscribe || outbox.subscribe(() => this.showOutbox());
    this.showOutbox();
  },

  /** The "待发送" bar: how many wait, and whether they are being sent. */
  showOutbox() {
    this.setData({ outboxCount: outbox.count(), flushing: outbox.isFlushing() });
  },

  /** A new draft: a new client_uuid, kept for every try of this report. */
  newDraft() {
    this.nearbyConfirmed = false;
    this.pushAsked = null;
    this.uuidReady = uuidV4().then((id) => { this.clientUuid = id; return id; });
    return this.uuidReady;
  },

  /** Reload the schools (the server asked for one). */
  loadSchools() {
    if (this.visitId) return this.loadVisit();
    return fetchSchools().then((res) => this.setData(schoolPatch(res.value, this.chosenSchool())));
  },

  /** Add photos (camera or album), as taken so their capture time reaches the server (an old
   * photo is flagged); the first ones also locate the hazard. */
  choosePhotos() {
    return choosePhotos({ count: MAX_PHOTOS - this.data.photos.length, original: true })
      .then((paths) => {
        if (!paths.length) return null;
        this.setData({ photos: addPhotos(this.data.photos, paths), 'errors.photos': '' });
        return this.data.position ? null : this.locate();
      })
      .catch((err) => this.setData({ 'errors.photos': err.message }));
  },

  /** The cross on a photo. */
  removePhoto(event) {
    const photos = this.data.photos.filter((p, i) => i !== Number(event.currentTarget.dataset.index));
    this.setData({ photos });
  },

  /** A tap on a photo shows it full screen. */
  previewPhoto(event) {
    wx.previewImage({ current: event.currentTarget.dataset.url, urls: this.data.photos });
  },

  /** Locate the hazard (explaining a refusal). */
  locate() {
    this.setData({ locating: true });
    return locateOrExplain().then((result) => this.showLocation(result));
  },

  /** "去设置": the settings, then locate again once allowed. */
  openSetting() {
    return openSettingAndLocate().then((result) => this.showLocation(result));
  },

  /** Show a location answer `{position, error}`; a new position asks about nearby hazards again. */
  showLocation(result) {
    this.nearbyConfirmed = false;
    this.setData(locationPatch(result, this.data));
  },

  /** "扫码关联": link the checkpoint whose sticker is scanned; another code is explained. */
  async scanCheckpoint() {
    const result = await scanCheckpoint();
    if (result.cancelled) return;
    if (result.error) {
      await alert('没有识别到巡查点', result.error);
      return;
    }
    this.setData({ checkpointToken: result.token, 'errors.checkpoint': '' });
  },

  /** "清除": the report links no checkpoint. */
  clearCheckpoint() {
    this.setData({ checkpointToken: '', 'errors.checkpoint': '' });
  },

  /** A tap on one of the plain choices. */
  pickChoice(event) {
    this.nearbyConfirmed = false;
    this.setData({ choiceKey: event.currentTarget.dataset.key, 'errors.focus': '', nearby: [] });
  },

  /** The place typed. */
  onPlaceChange(event) {
    this.setData({ place: event.detail, 'errors.place': '' });
  },

  /** "隐患分类说明": the campaign's areas and focus problems. */
  openCampaign() {
    wx.navigateTo({ url: '/pages/campaign/index' });
  },

  /** The plain choice picked, or null. */
  choice() {
    return this.data.choices.find((c) => c.key === this.data.choiceKey) || null;
  },

  /** The description typed. */
  onDescriptionChange(event) {
    this.setData({ description: event.detail, 'errors.description': '' });
  },

  /** The severity picked. */
  onSeverityChange(event) {
    this.setData({ severity: event.detail });
  },

  /** The school picked. */
  onSchoolChange(event) {
    this.setData({ schoolIndex: Number(event.detail.value), 'errors.school': '' });
  },

  /** Check, then send — or keep in the outbox when there is no network. One at a time. */
  async submit() {
    if (this.busy) return;
    this.busy = true;
    // Still in the tap: ask (once per draft) for the overdue push; the report goes on whatever the answer.
    const asking = subscribe.askOnce(this, subscribe.HAZARD_KEYS);
    this.setData({ submitting: true });
    try {
      await asking;
      await this.checkAndSend();
    } finally {
      this.busy = false;
      this.setData({ submitting: false, progressText: '' });
    }
  },

  /** Locate if needed, check the form, then queue offline or check nearby and send. */
  async checkAndSend() {
    if (!this.data.position && this.data.photos.length) await this.locate();
    const check = validateReport(reportForm(this.data, this.choice()));
    this.setData({ errors: check.errors, formError: '' });
    if (!check.ok) return;
    const body = this.visitId ? findingBody(check.body, this.visitSchools, this.chosenSchool()) : check.body;
    if (!body) {
      this.setData({ formError: this.data.visitError || '没有打开这次督导检查，请返回重试' });
      return;
    }
    await this.uuidReady;
    if (await isOffline()) {
      await this.saveToOutbox(body, '手机当前没有网络。');
      return;
    }
    this.setData({ progress: 0, progressText: '正在检查附近的同类隐患…' });
    const go = await this.checkNearby(body);
    if (go === 'offline') await this.saveToOutbox(body, '网络不可用。');
    else if (go) await this.send(body);
  },

  /** true to send; false when the user chose to look at the nearby hazards; 'offline'. */
  async checkNearby(body) {
    if (this.nearbyConfirmed) return true;
    const hazards = await nearbyHazards(body);
    if (hazards === 'offline') return 'offline';
    if (!hazards || !hazards.length) return true;
    this.nearbyConfirmed = await confirmNearby(hazards, (nearby) => this.setData({ nearby }));
    return this.nearbyConfirmed;
  },

  /** "仍然提交" under the nearby list. */
  submitAnyway() {
    this.nearbyConfirmed = true;
    return this.submit();
  },

  /** Upload the photos and POST the report; a network failure queues it. */
  async send(body) {
    const photos = this.data.photos;
    const onProgress = (step) => this.setData(progressPatch(step));
    try {
      const hazard = await sendReport({
        clientUuid: this.clientUuid, report: body, photos, visitId: this.visitId,
      }, onProgress);
      markChanged();
      wx.showToast({ title: '上报成功', icon: 'success' });
      this.setData({ ...EMPTY_DRAFT });
      this.newDraft();
      wx.redirectTo({ url: `/pages/hazards/detail?id=${hazard.id}` });
    } catch (err) {
      if (isNetworkFailure(err)) {
        await this.saveToOutbox(body, '网络不可用，没有发送成功。');
        return;
      }
      if (err.code === 'school_required') await this.loadSchools().catch(() => null);
      this.setData({ errors: reportErrorsFromApi(err), formError: err.message });
    }
  },

  /** Keep the report (same client_uuid) and its photos in the outbox, then start a new draft. */
  async saveToOutbox(body, reason) {
    try {
      queueReport({
        clientUuid: this.clientUuid, body, photos: this.data.photos, choice: this.choice(), school: this.chosenSchool(), visitId: this.visitId,
      });
    } catch (err) {
      this.setData({ formError: err.message });
      return;
    }
    this.setData({ ...EMPTY_DRAFT });
    this.showOutbox();
    this.newDraft();
    await alert('已保存到待发送', `${reason}隐患已保存在手机上，联网后会自动发送，也可以在“待发送”中立即发送。`);
  },

  /** "立即发送": send the outbox now. */
  flushOutbox() {
    this.setData({ flushing: true });
    return outbox.flush().then((result) => {
      this.showOutbox();
      const toast = flushToast(result);
      if (toast) wx.showToast(toast);
    });
  },

  /** "待发送 n 条": the outbox page. */
  openOutbox() {
    wx.navigateTo({ url: '/pages/hazards/outbox' });
  },

  /** A nearby hazard's row: its page. */
  openHazard(event) {
    wx.navigateTo({ url: `/pages/hazards/detail?id=${event.currentTarget.dataset.id}` });
  },
});
