/**
 * The steps of the hazard report page that do not need the page: its choices and schools (saved
 * and fresh), the form it checks, upload progress, where the
 * location answer goes, the nearby-duplicates dialog, keeping a report in the outbox, and the
 * checkpoint a page URL links (utils/patrols.js parseScan reads it, as it reads a scanned code).
 */
const api = require('../api/client');
const outbox = require('./outbox');
const { modal } = require('./wxp');
const { parseScan, SCAN_PREFIX } = require('./patrols');
const { choicesFor } = require('./report-choices');
const { fetchCampaign, cachedCampaign } = require('./campaign');
const {
  nearbyDialogText, nearbyRow, fetchSchools, cachedSchools, schoolChoices,
} = require('./hazard-report');

/** The report page's data for a new draft (the choices, schools and outbox kept). */
const EMPTY_DRAFT = {
  photos: [],
  position: null,
  locationText: '',
  locationError: '',
  locationDenied: false,
  choiceKey: '',
  place: '',
  description: '',
  severity: 'general',
  errors: {},
  formError: '',
  nearby: [],
  checkpointToken: '',
};

/** The older of two saved-at times ('' when neither copy was a saved one). */
const staler = (a, b) => (a && b ? Math.min(a, b) : a || b || '');

/** The choices and school picker from what the phone keeps (every choice when nothing is). */
function cachedChoices() {
  const campaign = cachedCampaign();
  const schools = cachedSchools();
  return { choices: choicesFor(campaign && campaign.value), schools: schoolChoices(schools && schools.value) };
}

/** The school picker for a /hazards/schools answer, keeping `chosen` (the school picked) picked. */
function schoolPatch(answer, chosen) {
  const schools = schoolChoices(answer);
  return { schools, schoolIndex: chosen ? schools.findIndex((school) => school.id === chosen.id) : -1 };
}

/**
 * Fresh campaign and schools (each saved for next time): resolves the page patch, with `savedAt`
 * when a saved copy answered; a part that failed altogether is left out (what shows stays).
 * `chosen()` gives the school picked when the answer comes. A visit's finding (`visitId`) keeps
 * the visit's schools (visitPatch), not the reporter's.
 */
function freshChoices(chosen, visitId = null) {
  const settle = (promise) => promise.catch(() => null);
  return Promise.all([settle(fetchCampaign()), settle(fetchSchools())]).then(([campaign, schools]) => {
    const patch = { savedAt: staler(campaign && campaign.savedAt, schools && schools.savedAt) };
    if (campaign) patch.choices = choicesFor(campaign.value);
    if (schools && !visitId) Object.assign(patch, schoolPatch(schools.value, chosen()));
    return patch;
  });
}

/** The progress line for a photo upload step `{index, total, percent}`. */
function progressPatch({ index, total, percent }) {
  return { progress: percent, progressText: `正在上传照片 ${index + 1}/${total}` };
}

/** The form validateReport checks, from the page's data and the plain choice picked. */
function reportForm(data, choice) {
  return {
    photos: data.photos,
    position: data.position,
    choice,
    place: data.place,
    description: data.description,
    severity: data.severity,
    schools: data.schools,
    schoolIndex: data.schoolIndex,
    checkpointToken: data.checkpointToken,
  };
}

/** The page data for a location answer `{position, error}`, keeping what showed when none came. */
function locationPatch({ position, error }, data) {
  return {
    locating: false,
    position: position || data.position,
    locationText: position ? `已定位，精度约 ${Math.round(position.accuracy)} 米` : data.locationText,
    locationError: error ? error.message : '',
    locationDenied: Boolean(error && error.kind === 'denied'),
    'errors.position': '',
    nearby: position ? [] : data.nearby,
  };
}

/**
 * The "附近可能重复的隐患" dialog for nearby hazards: `showRows(rows)` lists them on the page
 * first. Resolves true for "仍然提交", false for "查看" (the page then scrolls to #nearby).
 */
async function confirmNearby(hazards, showRows) {
  showRows(hazards.map(nearbyRow));
  const answer = await modal({
    title: '附近可能重复的隐患',
    content: nearbyDialogText(hazards),
    confirmText: '仍然提交',
    cancelText: '查看',
  });
  if (!answer.confirm && wx.pageScrollTo) wx.pageScrollTo({ selector: '#nearby', duration: 300 });
  return answer.confirm;
}

/**
 * Keep a report in the outbox: `{clientUuid, body, photos, choice, school, visitId}` (body as sent,
 * so a linked checkpoint goes too; a visit's finding keeps its visit). The entry's title is the
 * choice's label ('未分类' for "不确定"). Throws an Error with a Chinese message when the phone can't
 * keep it.
 */
function queueReport({
  clientUuid, body, photos, choice, school, visitId = null,
}) {
  return outbox.add({
    clientUuid,
    report: body,
    photos,
    title: choice && choice.focus_problem ? choice.label : '未分类',
    school: school ? school.name : '',
    ...(visitId ? { visitId } : {}),
  });
}

/** A visit's id from the page URL (`?visit_id=`: the report is a finding of it), or null. */
function visitIdFrom(options) {
  const id = Number(options && options.visit_id);
  return Number.isInteger(id) && id > 0 ? id : null;
}

/**
 * GET /visits/{id} for a finding -> `{schools, patch}`: the visit's schools and the page patch (its
 * title, the school picker over its schools); on failure `{schools: null, patch: {visitError}}`.
 */
function visitPatch(visitId, chosen) {
  return api.call('visit', { params: { id: visitId } })
    .then((visit) => {
      const schools = visit.schools || [];
      return { schools, patch: { visitTitle: visit.title, visitError: '', ...schoolPatch({ schools }, chosen) } };
    })
    .catch((err) => ({ schools: null, patch: { visitError: `没有打开这次督导检查：${err.message}` } }));
}

/**
 * A finding's body: a visit's school is always named (the server does not guess it), the only one
 * when the visit has one; null when no school can be named (the visit did not load).
 */
function findingBody(body, visitSchools, chosen) {
  if (body.school_id) return body;
  const only = visitSchools && visitSchools.length === 1 ? visitSchools[0] : chosen;
  return only ? { ...body, school_id: only.id } : null;
}

/** The checkpoint token a page URL brings (`?checkpoint_token=...`), or '' when none or malformed. */
function initialCheckpoint(options) {
  const token = decodeURIComponent(String((options && options.checkpoint_token) || ''));
  return parseScan({ result: `${SCAN_PREFIX}${token}` }).token || '';
}

module.exports = {
  EMPTY_DRAFT,
  staler,
  cachedChoices,
  schoolPatch,
  freshChoices,
  progressPatch,
  reportForm,
  locationPatch,
  confirmNearby,
  queueReport,
  initialCheckpoint,
  visitIdFrom,
  visitPatch,
  findingBody,
};
