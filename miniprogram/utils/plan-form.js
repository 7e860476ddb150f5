/**
 * The rectification plan form (POST /hazards/{id}/plan): five required fields, checked here as
 * the server checks them, with Chinese messages. The responsible person is picked from the
 * school's staff (sent as `responsible_user_id`; the server stores that person's own name).
 */
const LIMITS = {
  measures: [2, 2000],
  contingency: [2, 2000],
};
const FUNDS_MAX = 100000000;
const FUNDS_PATTERN = /^\d+(\.\d{1,2})?$/;

const pad = (n) => String(n).padStart(2, '0');

/** The phone's local date as YYYY-MM-DD (the picker's `start`: no date before today). */
function todayString(now = new Date()) {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const length = (text) => Array.from(text).length;

/** A funds amount as typed -> the problem in Chinese, or '' when it is a valid amount. */
function fundsProblem(text) {
  const value = String(text === undefined || text === null ? '' : text).trim();
  if (!value) return '请填写整改资金（没有可填 0）';
  if (!FUNDS_PATTERN.test(value)) {
    return value.startsWith('-') ? '整改资金不能为负数' : '整改资金应为金额，最多两位小数';
  }
  if (Number(value) > FUNDS_MAX) return '整改资金不能超过 1 亿元';
  return '';
}

function textProblem(value, [min, max], name) {
  if (!value) return `请填写${name}`;
  if (length(value) < min || length(value) > max) return `${name}应为 ${min}-${max} 个字`;
  return '';
}

/**
 * Check `{responsibleUserId, deadline, measures, funds, contingency}` on day `today`
 * (YYYY-MM-DD). Returns `{ok, errors, body}`; funds are sent as the typed string (exact decimals).
 */
function validatePlan(form, today = todayString()) {
  const values = {
    measures: String(form.measures || '').trim(),
    contingency: String(form.contingency || '').trim(),
    funds: String(form.funds === undefined || form.funds === null ? '' : form.funds).trim(),
    deadline: String(form.deadline || ''),
  };
  const errors = {};
  if (!form.responsibleUserId) errors.responsibleUserId = '请从本校人员中选择整改责任人';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.deadline)) errors.deadline = '请选择整改期限';
  else if (values.deadline < today) errors.deadline = '整改期限不能早于今天';
  const measures = textProblem(values.measures, LIMITS.measures, '整改措施');
  if (measures) errors.measures = measures;
  const funds = fundsProblem(values.funds);
  if (funds) errors.funds = funds;
  const contingency = textProblem(values.contingency, LIMITS.contingency, '应急预案');
  if (contingency) errors.contingency = contingency;

  const ok = Object.keys(errors).length === 0;
  const body = ok ? {
    responsible_user_id: form.responsibleUserId,
    deadline: values.deadline,
    measures: values.measures,
    funds_yuan: values.funds,
    contingency: values.contingency,
  } : null;
  return { ok, errors, body };
}

// The server's validation_error details, keyed by request field (its texts are English).
const SERVER_FIELDS = {
  responsible_user_id: ['responsibleUserId', '整改责任人须是本校在岗人员，请重新选择'],
  deadline: ['deadline', '整改期限不能早于今天'],
  measures: ['measures', '整改措施应为 2-2000 个字'],
  funds_yuan: ['funds', '整改资金应为不小于 0 的金额，最多两位小数'],
  contingency: ['contingency', '应急预案应为 2-2000 个字'],
};

/** Field errors for a 422 of the plan endpoint. */
function planErrorsFromApi(err) {
  const errors = {};
  if (err && err.code === 'validation_error' && err.details && typeof err.details === 'object') {
    Object.keys(err.details).forEach((field) => {
      const known = SERVER_FIELDS[field];
      if (known) errors[known[0]] = known[1];
    });
  }
  return errors;
}

/** The form prefilled from a hazard's plan (revising a plan before work starts). */
function planFormFrom(plan) {
  const p = plan || {};
  return {
    responsiblePerson: p.responsible_person || '',
    responsibleUserId: p.responsible_user_id || null,
    deadline: p.deadline || '',
    measures: p.measures || '',
    funds: p.funds_yuan === null || p.funds_yuan === undefined ? '' : String(p.funds_yuan),
    contingency: p.contingency || '',
  };
}

/**
 * The picker's choices from `GET /hazards/{id}/responsible-candidates`: each person as
 * "name · roles" (someone who joined without a name shows as such). Only listed people can be
 * named, so a plan being revised whose person is no longer listed has to pick again.
 */
function candidateChoices(people) {
  return (people || []).map((person) => {
    const name = person.display_name || '';
    const roles = (person.roles || []).join('、');
    return { id: person.id, name, label: `${name || '（未填姓名）'}${roles ? ` · ${roles}` : ''}` };
  });
}

/** The index of the chosen person among the choices (-1, nobody picked yet, when absent). */
function choiceIndex(choices, userId) {
  if (!userId) return -1;
  return choices.findIndex((choice) => choice.id === userId);
}

module.exports = {
  FUNDS_MAX,
  todayString,
  fundsProblem,
  validatePlan,
  planErrorsFromApi,
  planFormFrom,
  candidateChoices,
  choiceIndex,
};
