/**
 * A school's year-end evaluation (figures.view at the school; `?id=&year=`): its score, its ranks
 * in the district and its center school, each criterion with its measure and the lines that cost
 * it points (a hazard's line opens the hazard; the console's other evidence is just text), and
 * the hand items. Holders of evaluation.score score a hand item in a dialog (a stepper 0..points
 * in steps of 0.5, a note): PUT /evaluation/schools/{id}/items/{code}, then the school again.
 */
const api = require('../../api/client');
const { open } = require('../../utils/nav');
const { alert } = require('../../utils/wxp');
const {
  NOTE_MAX, STEP, schoolView, scoreRule, scoreBody,
} = require('../../utils/evaluation');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const { eventValue } = require('../../utils/event-value');

const NO_EDITOR = {
  show: false, code: '', name: '', points: 0, score: 0, note: '', error: '', sending: false,
};

Page({
  data: {
    ...loadingState(),
    view: null,
    mayScore: false,
    noteMax: NOTE_MAX,
    step: STEP,
    editor: NO_EDITOR,
  },

  /** The school and year opened; whether the caller scores hand items; then the evaluation. */
  async onLoad(options = {}) {
    this.schoolId = Number(options.id);
    this.year = Number(options.year) || null;
    const me = await getApp().getMe().catch(() => null);
    // /me's capabilities are those of all one's roles; the server still checks the school, and
    // a refusal hides the editor (see save()).
    this.setData({ mayScore: ((me && me.capabilities) || []).includes('evaluation.score') });
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

  /** GET /evaluation/schools/{id} (the year opened, else the server's current year). */
  load() {
    if (!Number.isInteger(this.schoolId) || this.schoolId <= 0) {
      this.setData({ ...readyState(0), view: null });
      return Promise.resolve();
    }
    const query = this.year ? { year: this.year } : {};
    return api.call('evaluationSchool', { params: { id: this.schoolId }, query })
      .then((answer) => {
        const view = schoolView(answer);
        this.year = answer.year || this.year;
        if (view.school) wx.setNavigationBarTitle({ title: view.school });
        this.setData({ ...readyState(view.criteria.length), view });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** A line with a hazard: the hazard's page. */
  openLine(event) {
    open(event.currentTarget.dataset.url);
  },

  /** 评分 / 修改评分: the dialog for a hand item, with its current score and note. */
  edit(event) {
    const { code } = event.currentTarget.dataset;
    const item = ((this.data.view && this.data.view.criteria) || []).find((c) => c.code === code && c.hand);
    if (!item || !this.data.mayScore) return;
    const state = item.handState || {};
    this.setData({
      editor: {
        ...NO_EDITOR,
        show: true,
        code,
        name: item.name,
        points: item.pointsValue,
        score: state.scored ? Number(state.score) : 0,
        note: state.note,
      },
    });
  },

  /** The stepper's value (typed or stepped). */
  onScore(event) {
    const value = eventValue(event);
    this.setData({ 'editor.score': value, 'editor.error': '' });
  },

  /** The note typed. */
  onNote(event) {
    const value = eventValue(event);
    this.setData({ 'editor.note': value, 'editor.error': '' });
  },

  /** 取消. */
  cancel() {
    this.setData({ editor: NO_EDITOR });
  },

  /** 保存: check, PUT the score, then the school again; a refusal is said and the editor goes. */
  async save() {
    const { editor } = this.data;
    if (editor.sending) return;
    const check = scoreBody(this.year, editor.score, editor.note, editor.points);
    if (!check.ok) {
      this.setData({ 'editor.error': check.error });
      return;
    }
    this.setData({ 'editor.sending': true });
    try {
      await api.call('scoreEvaluationItem', { params: { id: this.schoolId, code: editor.code }, body: check.body });
      this.setData({ editor: NO_EDITOR });
      wx.showToast({ title: '已保存评分', icon: 'success' });
      await this.load();
    } catch (err) {
      this.setData({ 'editor.sending': false });
      if (err.status === 422) {
        this.setData({ 'editor.error': scoreRule(editor.points) });
      } else if (err.status === 403) {
        this.setData({ editor: NO_EDITOR, mayScore: false });
        await alert('没有保存评分', '你没有为这所学校评分的权限');
      } else {
        await alert('没有保存评分', err.message);
      }
    }
  },
});
