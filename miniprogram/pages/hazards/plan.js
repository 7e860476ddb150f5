/**
 * The rectification plan of a hazard (POST /hazards/{id}/plan): responsible person, deadline (not
 * before today), measures, funds and contingency plan — all five required, checked here first.
 * The responsible person is picked from the school's staff (GET .../responsible-candidates): the
 * pick is sent as `responsible_user_id`, so that person may start and fix the hazard, and fills
 * in the name, which stays editable (a title such as "后勤主任 王强"). When the list cannot be
 * loaded the name is typed, as before. Opened from the detail page; prefilled when revising a
 * plan before work starts, with its responsible person chosen.
 */
const api = require('../../api/client');
const {
  validatePlan, planErrorsFromApi, planFormFrom, todayString, candidateChoices, choiceIndex,
} = require('../../utils/plan-form');
const { markChanged, hazardTitle } = require('../../utils/hazards');
const { tryPosition } = require('../../utils/location');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    title: '',
    today: todayString(),
    form: planFormFrom(null),
    choices: [],
    choiceIndex: 0,
    choicesNote: '',
    errors: {},
    formError: '',
    submitting: false,
  },

  /** Open the plan of hazard `id`. */
  onLoad(options) {
    this.id = Number(options && options.id);
    return this.load();
  },

  /** The error's 重试. */
  retry() {
    return this.load();
  },

  /** Load the hazard and, alongside, the people who may be named; the list may fail alone. */
  load() {
    this.setData({ ...loadingState(), today: todayString() });
    const people = api.call('hazardResponsibleCandidates', { params: { id: this.id } })
      .then((answer) => answer.people)
      .catch(() => null);
    return Promise.all([api.call('hazard', { params: { id: this.id } }), people])
      .then(([hazard, listed]) => {
        const form = planFormFrom(hazard.plan);
        // A revised plan may keep a deadline that has passed only by choosing a new one.
        if (form.deadline && form.deadline < this.data.today) form.deadline = '';
        const choices = listed && listed.length
          ? candidateChoices(listed, { id: form.responsibleUserId, name: form.responsiblePerson })
          : [];
        let choicesNote = '';
        if (!listed) choicesNote = '未能载入本校人员名单，请直接填写责任人姓名和职务。';
        else if (!listed.length) choicesNote = '本校暂无可选人员，请直接填写责任人姓名和职务。';
        this.setData({
          ...readyState(1),
          title: hazardTitle(hazard),
          form,
          choices,
          choiceIndex: choiceIndex(choices, form.responsibleUserId),
          choicesNote,
        });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** A person picked: their id is sent, their name fills the (still editable) name field. */
  onChoiceChange(event) {
    const index = Number(event.detail.value);
    const choice = this.data.choices[index];
    if (!choice) return;
    const changes = { choiceIndex: index, 'form.responsibleUserId': choice.id, 'errors.responsiblePerson': '' };
    if (choice.id && choice.name) changes['form.responsiblePerson'] = choice.name;
    this.setData(changes);
  },

  /** A typed field (the name stays editable after a pick; the pick is kept). */
  onFieldChange(event) {
    const { field } = event.currentTarget.dataset;
    this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
  },

  /** The deadline picked (the picker starts today). */
  onDeadlineChange(event) {
    this.setData({ 'form.deadline': event.detail.value, 'errors.deadline': '' });
  },

  /** Check, then send with the phone's position when there is one (kept in the history). */
  submit() {
    if (this.data.submitting) return Promise.resolve();
    const { ok, errors, body } = validatePlan(this.data.form, todayString());
    this.setData({ errors, formError: '' });
    if (!ok) return Promise.resolve();
    this.setData({ submitting: true });
    return tryPosition()
      .then((position) => api.call('hazardPlan', {
        params: { id: this.id },
        body: { ...body, position: position || undefined },
      }))
      .then(() => {
        markChanged();
        this.setData({ submitting: false });
        wx.showToast({ title: '整改方案已保存', icon: 'success' });
        wx.navigateBack();
      })
      .catch((err) => this.setData({
        submitting: false,
        errors: planErrorsFromApi(err),
        formError: err.message,
      }));
  },
});
