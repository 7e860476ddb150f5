/**
 * Scheduled reminders of the units this admin manages: what goes out, to whom, when and when
 * next; delete one (with a confirmation), or write a new one.
 */
const api = require('../../api/client');
const { scheduleRow } = require('../../utils/schedules');
const { modal, alert } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');

Page({
  data: {
    loading: true,
    error: '',
    rows: [],
  },

  onShow() {
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  load() {
    return Promise.all([api.call('schedules'), api.call('roles')])
      .then(([res, roles]) => {
        const names = {};
        roles.roles.forEach((role) => { names[role.code] = role.name; });
        this.setData({ loading: false, error: '', rows: res.schedules.map((s) => scheduleRow(s, names)) });
      })
      .catch((err) => this.setData({ loading: false, error: err.message }));
  },

  create() {
    wx.navigateTo({ url: '/pages/schedules/edit' });
  },

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
