/**
 * Writing a notice: the targets the writer picks, the form's checks (mirroring the server's
 * NoticeCreate), and the preview's wording.
 *
 * Targets: `scope` 'all' sends to the issuing unit itself (every class below it); 'pick' sends to
 * the units and classes in `selected` ([{key, kind: 'unit'|'class', id, name}]), all within the
 * issuing unit.
 */
const { isSchool } = require('./units');

const TITLE_MIN = 2;
const TITLE_MAX = 60;
const BODY_MIN = 2;
const BODY_MAX = 5000;

const length = (text) => Array.from(text).length;
const targetKey = (kind, id) => `${kind === 'class' ? 'c' : 'u'}:${id}`;

/** Rows of one level of the target browser: a unit's sub-units, or a school's classes. */
function levelRows(items, kind, selected) {
  const chosen = new Set((selected || []).map((s) => s.key));
  return items.map((item) => {
    const key = targetKey(kind, item.id);
    return {
      key,
      kind,
      id: item.id,
      name: item.name,
      label: kind === 'unit' ? (item.kind_name || '') : (item.grade || ''),
      checked: chosen.has(key),
      // A unit can be opened to pick its schools or, for a school, its classes.
      canOpen: kind === 'unit',
      school: kind === 'unit' && isSchool(item),
    };
  });
}

/** `selected` with the row added, or removed when it was there. */
function toggleTarget(selected, row) {
  const list = selected || [];
  if (list.some((s) => s.key === row.key)) return list.filter((s) => s.key !== row.key);
  return list.concat([{ key: row.key, kind: row.kind, id: row.id, name: row.name }]);
}

/** {unit_ids, class_ids} for the chosen scope. */
function targetsBody(issuer, scope, selected) {
  if (scope === 'all') return { unit_ids: [issuer.id], class_ids: [] };
  const list = selected || [];
  return {
    unit_ids: list.filter((s) => s.kind === 'unit').map((s) => s.id),
    class_ids: list.filter((s) => s.kind === 'class').map((s) => s.id),
  };
}

/**
 * Check the form `{issuer, scope, selected, title, body, attachmentId}`.
 * Returns {ok, errors: {field: Chinese text}, body: the POST /notices body when ok}.
 */
function validateNotice(form) {
  const title = String(form.title || '').trim();
  const text = String(form.body || '').trim();
  const errors = {};
  if (!form.issuer) errors.issuer = '请选择发布单位';
  if (!title) errors.title = '请输入通知标题';
  else if (length(title) < TITLE_MIN || length(title) > TITLE_MAX) errors.title = `标题应为 ${TITLE_MIN}-${TITLE_MAX} 个字`;
  if (!text) errors.body = '请输入通知内容';
  else if (length(text) < BODY_MIN || length(text) > BODY_MAX) errors.body = `内容应为 ${BODY_MIN}-${BODY_MAX} 个字`;
  const targets = form.issuer ? targetsBody(form.issuer, form.scope, form.selected) : { unit_ids: [], class_ids: [] };
  if (form.issuer && !targets.unit_ids.length && !targets.class_ids.length) errors.targets = '请选择通知发送的范围';
  const ok = Object.keys(errors).length === 0;
  const body = ok ? { unit_id: form.issuer.id, title, body: text, ...targets } : null;
  if (body && form.attachmentId) body.attachment_photo_id = form.attachmentId;
  return { ok, errors, body };
}

// The server's validation_error details are keyed by request field; its texts are English.
const SERVER_FIELD_ERRORS = {
  title: ['title', `标题应为 ${TITLE_MIN}-${TITLE_MAX} 个字`],
  body: ['body', `内容应为 ${BODY_MIN}-${BODY_MAX} 个字`],
  unit_ids: ['targets', '所选范围不在发布单位之内，请重新选择'],
  class_ids: ['targets', '所选班级不在发布单位之内，请重新选择'],
  attachment_photo_id: ['attachment', '图片没有上传成功，请重新选择'],
};

/** Form errors for an ApiError, when it is a validation_error about the form's fields. */
function noticeErrorsFromApi(err) {
  const errors = {};
  if (err && err.code === 'validation_error' && err.details && typeof err.details === 'object') {
    Object.keys(err.details).forEach((field) => {
      const known = SERVER_FIELD_ERRORS[field];
      if (known) errors[known[0]] = known[1];
    });
  }
  return errors;
}

/** "将发送给 12 位家长（10 名学生）" for GET /notices/{id}/preview. */
function previewText(preview) {
  return `将发送给 ${preview.parents} 位家长（${preview.children} 名学生）`;
}

module.exports = {
  TITLE_MIN,
  TITLE_MAX,
  BODY_MIN,
  BODY_MAX,
  targetKey,
  levelRows,
  toggleTarget,
  targetsBody,
  validateNotice,
  noticeErrorsFromApi,
  previewText,
};
