/**
 * Lists of notices, one page:
 *  - writers (default): two tabs. 本单位发布: the notices issued in their scope (GET /notices); a
 *    sent one opens its completion, one saved but not sent can be previewed and sent from here.
 *    上级通知 (also `?mode=received`): notices from above that reached their units
 *    (GET /notices/received), read-only, with their own unit's completion: a centre school follows
 *    up the bureau's letter; a tap opens that completion, or the text when counts are not theirs;
 *  - class teachers (`?mode=class`): the notices that reached their class
 *    (GET /notices/for-class?class_id=), a chip per class when they have several, each notice with
 *    the class's acknowledged x/y and a progress bar; a notice opens the class's parents who have
 *    not acknowledged.
 */
const api = require('../../api/client');
const { messageIn } = require('../../api/messages');
const { issuedRow, teacherClasses } = require('../../utils/notices');
const { receivedRow } = require('../../utils/notice-completion');
const { previewAndSend } = require('../../utils/notice-send');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const { alert } = require('../../utils/wxp');

Page({
  data: {
    classMode: false,
    tab: 'issued', // or 'received' (notices from above)
    ...loadingState(),
    rows: [],
    classes: [],
    classIndex: 0,
    sendingId: null,
  },

  /** The list for the mode asked (`?mode=class|received`); class teachers' classes from /me. */
  onLoad(options) {
    const classMode = Boolean(options && options.mode === 'class');
    const tab = options && options.mode === 'received' ? 'received' : 'issued';
    this.loaded = false;
    this.setData({ classMode, tab });
    const titles = { class: '班级通知确认', received: '上级通知' };
    wx.setNavigationBarTitle({ title: titles[options && options.mode] || '已发布的通知' });
    if (!classMode) return this.load();
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => app.getMe())
      .then((me) => {
        const classes = teacherClasses(me.grants);
        this.setData({ classes });
        if (classes.length) return this.load();
        this.setData(readyState(0));
        return null;
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** Back from a notice: its counts may have changed. */
  onShow() {
    if (this.loaded) this.load();
  },

  /** 重试 after an error: from the start when even /me failed, else the list. */
  retry() {
    this.setData(loadingState());
    if (this.data.classMode && !this.data.classes.length) return this.onLoad({ mode: 'class' });
    return this.load();
  },

  /** Pulled down: the list again. */
  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  currentClass() {
    return this.data.classes[this.data.classIndex] || null;
  },

  /** The current list (one request at a time wins: a quick tab change drops the older answer). */
  load() {
    const klass = this.currentClass();
    if (this.data.classMode && !klass) return Promise.resolve();
    this.seq = (this.seq || 0) + 1;
    const seq = this.seq;
    const received = !this.data.classMode && this.data.tab === 'received';
    let request;
    if (this.data.classMode) request = api.call('noticesForClass', { query: { class_id: klass.id } });
    else if (received) request = api.call('noticesReceived');
    else request = api.call('notices');
    return request
      .then((res) => {
        if (seq !== this.seq) return;
        this.loaded = true;
        const rows = (res.notices || []).map(received ? receivedRow : issuedRow);
        this.setData({ ...readyState(rows.length), rows });
      })
      .catch((err) => {
        if (seq !== this.seq) return;
        const error = messageIn(this.data.classMode ? 'noticeClass' : 'noticeIssued', err);
        this.setData({ ...errorState(err), rows: [], error });
      });
  },

  /** 本单位发布 / 上级通知. */
  onTab(event) {
    const { tab } = event.currentTarget.dataset;
    if (tab === this.data.tab) return Promise.resolve();
    this.setData({ tab, rows: [], ...loadingState() });
    return this.load();
  },

  /** A notice from above: its completion at the caller's unit, or its text (read-only). */
  openReceived(event) {
    const key = event.currentTarget.dataset.key;
    const row = this.data.rows.find((r) => r.key === key);
    if (!row) return;
    if (row.completionUnitId) {
      wx.navigateTo({ url: `/pages/notices/completion?id=${row.id}&unit_id=${row.completionUnitId}` });
      return;
    }
    wx.showModal({ title: row.title, content: row.body, showCancel: false, confirmText: '知道了' });
  },

  /** Another of the teacher's classes. */
  onClassChip(event) {
    this.setData({ classIndex: Number(event.currentTarget.dataset.index), ...loadingState() });
    return this.load();
  },

  /** A tap on a notice: the class's pending parents, the completion, or sending a saved one. */
  openNotice(event) {
    const row = this.data.rows.find((r) => r.id === Number(event.currentTarget.dataset.id));
    if (!row) return Promise.resolve();
    if (this.data.classMode) {
      if (row.classAck && !row.classAck.reached) return Promise.resolve(); // no parent to list
      wx.navigateTo({ url: `/pages/notices/class?id=${row.id}&class_id=${this.currentClass().id}` });
    } else if (row.sent) {
      wx.navigateTo({ url: `/pages/notices/completion?id=${row.id}&unit_id=${row.unitId}` });
    } else {
      return this.sendSaved(row);
    }
    return Promise.resolve();
  },

  /** A notice saved but not sent: preview, confirm, send (once). */
  async sendSaved(row) {
    if (this.data.sendingId) return;
    this.setData({ sendingId: row.id });
    try {
      const result = await previewAndSend(row.id);
      if (result.sent) {
        wx.showToast({ title: `已发送给 ${result.preview.parents} 位家长`, icon: 'success' });
        wx.navigateTo({ url: `/pages/notices/completion?id=${row.id}&unit_id=${row.unitId}` });
      }
    } catch (err) {
      await alert('发送没有成功', messageIn('noticeIssued', err));
      if (err.code === 'already_sent') await this.load();
    } finally {
      this.setData({ sendingId: null });
    }
  },
});
