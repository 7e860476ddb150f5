/**
 * The hazard report form: its checks (mirroring the server's), the request body, and the schools
 * one may report at (kept on the phone so the form opens offline).
 */
const api = require('../api/client');
const cache = require('./cache');
const { SEVERITY_NAMES, STATUS_NAMES } = require('./hazards');

const DESCRIPTION_MIN = 2;
const DESCRIPTION_MAX = 1000;
const PLACE_MAX = 60;

const charCount = (text) => Array.from(text).length;

/**
 * Check the form `{photos, position, choice, place, description, severity, schools, schoolIndex,
 * checkpointToken}` (checkpointToken: the token of a checkpoint scanned nearby, optional).
 * `choice` is a row of utils/report-choices.js (its focus_problem null for "不确定": none is sent).
 * `schools` is the list offered when the reporter covers several (else empty: the server picks).
 * Returns `{ok, errors, body}`; `body` lacks client_uuid and photo_ids (added when sending).
 */
function validateReport(form) {
  const errors = {};
  const description = String(form.description || '').trim();
  if (!form.photos || !form.photos.length) errors.photos = '请至少拍一张隐患照片';
  if (!form.position) errors.position = '还没有获取到隐患的位置';
  if (!form.choice) errors.focus = '请选择隐患属于哪一类（拿不准就选“不确定”）';
  const place = String(form.place || '').trim();
  if (charCount(place) > PLACE_MAX) errors.place = `地点最多 ${PLACE_MAX} 个字`;
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
    description,
    severity: form.severity,
    lat: form.position.lat,
    lng: form.position.lng,
    accuracy: form.position.accuracy,
    coord_system: form.position.coord_system,
  };
  if (form.choice.focus_problem) body.focus_problem = form.choice.focus_problem;
  if (place) body.place = place;
  if (school) body.school_id = school.id;
  if (form.checkpointToken) body.checkpoint_token = form.checkpointToken;
  return { ok, errors, body };
}

/**
 * The GET /hazards/nearby query for a report body: same kind of hazard, around its position; null
 * for a report without a focus problem (the check is skipped then).
 */
function nearbyQuery(body) {
  if (!body.focus_problem) return null;
  const query = {};
  ['focus_problem', 'lat', 'lng', 'accuracy', 'coord_system'].forEach((key) => { query[key] = body[key]; });
  return query;
}

/** The text of the "附近可能重复的隐患" dialog for GET /hazards/nearby results. */
function nearbyDialogText(hazards) {
  const lines = hazards.slice(0, 3).map((h) => (
    `· #${h.id} ${h.focus_problem ? h.focus_problem.name : '未分类'}，约 ${Math.round(h.distance_m)} 米，${STATUS_NAMES[h.status] || h.status}`
  ));
  const more = hazards.length > 3 ? `\n……共 ${hazards.length} 条` : '';
  return `50 米内已有同类未整改的隐患，可能是同一处：\n${lines.join('\n')}${more}`;
}

/** A nearby hazard as the report page lists it. */
function nearbyRow(hazard) {
  return {
    id: hazard.id,
    title: `#${hazard.id} ${hazard.focus_problem ? hazard.focus_problem.name : '未分类'}`,
    label: `${hazard.school.name} · 约 ${Math.round(hazard.distance_m)} 米 · ${STATUS_NAMES[hazard.status] || hazard.status}`,
    description: hazard.description,
  };
}

// validation_error details from the server, keyed by request field; the texts are English.
const SERVER_FIELD_ERRORS = {
  description: ['description', `隐患描述应为 ${DESCRIPTION_MIN}-${DESCRIPTION_MAX} 个字`],
  focus_problem: ['focus', '隐患类别已失效，请重新选择'],
  place: ['place', `地点最多 ${PLACE_MAX} 个字`],
  severity: ['severity', '请选择隐患等级'],
  photo_ids: ['photos', '照片已失效，请删除后重新拍摄'],
  school_id: ['school', '请选择隐患所在的学校'],
  lat: ['position', '位置信息有误，请重新定位'],
  lng: ['position', '位置信息有误，请重新定位'],
  accuracy: ['position', '位置信息有误，请重新定位'],
  checkpoint_token: ['checkpoint', '这个巡查点不属于隐患所在的学校，请清除后重新扫码'],
};

// The checkpoint linked is unknown, replaced or inactive: api/messages.js words these.
const CHECKPOINT_CODES = ['checkpoint_unknown', 'checkpoint_replaced', 'checkpoint_inactive'];

/** Form errors for an ApiError of POST /hazards (validation_error, school_required, checkpoint_*). */
function reportErrorsFromApi(err) {
  const errors = {};
  if (!err) return errors;
  if (err.code === 'school_required') errors.school = '请选择隐患所在的学校';
  if (CHECKPOINT_CODES.includes(err.code)) errors.checkpoint = err.message;
  if (err.code === 'validation_error' && err.details && typeof err.details === 'object') {
    Object.keys(err.details).forEach((field) => {
      const known = SERVER_FIELD_ERRORS[field];
      if (known) errors[known[0]] = known[1];
    });
  }
  return errors;
}

/** GET /hazards/schools, saved: `{value, savedAt}` (the saved copy when the network failed). */
function fetchSchools() {
  return cache.fetch('schools', () => api.call('hazardSchools'));
}

/** The saved schools answer `{value, savedAt}`, or null. */
const cachedSchools = () => cache.load('schools');

/** The schools to pick from: only when there is a choice (with one, the server takes it). */
function schoolChoices(answer) {
  const schools = (answer && answer.schools) || [];
  return schools.length > 1 ? schools : [];
}

module.exports = {
  DESCRIPTION_MIN,
  DESCRIPTION_MAX,
  validateReport,
  nearbyQuery,
  nearbyDialogText,
  nearbyRow,
  PLACE_MAX,
  reportErrorsFromApi,
  fetchSchools,
  cachedSchools,
  schoolChoices,
};
