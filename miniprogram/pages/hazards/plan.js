/**
 * The rectification plan of a hazard (POST /hazards/{id}/plan): responsible person, deadline (not
 * before today), measures, funds and contingency plan — all five required, checked here first.
 * The responsible person is picked from the school's staff (GET .../responsible-candidates), never
 * typed: the pick is sent as `responsible_user_id`, the server stores that person's own name, and
 * they may then start and fix the hazard. The list is needed, so its failure is the page's error
 * (重试 loads both again), and a school without staff yet shows an empty state that sends the
 * admin to invite them first. Opened from the detail page; prefilled when revising a plan before
 * work starts, with its responsible person chosen when still listed.
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
    choiceIndex: -1,
    typedBefore: '',
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

  /** Load the hazard and the people who may be named (a plan cannot be made without them). */
  load() {
    this.setData({ ...loadingState(), today: todayString() });
    return Promise.all([
      api.call('hazard', { params: { id: this.id } }),
      api.call('hazardResponsibleCandidates', { params: { id: this.id } }),
    ])
      .then(([hazard, answer]) => {
        const form = planFormFrom(hazard.plan);
        // A revised plan may keep a deadline that has passed only by choosing a new one.
        if (form.deadline && form.deadline < this.data.today) form.deadline = '';
        const choices = candidateChoices(answer.people);
        const index = choiceIndex(choices, form.responsibleUserId);
        // Someone no longer listed (or a name typed before picking was required) is picked again.
        if (index < 0) form.responsibleUserId = null;
        this.setData({
          ...readyState(choices.length),
          title: hazardTitle(hazard),
          form,
          choices,
          choiceIndex: index,
          typedBefore: index < 0 ? form.responsiblePerson : '',
        });
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** A person picked: their id is sent (the server stores their own name). */
  onChoiceChange(event) {
    const index = Number(event.detail.value);
    const choice = this.data.choices[index];
    if (!choice) return;
    this.setData({
      choiceIndex: index,
      'form.responsibleUserId': choice.id,
      'form.responsiblePerson': choice.name,
      'errors.responsibleUserId': '',
    });
  },

  /** No staff to pick from yet: invite them first (they appear here once they join). */
  inviteStaff() {
    wx.navigateTo({ url: '/pages/invite/create' });
  },

  /** A typed field. */
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
