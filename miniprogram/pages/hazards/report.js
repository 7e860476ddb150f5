/**
 * Report a hazard on patrol: photos (camera or album), the position where it is (GCJ-02, with its
 * accuracy), what kind of hazard in plain words (utils/report-choices.js, or "不确定" for the
 * school's safety officer to classify), an optional place, description, severity, and the school
 * when the reporter covers several. The page opens at once from what the phone keeps (campaign,
 * schools: utils/cache.js), even without signal, and refreshes them behind; a saved copy shown
 * because the network failed gets the stale banner. Before sending, open hazards of the same kind
 * within 50 m are shown as possible duplicates (not for "不确定"). Without a network the report goes
 * to the outbox (utils/outbox.js) with its client_uuid, made once per draft, so sending it again
 * never files it twice.
 * The first submit tap of a draft also asks for the "hazard overdue" push (utils/subscribe.js);
 * whatever the answer, the report goes on.
 */
const outbox = require('../../utils/outbox');
const { uuidV4 } = require('../../utils/uuid');
const { MAX_PHOTOS, choosePhotos, addPhotos } = require('../../utils/photos');
const { locateOrExplain, openSettingAndLocate } = require('../../utils/location');
const {
  sendReport, isNetworkFailure, nearbyHazards, flushToast,
} = require('../../utils/report-send');
const { modal, alert, isOffline } = require('../../utils/wxp');
const subscribe = require('../../utils/subscribe');
const { SEVERITIES, markChanged } = require('../../utils/hazards');
const { choicesFor } = require('../../utils/report-choices');
const { fetchCampaign, cachedCampaign } = require('../../utils/campaign');
const {
  DESCRIPTION_MAX, PLACE_MAX, validateReport, nearbyDialogText, nearbyRow, reportErrorsFromApi,
  fetchSchools, cachedSchools, schoolChoices,
} = require('../../utils/hazard-report');

/** The older of two saved-at times ('' when neither copy was a saved one). */
const staler = (a, b) => (a && b ? Math.min(a, b) : a || b || '');

const EMPTY_DRAFT = {
  photos: [],
  position: null,
  locationText: '',
  locationError: '',
  locationDenied: false,
  choiceKey: '',
  place: '',
  description: '',
  severity: 'general',
  errors: {},
  formError: '',
  nearby: [],
};

Page({
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
    ...EMPTY_DRAFT,
  },

  onLoad() {
    this.newDraft();
    subscribe.prepare();
    const campaign = cachedCampaign();
    const schools = cachedSchools();
    this.setData({
      choices: choicesFor(campaign && campaign.value),
      schools: schoolChoices(schools && schools.value),
    });
    return this.refreshChoices();
  },

  /** Fresh campaign and schools (saved for next time); a failure keeps what shows. */
  refreshChoices() {
    const settle = (promise) => promise.catch(() => null);
    return Promise.all([settle(fetchCampaign()), settle(fetchSchools())]).then(([campaign, schools]) => {
      const patch = { savedAt: staler(campaign && campaign.savedAt, schools && schools.savedAt) };
      if (campaign) patch.choices = choicesFor(campaign.value);
      if (schools) Object.assign(patch, this.schoolPatch(schools.value));
      this.setData(patch);
    });
  },

  /** The school picker for a /hazards/schools answer, keeping the school already chosen. */
  schoolPatch(answer) {
    const chosen = this.data.schools[this.data.schoolIndex];
    const schools = schoolChoices(answer);
    return { schools, schoolIndex: chosen ? schools.findIndex((school) => school.id === chosen.id) : -1 };
  },

  onShow() {
    this.unsubscribe = this.unsubscribe || outbox.subscribe(() => this.showOutbox());
    this.showOutbox();
  },

  onHide() {
    if (this.unsubscribe) this.unsubscribe();
    this.unsubscribe = null;
  },

  onUnload() { this.onHide(); },

  showOutbox() {
    this.setData({ outboxCount: outbox.count(), flushing: outbox.isFlushing() });
  },

  /** A new draft: a new client_uuid, kept for every try of this report. */
  newDraft() {
    this.nearbyConfirmed = false;
    this.pushAsked = false;
    this.uuidReady = uuidV4().then((id) => { this.clientUuid = id; return id; });
    return this.uuidReady;
  },

  loadSchools() {
    return fetchSchools().then((res) => this.setData(this.schoolPatch(res.value)));
  },

  choosePhotos() {
    return choosePhotos({ count: MAX_PHOTOS - this.data.photos.length })
      .then((paths) => {
        if (!paths.length) return null;
        this.setData({ photos: addPhotos(this.data.photos, paths), 'errors.photos': '' });
        return this.data.position ? null : this.locate();
      })
      .catch((err) => this.setData({ 'errors.photos': err.message }));
  },

  removePhoto(event) {
    const photos = this.data.photos.filter((p, i) => i !== Number(event.currentTarget.dataset.index));
    this.setData({ photos });
  },

  previewPhoto(event) {
    wx.previewImage({ current: event.currentTarget.dataset.url, urls: this.data.photos });
  },

  locate() {
    this.setData({ locating: true });
    return locateOrExplain().then((result) => this.showLocation(result));
  },

  openSetting() {
    return openSettingAndLocate().then((result) => this.showLocation(result));
  },

  showLocation({ position, error }) {
    this.nearbyConfirmed = false;
    this.setData({
      locating: false,
      position: position || this.data.position,
      locationText: position ? `已定位，精度约 ${Math.round(position.accuracy)} 米` : this.data.locationText,
      locationError: error ? error.message : '',
      locationDenied: Boolean(error && error.kind === 'denied'),
      'errors.position': '',
      nearby: position ? [] : this.data.nearby,
    });
  },

  /** A tap on one of the plain choices. */
  pickChoice(event) {
    this.nearbyConfirmed = false;
    this.setData({ choiceKey: event.currentTarget.dataset.key, 'errors.focus': '', nearby: [] });
  },

  onPlaceChange(event) {
    this.setData({ place: event.detail, 'errors.place': '' });
  },

  /** "隐患分类说明": the campaign's areas and focus problems. */
  openCampaign() {
    wx.navigateTo({ url: '/pages/campaign/index' });
  },

  choice() {
    return this.data.choices.find((c) => c.key === this.data.choiceKey) || null;
  },

  onDescriptionChange(event) {
    this.setData({ description: event.detail, 'errors.description': '' });
  },

  onSeverityChange(event) {
    this.setData({ severity: event.detail });
  },

  onSchoolChange(event) {
    this.setData({ schoolIndex: Number(event.detail.value), 'errors.school': '' });
  },

  form() {
    const d = this.data;
    return {
      photos: d.photos,
      position: d.position,
      choice: this.choice(),
      place: d.place,
      description: d.description,
      severity: d.severity,
      schools: d.schools,
      schoolIndex: d.schoolIndex,
    };
  },

  /** Check, then send — or keep in the outbox when there is no network. One at a time. */
  async submit() {
    if (this.busy) return;
    this.busy = true;
    // Still in the tap: ask (once per draft) for the overdue push; the report goes on whatever the answer.
    const asking = this.pushAsked ? null : subscribe.request(subscribe.HAZARD_KEYS);
    this.pushAsked = true;
    this.setData({ submitting: true });
    try {
      await asking;
      await this.checkAndSend();
    } finally {
      this.busy = false;
      this.setData({ submitting: false, progressText: '' });
    }
  },

  async checkAndSend() {
    if (!this.data.position && this.data.photos.length) await this.locate();
    const { ok, errors, body } = validateReport(this.form());
    this.setData({ errors, formError: '' });
    if (!ok) return;
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
    this.setData({ nearby: hazards.map(nearbyRow) });
    const answer = await modal({
      title: '附近可能重复的隐患',
      content: nearbyDialogText(hazards),
      confirmText: '仍然提交',
      cancelText: '查看',
    });
    this.nearbyConfirmed = answer.confirm;
    if (!answer.confirm && wx.pageScrollTo) wx.pageScrollTo({ selector: '#nearby', duration: 300 });
    return answer.confirm;
  },

  /** "仍然提交" under the nearby list. */
  submitAnyway() {
    this.nearbyConfirmed = true;
    return this.submit();
  },

  async send(body) {
    const photos = this.data.photos;
    const onProgress = ({ index, total, percent }) => this.setData({
      progress: percent,
      progressText: `正在上传照片 ${index + 1}/${total}`,
    });
    try {
      const hazard = await sendReport({ clientUuid: this.clientUuid, report: body, photos }, onProgress);
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
    const d = this.data;
    const school = d.schools[d.schoolIndex];
    const choice = this.choice();
    try {
      outbox.add({
        clientUuid: this.clientUuid,
        report: body,
        photos: d.photos,
        title: choice && choice.focus_problem ? choice.label : '未分类',
        school: school ? school.name : '',
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

  flushOutbox() {
    this.setData({ flushing: true });
    return outbox.flush().then((result) => {
      this.showOutbox();
      const toast = flushToast(result);
      if (toast) wx.showToast(toast);
    });
  },

  openOutbox() {
    wx.navigateTo({ url: '/pages/hazards/outbox' });
  },

  openHazard(event) {
    wx.navigateTo({ url: `/pages/hazards/detail?id=${event.currentTarget.dataset.id}` });
  },
});
