/**
 * The rectification plan form (POST /hazards/{id}/plan): five required fields, checked here as
 * the server checks them, with Chinese messages.
 */
const LIMITS = {
  responsiblePerson: [1, 50],
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
 * Check `{responsiblePerson, deadline, measures, funds, contingency}` on day `today`
 * (YYYY-MM-DD). Returns `{ok, errors, body}`; funds are sent as the typed string (exact decimals).
 */
function validatePlan(form, today = todayString()) {
  const values = {
    responsiblePerson: String(form.responsiblePerson || '').trim(),
    measures: String(form.measures || '').trim(),
    contingency: String(form.contingency || '').trim(),
    funds: String(form.funds === undefined || form.funds === null ? '' : form.funds).trim(),
    deadline: String(form.deadline || ''),
  };
  const errors = {};
  const person = textProblem(values.responsiblePerson, LIMITS.responsiblePerson, '整改责任人');
  if (person) errors.responsiblePerson = person;
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
    responsible_person: values.responsiblePerson,
    deadline: values.deadline,
    measures: values.measures,
    funds_yuan: values.funds,
    contingency: values.contingency,
  } : null;
  // The person picked from the school's staff (they may then start and fix the hazard).
  if (body && form.responsibleUserId) body.responsible_user_id = form.responsibleUserId;
  return { ok, errors, body };
}

// The server's validation_error details, keyed by request field (its texts are English).
const SERVER_FIELDS = {
  responsible_person: ['responsiblePerson', '整改责任人应为 1-50 个字'],
  responsible_user_id: ['responsiblePerson', '整改责任人须是本校的工作人员'],
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
 * The picker's choices from `GET /hazards/{id}/responsible-candidates`: first "not picked" (the
 * name is typed), then each person as "name · roles" (`name` is '' for someone without one).
 * `current` ({id, name}), the person a plan being revised names, is kept as a choice even when no
 * longer listed, so revising does not drop them unseen.
 */
function candidateChoices(people, current = null) {
  const choices = [{ id: null, name: '', label: '不从名单选择（直接填写）' }];
  (people || []).forEach((person) => {
    const name = person.display_name || '';
    const roles = (person.roles || []).join('、');
    choices.push({ id: person.id, name, label: `${name || '（未填姓名）'}${roles ? ` · ${roles}` : ''}` });
  });
  if (current && current.id && !choices.some((choice) => choice.id === current.id)) {
    choices.splice(1, 0, { id: current.id, name: current.name || '', label: `${current.name || '（未填姓名）'} · 当前责任人` });
  }
  return choices;
}

/** The index of the chosen person among the choices (0, "not picked", when absent). */
function choiceIndex(choices, userId) {
  if (!userId) return 0;
  const index = choices.findIndex((choice) => choice.id === userId);
  return index < 0 ? 0 : index;
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
