/**
 * Scheduled reminders of the units this admin manages: what goes out, to whom, when and when
 * next; edit one, delete one (with a confirmation), or write a new one.
 */
const api = require('../../api/client');
const { scheduleRow } = require('../../utils/schedules');
const { modal, alert } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    rows: [],
  },

  /** Every time the page shows (back from writing one): the list as it is now. */
  onShow() {
    return this.load();
  },

  /** The error's 重试. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** Pull down: load again. */
  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** The schedules, their audiences named with the roles list. */
  load() {
    return Promise.all([api.call('schedules'), api.call('roles')])
      .then(([res, roles]) => {
        const names = {};
        roles.roles.forEach((role) => { names[role.code] = role.name; });
        const rows = res.schedules.map((s) => scheduleRow(s, names));
        this.setData({ ...readyState(rows.length), rows });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** 新建提醒. */
  create() {
    wx.navigateTo({ url: '/pages/schedules/edit' });
  },

  /** 修改: the form, prefilled with this reminder. */
  edit(event) {
    wx.navigateTo({ url: `/pages/schedules/edit?id=${event.currentTarget.dataset.id}` });
  },

  /** Delete one, confirmed in red. */
  async remove(event) {
    const { id, name } = event.currentTarget.dataset;
    const answer = await modal({
      title: '删除定时提醒',
      content: `删除“${name}”后将不再发送。确定删除吗？`,
      confirmText: '删除',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    try {
      await api.call('scheduleDelete', { params: { id } });
      wx.showToast({ title: '已删除', icon: 'success' });
      await this.load();
    } catch (err) {
      await alert('删除没有成功', err.message);
    }
  },
});
