/**
 * The rectification plan of a hazard (POST /hazards/{id}/plan): responsible person, deadline (not
 * before today), measures, funds and contingency plan — all five required, checked here first.
 * Opened from the detail page; prefilled when revising a plan before work starts.
 */
const api = require('../../api/client');
const { validatePlan, planErrorsFromApi, planFormFrom, todayString } = require('../../utils/plan-form');
const { markChanged } = require('../../utils/hazards');
const { tryPosition } = require('../../utils/location');

Page({
  data: {
    loading: true,
    loadError: '',
    title: '',
    today: todayString(),
    form: planFormFrom(null),
    errors: {},
    formError: '',
    submitting: false,
  },

  onLoad(options) {
    this.id = Number(options && options.id);
    this.setData({ today: todayString() });
    return api.call('hazard', { params: { id: this.id } })
      .then((hazard) => {
        const form = planFormFrom(hazard.plan);
        // A revised plan may keep a deadline that has passed only by choosing a new one.
        if (form.deadline && form.deadline < this.data.today) form.deadline = '';
        this.setData({ loading: false, title: `#${hazard.id} ${hazard.focus_problem.name}`, form });
      })
      .catch((err) => this.setData({ loading: false, loadError: err.message }));
  },

  onFieldChange(event) {
    const { field } = event.currentTarget.dataset;
    this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
  },

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
