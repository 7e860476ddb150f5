/**
 * 今日校车 (bus inspectors and the school's safety officer): today's board of a school — the
 * counts (已放行 / 不合格 / 待检查 / 漏检), then each bus with its document alerts and its trips,
 * each trip's state, inspector and time, and the failed items with their hazards. 扫码检查 (for
 * those who inspect) scans the sticker inside the bus and opens the round. `?school_id=` (a
 * bus_failed push) opens that school. Offline, the last board seen shows under the stale banner.
 */
const api = require('../../api/client');
const cache = require('../../utils/cache');
const nav = require('../../utils/nav');
const subscribe = require('../../utils/subscribe');
const { schoolsFor } = require('../../utils/patrol-admin');
const { scanAndOpen } = require('../../utils/patrol-scan');
const { boardView } = require('../../utils/buses');
const { alert } = require('../../utils/wxp');
const { loadingState, errorState } = require('../../utils/page-state');

const FAILED_KEYS = ['bus_failed'];
const NO_BUS = '这所学校还没有登记校车';
const NO_SCHOOL = '你没有在学校任职，没有要检查的校车';

Page({
  data: {
    ...loadingState(),
    savedAt: '',
    schools: [],
    schoolIndex: 0,
    emptyText: NO_BUS,
    dayText: '',
    counts: [],
    buses: [],
    mayInspect: false,
    mayManage: false,
    push: '', // bus_failed pushes: utils/subscribe.js summary() ('' when they do not reach this person)
    subscribing: false,
  },

  /** The school asked for by a push (`?school_id=`), kept until the schools are known. */
  onLoad(query = {}) {
    this.wantedId = Number(query.school_id) || null;
  },

  /** Each time it shows (back from an inspection): the board as it is now. */
  onShow() {
    subscribe.prepare().then(() => this.setData({ push: subscribe.summary(FAILED_KEYS) }));
    return this.load();
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

  /** The schools (once), then the chosen school's board (or the copy on the phone). */
  async load() {
    try {
      if (!this.data.schools.length) await this.loadSchools();
      const school = this.data.schools[this.data.schoolIndex];
      if (!school) {
        this.setData({ state: 'empty', error: '', offline: false, buses: [], counts: [], emptyText: NO_SCHOOL });
        return;
      }
      const { value, savedAt } = await cache.fetch('bus_board', () => api.call('busBoard', { query: { school_id: school.id } }));
      if (savedAt && !(value.school && value.school.id === school.id)) {
        // The copy on the phone is another school's board: nothing of this school to show.
        throw Object.assign(new Error('网络不可用，这所学校的校车还没有在这台手机上打开过'), { code: 'network_error' });
      }
      const view = boardView(value);
      this.setData({
        state: view.buses.length ? '' : 'empty',
        emptyText: NO_BUS,
        error: '',
        offline: false,
        savedAt: savedAt || '',
        dayText: view.dayText,
        counts: view.counts,
        buses: view.buses,
      });
    } catch (err) {
      this.setData(errorState(err));
    }
  },

  /** The caller's schools, the one from the link first chosen, and what they may do there. */
  async loadSchools() {
    const me = await getApp().getMe();
    const schools = await schoolsFor(me);
    const wanted = schools.findIndex((s) => s.id === this.wantedId);
    const capabilities = (me && me.capabilities) || [];
    this.setData({
      schools,
      schoolIndex: wanted >= 0 ? wanted : 0,
      mayInspect: capabilities.includes('patrol.do'),
      mayManage: capabilities.includes('bus.manage'),
    });
  },

  /** Another school from the picker. */
  pickSchool(event) {
    this.setData({ schoolIndex: Number(event.detail.value), ...loadingState(), savedAt: '' });
    return this.load();
  },

  /**
   * 扫码检查: the sticker inside the bus, then its checklist (the round page). The first tap asks,
   * still inside the tap, for the bus pushes (failed inspections, trips due and missed).
   */
  scan() {
    return scanAndOpen(this, subscribe.BUS_KEYS);
  },

  /** 开启不合格提醒 (a tap: WeChat is asked before anything is awaited). */
  subscribeFailed() {
    if (this.data.subscribing) return Promise.resolve();
    const asking = subscribe.request(subscribe.BUS_KEYS);
    this.setData({ subscribing: true });
    return asking.then((outcome) => {
      this.setData({ subscribing: false });
      outcome.reported.then(() => this.setData({ push: subscribe.summary(FAILED_KEYS) }));
      if (!outcome.supported) return alert('无法开启提醒', '当前微信版本不支持订阅消息，请升级微信后再试。');
      if (!outcome.ready) wx.showToast({ title: '正在准备，请稍后再点一次', icon: 'none' });
      else if (outcome.accepted) wx.showToast({ title: '已开启不合格提醒', icon: 'success' });
      else if (outcome.asked.length) wx.showToast({ title: '没有开启提醒，可在右上角“…”→设置中修改', icon: 'none' });
      return null;
    });
  },

  /** A failed item's hazard, or a trip's round. */
  open(event) {
    const { url } = event.currentTarget.dataset;
    if (url) nav.open(url);
  },

  /** 校车登记 (from the empty board, for those who keep the buses). */
  openRegistry() {
    const school = this.data.schools[this.data.schoolIndex];
    nav.open(school ? `/pages/bus/index?school_id=${school.id}` : '/pages/bus/index');
  },
});
