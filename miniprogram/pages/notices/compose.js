/**
 * Writers (`notice.write`): a notice to parents. The issuing unit (one the user writes for), the
 * targets — the whole issuing unit, or units below it and a school's classes picked level by
 * level — title, text and an optional image. 预览并发送 saves the notice, shows how many parents
 * and children it reaches, and sends it once the writer confirms.
 */
const api = require('../../api/client');
const { messageIn } = require('../../api/messages');
const { isSchool } = require('../../utils/units');
const { writerUnits } = require('../../utils/notices');
const { choosePhotos, uploadPhotos } = require('../../utils/photos');
const { previewAndSend } = require('../../utils/notice-send');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const {
  TITLE_MAX, BODY_MAX, levelRows, toggleTarget, validateNotice, noticeErrorsFromApi,
} = require('../../utils/notice-form');

Page({
  data: {
    ...loadingState(),
    issuers: [],
    issuerIndex: 0,
    scope: 'all',
    trail: [],
    rows: [],
    levelLoading: false,
    levelError: '',
    selected: [],
    title: '',
    body: '',
    titleMax: TITLE_MAX,
    bodyMax: BODY_MAX,
    attachment: '',
    errors: {},
    formError: '',
    sending: false,
    saving: false,
  },

  /** The units the user writes for (from /me). */
  onLoad() {
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => app.getMe())
      .then((me) => {
        const issuers = writerUnits(me.grants);
        this.setData({ ...readyState(issuers.length), issuers });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** 重试 after /me failed. */
  retry() {
    this.setData(loadingState());
    return this.onLoad();
  },

  /** The issuing unit chosen. */
  issuer() {
    return this.data.issuers[this.data.issuerIndex] || null;
  },

  /** Another issuing unit: the picked targets no longer apply. */
  onIssuerChange(event) {
    this.setData({ issuerIndex: Number(event.detail.value), selected: [], trail: [], rows: [], 'errors.targets': '' });
    return this.data.scope === 'pick' ? this.openLevel(this.issuer()) : Promise.resolve();
  },

  /** 全体家长 or picked targets; picking opens the issuer's level. */
  onScopeChange(event) {
    this.setData({ scope: event.detail, 'errors.targets': '' });
    if (event.detail === 'pick' && !this.data.trail.length) return this.openLevel(this.issuer());
    return Promise.resolve();
  },

  /** Show a unit's sub-units, or a school's classes, as the current level. */
  openLevel(unit) {
    const trail = this.data.trail.concat([{ id: unit.id, name: unit.name, kind: unit.kind }]);
    this.setData({ trail });
    return this.loadLevel(unit);
  },

  /** Back to the level above. */
  upLevel() {
    const trail = this.data.trail.slice(0, -1);
    if (!trail.length) return Promise.resolve();
    this.setData({ trail });
    return this.loadLevel(trail[trail.length - 1]);
  },

  /** A level's rows (the latest request wins). */
  loadLevel(unit) {
    this.levelSeq = (this.levelSeq || 0) + 1;
    const seq = this.levelSeq;
    this.setData({ levelLoading: true, levelError: '', rows: [] });
    const request = isSchool(unit)
      ? api.call('unitClasses', { params: { id: unit.id } }).then((res) => levelRows(res.classes, 'class', this.data.selected))
      : api.call('units', { query: { parent_id: unit.id } }).then((res) => levelRows(res.units, 'unit', this.data.selected));
    return request
      .then((rows) => {
        if (seq !== this.levelSeq) return;
        this.setData({ levelLoading: false, rows });
      })
      .catch((err) => {
        if (seq === this.levelSeq) this.setData({ levelLoading: false, levelError: err.message });
      });
  },

  /** 重试 after a level failed to load. */
  retryLevel() {
    const trail = this.data.trail;
    return trail.length ? this.loadLevel(trail[trail.length - 1]) : Promise.resolve();
  },

  /** Open a row's level (sub-units, or a school's classes). */
  openTargetUnit(event) {
    const row = this.data.rows.find((r) => r.key === event.currentTarget.dataset.key);
    if (!row || !row.canOpen) return Promise.resolve();
    return this.openLevel({ id: row.id, name: row.name, kind: row.school ? 'school' : 'unit' });
  },

  /** Tick or untick a row as a target. */
  toggleTarget(event) {
    const row = this.data.rows.find((r) => r.key === event.currentTarget.dataset.key);
    if (row) this.select(toggleTarget(this.data.selected, row));
  },

  /** A chosen target's chip tapped: no longer a target. */
  removeTarget(event) {
    this.select(this.data.selected.filter((s) => s.key !== event.currentTarget.dataset.key));
  },

  /** The chosen targets, with the rows' ticks to match. */
  select(selected) {
    const keys = new Set(selected.map((s) => s.key));
    const rows = this.data.rows.map((r) => ({ ...r, checked: keys.has(r.key) }));
    this.setData({ selected, rows, 'errors.targets': '' });
  },

  /** Title typed. */
  onTitleChange(event) {
    this.setData({ title: event.detail, 'errors.title': '' });
  },

  /** Text typed. */
  onBodyChange(event) {
    this.setData({ body: event.detail, 'errors.body': '' });
  },

  /** Pick the optional image. */
  chooseAttachment() {
    return choosePhotos({ count: 1 })
      .then((paths) => { if (paths.length) this.setData({ attachment: paths[0], 'errors.attachment': '' }); })
      .catch((err) => this.setData({ 'errors.attachment': err.message }));
  },

  /** Drop the image. */
  removeAttachment() {
    this.setData({ attachment: '' });
  },

  /** The image full screen. */
  previewAttachment() {
    wx.previewImage({ current: this.data.attachment, urls: [this.data.attachment] });
  },

  /** The notices issued so far. */
  openIssued() {
    wx.navigateTo({ url: '/pages/notices/issued' });
  },

  /** 保存草稿: saved, not sent; the issued list sends it later. */
  async saveDraft() {
    if (this.busy) return;
    this.busy = true;
    this.setData({ saving: true, formError: '' });
    try {
      const id = await this.save();
      if (id) {
        this.saved = null;
        wx.showToast({ title: '已保存，未发送', icon: 'success' });
        wx.redirectTo({ url: '/pages/notices/issued' });
      }
    } finally {
      this.busy = false;
      this.setData({ saving: false });
    }
  },

  /** 预览并发送: one at a time, however often it is tapped. */
  async submit() {
    if (this.busy) return;
    this.busy = true;
    this.setData({ sending: true, formError: '' });
    try {
      const id = await this.save();
      if (id) await this.send(id);
    } finally {
      this.busy = false;
      this.setData({ sending: false });
    }
  },

  /** The saved notice's id: saved now, or earlier with the same content (not saved twice). */
  async save() {
    const d = this.data;
    const form = { issuer: this.issuer(), scope: d.scope, selected: d.selected, title: d.title, body: d.body };
    const { ok, errors, body } = validateNotice(form);
    this.setData({ errors });
    if (!ok) return null;
    const signature = JSON.stringify([body, d.attachment]);
    if (this.saved && this.saved.signature === signature) return this.saved.id;
    try {
      if (d.attachment) {
        const [photo] = await uploadPhotos([d.attachment]);
        body.attachment_photo_id = photo.id;
      }
      const notice = await api.call('noticeCreate', { body });
      this.saved = { id: notice.id, signature };
      return notice.id;
    } catch (err) {
      this.setData({ errors: noticeErrorsFromApi(err), formError: messageIn('noticeIssued', err) });
      return null;
    }
  },

  /** Preview, confirm and send a saved notice; then its completion. */
  async send(id) {
    try {
      const result = await previewAndSend(id);
      if (!result.sent) return;
      wx.showToast({ title: `已发送给 ${result.preview.parents} 位家长`, icon: 'success' });
    } catch (err) {
      if (err.code === 'content_held') {
        // Saved, and sent by itself once the school's admin releases it (内容审核).
        this.saved = null;
        wx.showModal({ title: '通知审核中', content: err.message, showCancel: false });
        wx.redirectTo({ url: '/pages/notices/issued' });
        return;
      }
      if (err.code !== 'already_sent') {
        this.setData({ formError: messageIn('noticeIssued', err) });
        return;
      }
      wx.showToast({ title: err.message, icon: 'none' });
    }
    this.saved = null;
    const issuer = this.issuer();
    wx.redirectTo({ url: `/pages/notices/completion?id=${id}&unit_id=${issuer.id}` });
  },
});
