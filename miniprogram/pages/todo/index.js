/**
 * 待办: what this person must do now (GET /todo, utils/todo.js), in groups with their counts:
 * 已逾期, 待验收, 待整改, 待制定方案, 待分类, 待确认的家长通知 (empty groups hidden). Each row opens
 * the page where the action is; "查看全部 N 条" opens the filtered list. The saved answer shows at
 * once; when the network fails it stays, with the stale banner. Pull down to refresh. The 待办 tab
 * badge follows the total (set by utils/todo.js through the app).
 */
const todo = require('../../utils/todo');
const nav = require('../../utils/nav');
const subscribe = require('../../utils/subscribe');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    savedAt: '',
    total: 0,
    sections: [],
  },

  onLoad() {
    const saved = todo.cached();
    if (saved) this.show(saved.value, '');
  },

  /** Each showing asks afresh at its first tap (a grant may have been used up meanwhile). */
  onShow() {
    this.pushAsked = null;
    subscribe.prepare(); // so that an entry's tap can ask for the pushes inside the tap
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** Show an answer; `savedAt` set when it is the copy kept on the phone. */
  show(answer, savedAt) {
    const sections = todo.sectionsOf(answer);
    this.setData({ ...readyState(sections.length), savedAt: savedAt || '', total: todo.totalOf(answer), sections });
  },

  load() {
    if (!this.data.sections.length && this.data.state !== '') this.setData(loadingState());
    return todo.load()
      .then(({ value, savedAt }) => this.show(value, savedAt))
      .catch((err) => {
        // A saved to-do already on screen stays; otherwise say what happened.
        if (this.data.state === 'loading' || this.data.state === 'error') this.setData(errorState(err));
        else wx.showToast({ title: err.message, icon: 'none' });
      });
  },

  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /**
   * An entry (or 查看全部) opens its page. The first tap asks, inside the tap, for the pushes of
   * what awaits this person: new reports, fixes to sign off, overdue hazards (only those that
   * reach them).
   */
  open(event) {
    subscribe.askOnce(this, subscribe.AWAITING_KEYS);
    nav.open(event.currentTarget.dataset.url);
  },
});
