/** The hazard report form: its checks (mirroring the server's) and the request body. */
const { SEVERITY_NAMES, STATUS_NAMES } = require('./hazards');

const DESCRIPTION_MIN = 2;
const DESCRIPTION_MAX = 1000;

const charCount = (text) => Array.from(text).length;

/**
 * Check the form `{photos, position, focusProblem, description, severity, schools, schoolIndex}`.
 * `schools` is the list offered when the reporter covers several (else empty: the server picks).
 * Returns `{ok, errors, body}`; `body` lacks client_uuid and photo_ids (added when sending).
 */
function validateReport(form) {
  const errors = {};
  const description = String(form.description || '').trim();
  if (!form.photos || !form.photos.length) errors.photos = '请至少拍一张隐患照片';
  if (!form.position) errors.position = '还没有获取到隐患的位置';
  if (!form.focusProblem) errors.focus = '请选择隐患类别';
  if (!description) errors.description = '请描述隐患的情况';
  else if (charCount(description) < DESCRIPTION_MIN || charCount(description) > DESCRIPTION_MAX) {
    errors.description = `隐患描述应为 ${DESCRIPTION_MIN}-${DESCRIPTION_MAX} 个字`;
  }
  if (!SEVERITY_NAMES[form.severity]) errors.severity = '请选择隐患等级';
  const schools = form.schools || [];
  const school = schools.length > 1 ? schools[form.schoolIndex] : null;
  if (schools.length > 1 && !school) errors.school = '请选择隐患所在的学校';

  const ok = Object.keys(errors).length === 0;
  if (!ok) return { ok, errors, body: null };
  const body = {
    focus_problem: form.focusProblem.code,
    description,
    severity: form.severity,
    lat: form.position.lat,
    lng: form.position.lng,
    accuracy: form.position.accuracy,
    coord_system: form.position.coord_system,
  };
  if (school) body.school_id = school.id;
  return { ok, errors, body };
}

/** The GET /hazards/nearby query for a report body: same kind of hazard, around its position. */
function nearbyQuery(body) {
  const query = {};
  ['focus_problem', 'lat', 'lng', 'accuracy', 'coord_system'].forEach((key) => { query[key] = body[key]; });
  return query;
}

/** The text of the "附近可能重复的隐患" dialog for GET /hazards/nearby results. */
function nearbyDialogText(hazards) {
  const lines = hazards.slice(0, 3).map((h) => (
    `· #${h.id} ${h.focus_problem.name}，约 ${Math.round(h.distance_m)} 米，${STATUS_NAMES[h.status] || h.status}`
  ));
  const more = hazards.length > 3 ? `\n……共 ${hazards.length} 条` : '';
  return `50 米内已有同类未整改的隐患，可能是同一处：\n${lines.join('\n')}${more}`;
}

/** A nearby hazard as the report page lists it. */
function nearbyRow(hazard) {
  return {
    id: hazard.id,
    title: `#${hazard.id} ${hazard.focus_problem.name}`,
    label: `${hazard.school.name} · 约 ${Math.round(hazard.distance_m)} 米 · ${STATUS_NAMES[hazard.status] || hazard.status}`,
    description: hazard.description,
  };
}

// validation_error details from the server, keyed by request field; the texts are English.
const SERVER_FIELD_ERRORS = {
  description: ['description', `隐患描述应为 ${DESCRIPTION_MIN}-${DESCRIPTION_MAX} 个字`],
  focus_problem: ['focus', '隐患类别已失效，请重新选择'],
  severity: ['severity', '请选择隐患等级'],
  photo_ids: ['photos', '照片已失效，请删除后重新拍摄'],
  school_id: ['school', '请选择隐患所在的学校'],
  lat: ['position', '位置信息有误，请重新定位'],
  lng: ['position', '位置信息有误，请重新定位'],
  accuracy: ['position', '位置信息有误，请重新定位'],
};

/** Form errors for an ApiError of POST /hazards (validation_error or school_required). */
function reportErrorsFromApi(err) {
  const errors = {};
  if (!err) return errors;
  if (err.code === 'school_required') errors.school = '请选择隐患所在的学校';
  if (err.code === 'validation_error' && err.details && typeof err.details === 'object') {
    Object.keys(err.details).forEach((field) => {
      const known = SERVER_FIELD_ERRORS[field];
      if (known) errors[known[0]] = known[1];
    });
  }
  return errors;
}

/** The area and focus-problem pickers' lists from GET /campaigns/active. */
function taxonomyOf(campaign) {
  return (campaign.areas || []).map((area) => ({
    code: area.code,
    name: area.name,
    problems: (area.focus_problems || []).map((p) => ({ code: p.code, name: p.name })),
  }));
}

module.exports = {
  DESCRIPTION_MIN,
  DESCRIPTION_MAX,
  validateReport,
  nearbyQuery,
  nearbyDialogText,
  nearbyRow,
  reportErrorsFromApi,
  taxonomyOf,
};
