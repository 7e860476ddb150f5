/** Binding a parent to a child: the form's options and its checks (mirrors the server's rules). */
const { cleanCode, classCodeProblem } = require('./codes');
const { tagType } = require('./tone');
const { nameProblem } = require('./profile');

const RELATIONS = [
  { value: 'father', label: '父亲' },
  { value: 'mother', label: '母亲' },
  { value: 'guardian', label: '其他监护人' },
];
const NAME_MIN = 2;
const NAME_MAX = 20;

/**
 * Check the bind form `{parentName, classCode, childName, relation, familyCode}`: the parent's
 * own name is required (the class teacher sees who asks; the server requires it from people
 * without one).
 * Returns `{ok, body, errors}`: `body` is the request body when ok, `errors` maps each bad form
 * field to Chinese text.
 */
function validateBindForm(form) {
  const parentName = String(form.parentName || '').trim();
  const classCode = cleanCode(form.classCode);
  const childName = String(form.childName || '').trim();
  const nameLength = Array.from(childName).length;
  const errors = {};

  const parentProblem = nameProblem(parentName);
  if (parentProblem) errors.parentName = parentProblem;
  const codeProblem = classCodeProblem(classCode);
  if (codeProblem) errors.classCode = codeProblem;
  if (!childName) errors.childName = '请输入孩子的姓名';
  else if (nameLength < NAME_MIN || nameLength > NAME_MAX) errors.childName = `姓名应为 ${NAME_MIN}-${NAME_MAX} 个字`;
  if (!RELATIONS.some((r) => r.value === form.relation)) errors.relation = '请选择你与孩子的关系';
  const familyCode = cleanCode(form.familyCode || '');
  if (familyCode && familyCode.length !== 6) errors.familyCode = '家庭码为 6 位，没有可不填';

  const ok = Object.keys(errors).length === 0;
  const body = {
    class_code: classCode, child_name: childName, relation: form.relation, display_name: parentName,
  };
  if (familyCode) body.family_code = familyCode;
  return { ok, errors, body: ok ? body : null };
}

/** The phone's view of a binding: its status as a tag (utils/tone.js), and whether it still waits. */
function childRow(child) {
  return {
    ...child,
    pending: child.status === 'pending',
    statusTag: tagType('binding', child.status),
  };
}

// The server's validation_error details are keyed by request field; its texts are English.
const SERVER_FIELD_ERRORS = {
  display_name: ['parentName', '请填写你的姓名，最多 20 个字'],
  class_code: ['classCode', '班级码应为 6 位字母或数字'],
  child_name: ['childName', '姓名只能包含文字和“·”，2-20 个字'],
  relation: ['relation', '请选择你与孩子的关系'],
  family_code: ['familyCode', '家庭码不正确、已使用或已过期，请向班主任重新索取'],
};

// Errors about the parent's name that the server answers with their own codes.
const NAME_ERRORS = {
  name_required: '请先填写你的姓名',
  content_risky: '这个名字未通过微信内容审核，请换一个',
};

/**
 * Form errors for an ApiError: a validation_error about the form's fields, or the parent's name
 * missing or refused by WeChat's content check.
 */
function formErrorsFromApi(err) {
  const errors = {};
  const details = err && err.details && typeof err.details === 'object' ? err.details : null;
  if (!details) return errors;
  if (NAME_ERRORS[err.code] && 'display_name' in details) {
    errors.parentName = NAME_ERRORS[err.code];
  } else if (err.code === 'validation_error') {
    Object.keys(details).forEach((field) => {
      const known = SERVER_FIELD_ERRORS[field];
      if (known) errors[known[0]] = known[1];
    });
  }
  return errors;
}

module.exports = { RELATIONS, validateBindForm, formErrorsFromApi, childRow };
