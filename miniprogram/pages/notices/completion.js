/**
 * A sent notice's completion at one unit (`?id=&unit_id=`; without unit_id the server starts at
 * the top of the user's scope): reached / read / acknowledged with the rates as percentages, and
 * the same per sub-unit or, for a school, per class. Counts only: a unit row drills down one level
 * per page (the back gesture goes up); a class row opens the class's parents only for its class
 * teacher or the school's own staff. A unit or class the notice reached nobody in reads
 * "未送达", not 0/0.
 */
const api = require('../../api/client');
const { messageIn } = require('../../api/messages');
const { completionView } = require('../../utils/notice-completion');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    ...loadingState(),
    noticeTitle: '',
    unit: null,
    totals: null,
    rows: [],
    byClass: false,
  },

  /** `?id=` the notice, `&unit_id=` the unit (else the top of the user's scope). */
  onLoad(options) {
    this.id = Number(options && options.id);
    this.unitId = options && options.unit_id ? Number(options.unit_id) : null;
    return this.load();
  },

  /** Pulled down: the counts again. */
  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** 重试 after an error. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** The unit's counts and its breakdown. */
  load() {
    const app = getApp();
    const query = this.unitId ? { unit_id: this.unitId } : {};
    return Promise.all([
      Promise.resolve(app.ready).then(() => app.getMe()),
      api.call('noticeCompletion', { params: { id: this.id }, query }),
    ])
      .then(([me, res]) => {
        const view = completionView(res, me.grants);
        if (view.unit.name) wx.setNavigationBarTitle({ title: view.unit.name });
        this.setData({ ...readyState(1), noticeTitle: (res.notice && res.notice.title) || '', ...view });
      })
      .catch((err) => this.setData({ ...errorState(err), error: messageIn('noticeIssued', err) }));
  },

  /** A tap on a row: one level down, or a class's pending parents. */
  openRow(event) {
    const { kind } = event.currentTarget.dataset;
    const row = this.data.rows.find((r) => r.kind === kind && r.id === Number(event.currentTarget.dataset.id));
    if (!row || !row.canOpen) return;
    const url = row.kind === 'class'
      ? `/pages/notices/class?id=${this.id}&class_id=${row.id}`
      : `/pages/notices/completion?id=${this.id}&unit_id=${row.id}`;
    wx.navigateTo({ url });
  },
});
