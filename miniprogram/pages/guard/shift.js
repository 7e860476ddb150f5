/**
 * 门卫值班: without a shift, the big 扫码上岗 button (scan the gate's code, then the position, then
 * POST /guard/shifts) under the last hand-over note known; on shift, the 上一班交接 card, the shift's
 * log (kind, time, photo, 已上报隐患 / 已处理), the big 记录情况 button and 交班 (the hand-over note
 * for the next guard, then the end). Entries still waiting on the phone (utils/guard-outbox.js) show
 * above the log and are sent each time the page shows. Works offline from the copy kept on the
 * phone (utils/cache.js 'guard_shift').
 */
const api = require('../../api/client');
const { followsOutbox } = require('../../utils/outbox-watch');
const cache = require('../../utils/cache');
const nav = require('../../utils/nav');
const guardOutbox = require('../../utils/guard-outbox');
const {
  handoverView, shiftView, logRow, queuedRow, refusalText, HANDOVER_MAX,
} = require('../../utils/guard');
const { scanCheckpoint } = require('../../utils/patrol-scan');
const subscribe = require('../../utils/subscribe');
const { locateOrExplain } = require('../../utils/location');
const { uuidV4 } = require('../../utils/uuid');
const { alert, modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { loadingState, errorState } = require('../../utils/page-state');

const queuedRows = () => guardOutbox.list().map(queuedRow);

Page({
  ...followsOutbox(),

  data: {
    ...loadingState(),
    savedAt: '',
    shift: null,
    handover: null,
    logs: [],
    queued: [],
    starting: false,
    endOpen: false,
    ending: false,
    handoverNote: '',
    handoverMax: HANDOVER_MAX,
  },

  /** Each time it shows (back from 记录情况): send what waits, then the shift as it is now. */
  onShow() {
    guardOutbox.installAutoFlush();
    subscribe.prepare(); // so that 扫码上岗 can ask for the duty pushes inside the tap
    this.unsubscribe = this.unsubscribe || guardOutbox.subscribe(() => this.setData({ queued: queuedRows() }));
    return guardOutbox.flush().catch(() => null).then(() => this.load());
  },

  /** Pull down: load again. */
  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** The error's 重试. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** GET /guard/shifts/current (or the copy on the phone when the network failed). */
  load() {
    return cache.fetch('guard_shift', () => api.call('guardShiftCurrent'))
      .then(({ value, savedAt }) => this.show(value, savedAt))
      .catch((err) => this.setData({ ...errorState(err), queued: queuedRows() }));
  },

  /** Show a /guard/shifts/current answer. */
  show(value, savedAt = '') {
    this.setData({
      state: '',
      error: '',
      offline: false,
      savedAt: savedAt || '',
      shift: shiftView(value.shift),
      handover: handoverView(value.handover),
      logs: (value.logs || []).map(logRow),
      queued: queuedRows(),
    });
  },

  /**
   * 扫码上岗: the camera on the gate's code, the position, then the start. The first tap asks,
   * still inside the tap, for the pushes of duties due and missed, and the task reminders.
   */
  async startShift() {
    if (this.data.starting) return;
    await subscribe.askOnce(this, subscribe.PATROL_KEYS);
    const scan = await scanCheckpoint();
    if (scan.cancelled) return;
    if (scan.error) {
      await alert('没有识别到校门码', scan.error);
      return;
    }
    const startedAt = new Date().toISOString();
    this.setData({ starting: true });
    try {
      const located = await locateOrExplain();
      if (located.error) {
        await alert('无法获取位置', located.error.message);
        return;
      }
      const body = {
        client_uuid: await uuidV4(), token: scan.token, ...located.position, started_at: startedAt,
      };
      const answer = await api.call('guardShiftStart', { body });
      const current = { shift: answer.shift, handover: answer.handover, logs: [] };
      cache.save('guard_shift', current);
      this.show(current);
      wx.showToast({ title: '已上岗', icon: 'success' });
    } catch (err) {
      await alert('上岗失败', refusalText(err));
      if (err && err.code === 'shift_open') await this.load();
    } finally {
      this.setData({ starting: false });
    }
  },

  /** 记录情况. */
  openLog() {
    nav.open('/pages/guard/log');
  },

  /** 交班: the hand-over panel. */
  openEnd() {
    this.setData({ endOpen: true });
  },

  /** Close the hand-over panel, keeping what was typed. */
  cancelEnd() {
    this.setData({ endOpen: false });
  },

  /** The hand-over note as typed. */
  onNote(event) {
    this.setData({ handoverNote: event.detail.value || '' });
  },

  /** 确认交班: end the shift with the note, then show the page without a shift. */
  async confirmEnd() {
    const { shift, ending } = this.data;
    if (!shift || ending) return;
    const note = this.data.handoverNote.trim();
    this.setData({ ending: true });
    try {
      await api.call('guardShiftEnd', { params: { id: shift.id }, body: { handover_note: note || null } });
      this.setData({ endOpen: false, handoverNote: '' });
      wx.showToast({ title: '已交班', icon: 'success' });
      await this.load();
    } catch (err) {
      await alert('交班失败', refusalText(err));
      if (err && err.code === 'shift_ended') {
        this.setData({ endOpen: false });
        await this.load();
      }
    } finally {
      this.setData({ ending: false });
    }
  },

  /** A handled entry raised afterwards (上报隐患), after a confirmation. */
  async raiseLog(event) {
    const { id } = event.currentTarget.dataset;
    const answer = await modal({
      title: '上报为隐患',
      content: '这条情况将作为隐患上报给学校安全负责人，进入整改流程。确定上报吗？',
      confirmText: '上报',
    });
    if (!answer.confirm) return;
    try {
      await api.call('guardLogRaise', { params: { id } });
      wx.showToast({ title: '已上报隐患', icon: 'success' });
      await this.load();
    } catch (err) {
      await alert('上报失败', refusalText(err));
    }
  },

  /** 立即发送 / 重试 the waiting entries. */
  async sendQueued() {
    await guardOutbox.retryAll();
    return this.load();
  },

  /** Delete an entry that cannot be sent, after a red confirmation. */
  async removeQueued(event) {
    const { id } = event.currentTarget.dataset;
    const answer = await modal({
      title: '删除这条记录',
      content: '删除后这条情况不会发送。确定删除吗？',
      confirmText: '删除',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    guardOutbox.remove(id);
    this.setData({ queued: queuedRows() });
  },
});
