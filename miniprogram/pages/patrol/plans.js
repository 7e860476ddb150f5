/**
 * 巡查计划 (patrol.plan): a school's plans — which checkpoints, which checklist, who (a role or a
 * person), how often, the window, a season, the reminder — with a simple form to make or change
 * one, and 停用 (confirmed in red; the plan's history stays).
 */
const api = require('../../api/client');
const { schoolPage } = require('../../utils/school-page');
const {
  RECURRENCES, WEEKDAYS, templateChoices, planRow, validatePlan,
} = require('../../utils/patrol-admin');
const { alert, modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

const SCHOOL_KINDS = ['school', 'kindergarten'];

const EMPTY_FORM = {
  open: false, id: null, name: '', templateCode: '', checkpointIds: [], assignee: 'role', role: '', userId: '',
  recurrence: 'school_days', weekdays: [], windowStart: '07:30', windowEnd: '08:30', seasonOn: false,
  seasonStart: '', seasonEnd: '', remindMinutes: 30, escalateAfter: 2, errors: {}, saving: false,
};

/** The form filled from a plan being changed. */
function formOf(plan) {
  const ids = plan.checkpoint_ids || (plan.checkpoints || []).map((c) => c.id);
  const person = plan.assignee || plan.assignee_user;
  return {
    ...EMPTY_FORM,
    open: true,
    id: plan.id,
    name: plan.name,
    templateCode: plan.template_code,
    checkpointIds: ids.map(String),
    assignee: plan.assignee_user_id || person ? 'person' : 'role',
    role: plan.assignee_role || '',
    userId: String(plan.assignee_user_id || (person && person.id) || ''),
    recurrence: plan.recurrence,
    weekdays: (plan.weekdays || []).map(String),
    windowStart: plan.window_start,
    windowEnd: plan.window_end,
    seasonOn: Boolean(plan.season_start),
    seasonStart: plan.season_start || '',
    seasonEnd: plan.season_end || '',
    remindMinutes: plan.remind_minutes_before,
    escalateAfter: plan.escalate_after_misses,
  };
}

Page({
  ...schoolPage(),

  data: {
    ...loadingState(),
    schools: [],
    schoolIndex: 0,
    rows: [],
    templates: [],
    checkpoints: [],
    roles: [],
    people: [],
    recurrences: RECURRENCES,
    weekdayChoices: WEEKDAYS,
    form: EMPTY_FORM,
  },

  /** The schools, then the first school's plans. */
  onLoad() {
    return this.load();
  },

  // A change of school closes the form.
  resetOnSchoolChange: { form: EMPTY_FORM },

  /** The plans with what the form chooses from: checklists, checkpoints, roles, people. */
  async load() {
    try {
      const school = await this.chosenSchool();
      if (!school) return;
      const query = { school_id: school.id };
      const [plans, checklists, checkpoints, roles] = await Promise.all([
        api.call('patrolPlans', { query }),
        api.call('checklists', { query }),
        api.call('checkpoints', { query }),
        api.call('roles'),
      ]);
      // The people are optional: without staff.manage a plan names a role.
      const staff = await api.call('unitStaff', { params: { id: school.id } }).catch(() => ({ staff: [] }));
      const templates = templateChoices(checklists);
      const cps = (checkpoints.checkpoints || []).filter((c) => c.active !== false).map((c) => ({ id: c.id, name: c.name }));
      const schoolRoles = (roles.roles || []).filter((r) => (r.unit_kinds || []).some((k) => SCHOOL_KINDS.includes(k)));
      const roleNames = {};
      schoolRoles.forEach((r) => { roleNames[r.code] = r.name; });
      this.plans = plans.plans || [];
      const rows = this.plans.map((p) => planRow(p, { templates, roles: roleNames, checkpoints: cps }));
      this.setData({
        ...readyState(rows.length),
        rows,
        templates,
        checkpoints: cps,
        roles: schoolRoles.map((r) => ({ code: r.code, name: r.name })),
        people: (staff.staff || []).filter((p) => p.active !== false).map((p) => ({ id: String(p.id), name: p.display_name || `用户${p.id}` })),
      });
    } catch (err) {
      this.setData(errorState(err));
    }
  },

  /** 新建计划. */
  openForm() {
    const only = this.data.templates.length === 1 ? this.data.templates[0].code : '';
    this.setData({ form: { ...EMPTY_FORM, open: true, templateCode: only } });
  },

  /** 修改 a plan. */
  editPlan(event) {
    const plan = this.plans.find((p) => p.id === Number(event.currentTarget.dataset.id));
    if (plan) this.setData({ form: formOf(plan) });
  },

  /** 取消. */
  closeForm() {
    this.setData({ form: EMPTY_FORM });
  },

  /** Any field: `data-field` names it; the value is the event's. */
  setField(event) {
    const { field } = event.currentTarget.dataset;
    const { detail } = event;
    const value = detail && typeof detail === 'object' && !Array.isArray(detail) ? detail.value : detail;
    this.setData({ [`form.${field}`]: value });
  },

  /** 保存: POST a new plan or PATCH the one being changed. */
  async save() {
    const { form } = this.data;
    const check = validatePlan({ ...form, schoolId: this.school().id });
    this.setData({ 'form.errors': check.errors });
    if (!check.ok) return;
    this.setData({ 'form.saving': true });
    try {
      if (form.id) {
        // The school of a plan does not change: PATCH takes the rest.
        const body = { ...check.body };
        delete body.school_id;
        await api.call('patrolPlanUpdate', { params: { id: form.id }, body });
      } else {
        await api.call('patrolPlanCreate', { body: check.body });
      }
      wx.showToast({ title: '计划已保存', icon: 'success' });
      this.setData({ form: EMPTY_FORM });
      await this.load();
    } catch (err) {
      this.setData({ 'form.saving': false });
      await alert('没有保存成功', err.message);
    }
  },

  /** 停用 a plan, confirmed in red. */
  async removePlan(event) {
    const { id, name } = event.currentTarget.dataset;
    const answer = await modal({
      title: '停用巡查计划',
      content: `停用后“${name}”不再安排巡查，已有记录保留。确定停用吗？`,
      confirmText: '停用',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    try {
      await api.call('patrolPlanDelete', { params: { id } });
      await this.load();
    } catch (err) {
      await alert('没有停用成功', err.message);
    }
  },
});
