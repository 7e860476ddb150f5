/**
 * The class teacher and the school's safety officer: which notice (its title on top, from the
 * answer's `notice`), and the class's children whose notice no guardian has acknowledged yet, one row each with its guardians (a child counts once, whichever
 * guardian acknowledges), and "一键提醒未确认家长" — at most once a day per class, so the button
 * reads "今日已提醒" once it has been used (here or by a colleague). The button sits in the bar
 * at the bottom.
 */
const api = require('../../api/client');
const { messageIn } = require('../../api/messages');
const { tagType } = require('../../utils/tone');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const { modal, alert } = require('../../utils/wxp');

/** "母亲（李女士）、父亲" for a child's guardians. */
function guardiansText(guardians) {
  return (guardians || [])
    .map((g) => `${g.relation_name || ''}${g.parent_name ? `（${g.parent_name}）` : ''}`)
    .join('、');
}

/** A child still to be confirmed, with its tag (未读 / 已读未确认, colour from utils/tone.js). */
function pendingRow(row, index) {
  return {
    key: index,
    childName: row.child_name,
    guardians: guardiansText(row.guardians),
    readText: row.read ? '已读未确认' : '未读',
    readType: tagType('noticeChild', row.read ? 'read' : 'unread'),
    read: Boolean(row.read),
  };
}

Page({
  data: {
    ...loadingState(),
    noticeTitle: '',
    className: '',
    rows: [],
    unreadCount: 0,
    remindedToday: false,
    reminding: false,
    remindedCount: null,
  },

  /** `?id=` the notice, `&class_id=` the class. */
  onLoad(options) {
    this.id = Number(options && options.id);
    this.classId = Number(options && options.class_id);
    return this.load();
  },

  /** Pulled down: the list again. */
  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** 重试 after an error. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** The class's pending children; an older server sends no `notice` (no title shown then). */
  load() {
    return api.call('noticeClassPending', { params: { id: this.id, class_id: this.classId } })
      .then((res) => {
        const rows = (res.pending || []).map(pendingRow);
        const className = (res.class && res.class.name) || '';
        if (className) wx.setNavigationBarTitle({ title: `${className} 未确认` });
        this.setData({
          ...readyState(1),
          noticeTitle: (res.notice && res.notice.title) || '',
          className,
          rows,
          unreadCount: rows.filter((r) => !r.read).length,
          remindedToday: Boolean(res.reminded_today),
        });
      })
      .catch((err) => this.setData({ ...errorState(err), error: messageIn('noticeClass', err) }));
  },

  /** One reminder to every parent here; asks first, sends once however often it is tapped. */
  async remind() {
    const { remindedToday, rows } = this.data;
    if (this.busy || remindedToday || !rows.length) return;
    this.busy = true;
    this.setData({ reminding: true });
    try {
      const answer = await modal({
        title: '提醒家长',
        content: '将通过微信提醒名单中的家长阅读并确认通知。每个班级每天只能提醒一次，确定提醒吗？',
        confirmText: '提醒',
      });
      if (!answer.confirm) return;
      const res = await api.call('noticeClassRemind', { params: { id: this.id, class_id: this.classId } });
      this.setData({ remindedToday: true, remindedCount: res.reminded });
      wx.showToast({ title: `已提醒 ${res.reminded} 位家长`, icon: 'success' });
    } catch (err) {
      if (err.code === 'already_reminded_today') this.setData({ remindedToday: true });
      await alert('提醒没有发送', messageIn('noticeClass', err));
    } finally {
      this.busy = false;
      this.setData({ reminding: false });
    }
  },
});
