/**
 * A sent notice's completion at one unit (`?id=&unit_id=`; without unit_id the server starts at
 * the top of the user's scope): reached / read / acknowledged with the rates as percentages, and
 * the same per sub-unit or, for a school, per class. Counts only: a unit row drills down one level
 * per page (the back gesture goes up); a class row opens the class's parents only for its class
 * teacher or the school's own staff.
 */
const api = require('../../api/client');
const { messageIn } = require('../../api/messages');
const { completionView } = require('../../utils/notice-completion');

Page({
  data: {
    loading: true,
    error: '',
    unit: null,
    totals: null,
    rows: [],
    byClass: false,
  },

  onLoad(options) {
    this.id = Number(options && options.id);
    this.unitId = options && options.unit_id ? Number(options.unit_id) : null;
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

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
        this.setData({ loading: false, error: '', ...view });
      })
      .catch((err) => this.setData({ loading: false, error: messageIn('noticeIssued', err) }));
  },

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
