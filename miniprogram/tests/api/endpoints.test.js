const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT } = require('../helpers/page');

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const KEYS = ['method', 'path', 'body', 'query', 'auth', 'idempotent', 'download', 'file'];

/** The table exactly as the server's contract test reads it: plain Node, no wx, JSON. */
function tableFromPlainNode() {
  const out = execFileSync(process.execPath, [
    '-e', "console.log(JSON.stringify(require('./api/endpoints.js')))",
  ], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out);
}

/** Every JS file the mini-program ships (not tests, scripts or dependencies). */
function sourceFiles(dir = ROOT) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'miniprogram_npm', 'tests', 'scripts', 'coverage'].includes(entry.name)
        ? []
        : sourceFiles(full);
    }
    return entry.name.endsWith('.js') && !entry.name.endsWith('.config.js') ? [full] : [];
  });
}

test('loads in plain Node as JSON-able data with well-formed entries', () => {
  const table = tableFromPlainNode();
  expect(table).toEqual(require('../../api/endpoints'));
  Object.entries(table).forEach(([name, entry]) => {
    expect(Object.keys(entry).filter((key) => !KEYS.includes(key))).toEqual([]);
    expect(METHODS).toContain(entry.method);
    expect(entry.path).toMatch(/^\/api\/v1\/[a-z0-9/_.{}-]+$/);
    if (entry.body) expect(entry.body.every((f) => typeof f === 'string')).toBe(true);
    if (entry.method === 'GET' || entry.method === 'DELETE') expect(entry.body).toBeUndefined();
    if (entry.query) expect(entry.method).toBe('GET');
    expect(name).toMatch(/^[a-z][A-Za-z]+$/);
  });
});

test('declares the API described for this release', () => {
  const table = require('../../api/endpoints');
  const summary = Object.fromEntries(Object.entries(table).map(([name, e]) => [name, `${e.method} ${e.path}`]));
  expect(summary).toEqual({
    login: 'POST /api/v1/auth/login',
    me: 'GET /api/v1/me',
    profileUpdate: 'PATCH /api/v1/me',
    logout: 'POST /api/v1/auth/logout',
    reviews: 'GET /api/v1/reviews',
    reviewRelease: 'POST /api/v1/reviews/{id}/release',
    reviewReject: 'POST /api/v1/reviews/{id}/reject',
    roles: 'GET /api/v1/roles',
    units: 'GET /api/v1/units',
    unit: 'GET /api/v1/units/{id}',
    unitClasses: 'GET /api/v1/units/{id}/classes',
    unitCampus: 'GET /api/v1/units/{id}/campus',
    unitCampusDraw: 'PUT /api/v1/units/{id}/campus',
    schedules: 'GET /api/v1/schedules',
    scheduleCreate: 'POST /api/v1/schedules',
    scheduleUpdate: 'PATCH /api/v1/schedules/{id}',
    scheduleDelete: 'DELETE /api/v1/schedules/{id}',
    invitationCreate: 'POST /api/v1/invitations',
    invitations: 'GET /api/v1/invitations',
    invitationRevoke: 'DELETE /api/v1/invitations/{id}',
    invitationQr: 'GET /api/v1/invitations/{id}/qr.png',
    invitationRedeem: 'POST /api/v1/invitations/redeem',
    unitStaff: 'GET /api/v1/units/{id}/staff',
    grantRevoke: 'DELETE /api/v1/grants/{id}',
    userDisable: 'POST /api/v1/users/{id}/disable',
    userEnable: 'POST /api/v1/users/{id}/enable',
    audit: 'GET /api/v1/audit',
    childBind: 'POST /api/v1/children',
    children: 'GET /api/v1/children',
    childFamilyCode: 'POST /api/v1/children/{id}/family-code',
    classRoster: 'GET /api/v1/classes/{class_id}/roster',
    classPupilAdd: 'POST /api/v1/classes/{class_id}/roster',
    classPupilRename: 'PATCH /api/v1/classes/{class_id}/roster/{id}',
    classPupilRemove: 'DELETE /api/v1/classes/{class_id}/roster/{id}',
    classFamilyCode: 'POST /api/v1/classes/{class_id}/roster/{id}/family-code',
    classBindings: 'GET /api/v1/classes/{class_id}/bindings',
    classBindingApprove: 'POST /api/v1/classes/{class_id}/bindings/{id}/approve',
    classBindingReject: 'POST /api/v1/classes/{class_id}/bindings/{id}/reject',
    childUnbind: 'DELETE /api/v1/children/{id}',
    campaignActive: 'GET /api/v1/campaigns/active',
    todo: 'GET /api/v1/todo',
    photoUpload: 'POST /api/v1/photos',
    hazardCreate: 'POST /api/v1/hazards',
    hazards: 'GET /api/v1/hazards',
    hazardsNearby: 'GET /api/v1/hazards/nearby',
    hazardSchools: 'GET /api/v1/hazards/schools',
    hazard: 'GET /api/v1/hazards/{id}',
    hazardEvents: 'GET /api/v1/hazards/{id}/events',
    hazardResponsibleCandidates: 'GET /api/v1/hazards/{id}/responsible-candidates',
    hazardPlan: 'POST /api/v1/hazards/{id}/plan',
    hazardStart: 'POST /api/v1/hazards/{id}/start',
    hazardFix: 'POST /api/v1/hazards/{id}/fix',
    hazardVerify: 'POST /api/v1/hazards/{id}/verify',
    hazardReject: 'POST /api/v1/hazards/{id}/reject',
    hazardDuplicate: 'POST /api/v1/hazards/{id}/duplicate',
    hazardDuplicateCandidates: 'GET /api/v1/hazards/{id}/duplicate-candidates',
    hazardClassify: 'POST /api/v1/hazards/{id}/classify',
    hazardFixOnSpot: 'POST /api/v1/hazards/{id}/fix-on-spot',
    hazardClose: 'POST /api/v1/hazards/{id}/close',
    inbox: 'GET /api/v1/inbox',
    inboxUnreadCount: 'GET /api/v1/inbox/unread-count',
    inboxRead: 'POST /api/v1/inbox/{id}/read',
    inboxReadAll: 'POST /api/v1/inbox/read-all',
    subscriptionTemplates: 'GET /api/v1/subscriptions/templates',
    subscriptionReport: 'POST /api/v1/subscriptions',
    noticesMine: 'GET /api/v1/notices/mine',
    noticesReceived: 'GET /api/v1/notices/received',
    notice: 'GET /api/v1/notices/{id}',
    noticeAcknowledge: 'POST /api/v1/notices/{id}/acknowledge',
    noticeCreate: 'POST /api/v1/notices',
    notices: 'GET /api/v1/notices',
    noticePreview: 'GET /api/v1/notices/{id}/preview',
    noticeSend: 'POST /api/v1/notices/{id}/send',
    noticeCompletion: 'GET /api/v1/notices/{id}/completion',
    noticesForClass: 'GET /api/v1/notices/for-class',
    noticeClassPending: 'GET /api/v1/notices/{id}/classes/{class_id}/pending',
    noticeClassRemind: 'POST /api/v1/notices/{id}/classes/{class_id}/remind',
    checkpointScan: 'GET /api/v1/checkpoints/scan',
    patrolCreate: 'POST /api/v1/patrols',
    patrols: 'GET /api/v1/patrols',
    patrol: 'GET /api/v1/patrols/{id}',
    patrolsToday: 'GET /api/v1/patrols/today',
    patrolCompliance: 'GET /api/v1/patrols/compliance',
    checkpoints: 'GET /api/v1/checkpoints',
    checkpointCreate: 'POST /api/v1/checkpoints',
    checkpointUpdate: 'PATCH /api/v1/checkpoints/{id}',
    checkpointToken: 'POST /api/v1/checkpoints/{id}/token',
    checkpointSheet: 'GET /api/v1/checkpoints/sheet',
    patrolPlans: 'GET /api/v1/patrol-plans',
    patrolPlanCreate: 'POST /api/v1/patrol-plans',
    patrolPlanUpdate: 'PATCH /api/v1/patrol-plans/{id}',
    patrolPlanDelete: 'DELETE /api/v1/patrol-plans/{id}',
    checklists: 'GET /api/v1/checklists',
    buses: 'GET /api/v1/buses',
    busCreate: 'POST /api/v1/buses',
    bus: 'GET /api/v1/buses/{id}',
    busUpdate: 'PATCH /api/v1/buses/{id}',
    busDelete: 'DELETE /api/v1/buses/{id}',
    busToken: 'POST /api/v1/buses/{id}/token',
    busSheet: 'GET /api/v1/buses/sheet',
    busBoard: 'GET /api/v1/buses/board',
    waterPoints: 'GET /api/v1/water-points',
    waterPointCreate: 'POST /api/v1/water-points',
    waterPoint: 'GET /api/v1/water-points/{id}',
    waterPointUpdate: 'PATCH /api/v1/water-points/{id}',
    waterPointDelete: 'DELETE /api/v1/water-points/{id}',
    waterPointsDue: 'GET /api/v1/water-points/due',
    waterCoverage: 'GET /api/v1/water-points/coverage',
    guardShiftStart: 'POST /api/v1/guard/shifts',
    guardShiftCurrent: 'GET /api/v1/guard/shifts/current',
    guardShiftEnd: 'POST /api/v1/guard/shifts/{id}/end',
    guardLogCreate: 'POST /api/v1/guard/logs',
    guardLogRaise: 'POST /api/v1/guard/logs/{id}/raise',
    figures: 'GET /api/v1/figures',
    visits: 'GET /api/v1/visits',
    visit: 'GET /api/v1/visits/{id}',
    visitCreate: 'POST /api/v1/visits',
    visitUpdate: 'PATCH /api/v1/visits/{id}',
    visitFindingCreate: 'POST /api/v1/visits/{id}/findings',
    laggards: 'GET /api/v1/supervision/laggards',
    accountabilityCreate: 'POST /api/v1/units/{id}/accountability',
    evaluation: 'GET /api/v1/evaluation',
    evaluationSchool: 'GET /api/v1/evaluation/schools/{id}',
    scoreEvaluationItem: 'PUT /api/v1/evaluation/schools/{id}/items/{code}',
    consoleLoginConfirm: 'POST /api/v1/console-logins/confirm',
  });
  expect(table.evaluation.query).toEqual(['unit_id', 'year']);
  expect(table.evaluationSchool.query).toEqual(['year']);
  expect(table.scoreEvaluationItem.body).toEqual(['year', 'score', 'note']);
  expect(table.invitationCreate.body).toEqual(['unit_id', 'role', 'class_id', 'max_uses', 'expires_in_hours']);
  expect(table.childBind.body).toEqual(['class_code', 'child_name', 'relation', 'family_code', 'display_name']);
  expect(table.units.query).toEqual(['parent_id', 'administered']);
});

test('the hazard endpoints declare the fields of the OpenAPI document', () => {
  const table = require('../../api/endpoints');
  const sorted = (list) => [...list].sort();
  expect(sorted(table.hazardCreate.body)).toEqual(sorted([
    'client_uuid', 'school_id', 'focus_problem', 'description', 'severity', 'lat', 'lng', 'accuracy',
    'coord_system', 'photo_ids', 'place', 'checkpoint_token',
  ]));
  expect(sorted(table.hazards.query)).toEqual(sorted([
    'school_id', 'area', 'focus_problem', 'status', 'severity', 'overdue', 'todo', 'reporter_id',
    'reported_from', 'reported_to', 'cursor', 'limit',
  ]));
  expect(sorted(table.hazardsNearby.query)).toEqual(sorted(['focus_problem', 'lat', 'lng', 'accuracy', 'coord_system']));
  expect(sorted(table.hazardPlan.body)).toEqual(sorted([
    'responsible_user_id', 'deadline', 'measures', 'funds_yuan', 'contingency', 'position',
  ]));
  expect(table.hazardStart.body).toEqual(['position']);
  expect(sorted(table.hazardFix.body)).toEqual(sorted(['lat', 'lng', 'accuracy', 'coord_system', 'photo_ids', 'note']));
  expect(sorted(table.hazardVerify.body)).toEqual(['note', 'position']);
  expect(sorted(table.hazardReject.body)).toEqual(['position', 'reason']);
  expect(sorted(table.hazardDuplicate.body)).toEqual(['original_id', 'position']);
  expect(sorted(table.hazardFixOnSpot.body)).toEqual(sorted(table.hazardFix.body));
  expect(sorted(table.hazardClose.body)).toEqual(['position', 'reason']);
  expect(table.photoUpload).toEqual({
    method: 'POST', path: '/api/v1/photos', body: ['file'], file: 'file', idempotent: true,
  });
});

test('the inbox, subscription and notice endpoints declare the fields of the OpenAPI document', () => {
  const table = require('../../api/endpoints');
  const sorted = (list) => [...list].sort();
  expect(sorted(table.inbox.query)).toEqual(['before_id', 'limit', 'unread_only']);
  expect(table.subscriptionReport.body).toEqual(['results']);
  expect(table.noticeAcknowledge.body).toEqual(['child_id']);
  expect(sorted(table.noticeCreate.body)).toEqual(sorted([
    'unit_id', 'title', 'body', 'unit_ids', 'class_ids', 'attachment_photo_id',
  ]));
  expect(table.noticeCompletion.query).toEqual(['unit_id']);
  expect(table.noticesForClass.query).toEqual(['class_id']);
  ['inboxRead', 'inboxReadAll', 'noticeSend', 'noticeClassRemind'].forEach((name) => {
    expect(table[name].body).toBeUndefined();
  });
});

test('the patrol endpoints declare the fields of the contract', () => {
  const table = require('../../api/endpoints');
  const sorted = (list) => [...list].sort();
  expect(table.checkpointScan.query).toEqual(['token', 'checkpoint_id']);
  expect(sorted(table.patrolCreate.body)).toEqual(sorted([
    'client_uuid', 'token', 'checkpoint_id', 'template_id', 'lat', 'lng', 'accuracy', 'coord_system', 'scanned_at',
    'sent_at', 'answers',
  ]));
  expect(table.patrolCreate.idempotent).toBe(true);
  expect(sorted(table.patrols.query)).toEqual(['before_id', 'limit', 'mine', 'school_id']);
  expect(sorted(table.patrolCompliance.query)).toEqual(['by', 'date_from', 'date_to', 'unit_id']);
  expect(sorted(table.checkpointCreate.body)).toEqual(sorted([
    'school_id', 'name', 'lat', 'lng', 'coord_system', 'radius_m', 'template_codes',
  ]));
  expect(sorted(table.checkpointUpdate.body)).toEqual(['active', 'name', 'radius_m', 'template_codes']);
  expect(table.checkpointToken.body).toBeUndefined();
  expect(table.checkpointSheet).toMatchObject({ query: ['school_id'], download: true });
  expect(sorted(table.patrolPlanCreate.body)).toEqual(sorted([
    'school_id', 'name', 'template_code', 'checkpoint_ids', 'assignee_user_id', 'assignee_role', 'recurrence',
    'weekdays', 'window_start', 'window_end', 'season_start', 'season_end', 'remind_minutes_before',
    'escalate_after_misses',
  ]));
  expect(sorted(table.patrolPlanUpdate.body)).toEqual(sorted(table.patrolPlanCreate.body.filter((f) => f !== 'school_id')));
  expect(table.checklists.query).toEqual(['school_id']);
});

test('the bus endpoints declare the fields of the contract', () => {
  const table = require('../../api/endpoints');
  const sorted = (list) => [...list].sort();
  const createFields = [
    'school_id', 'plate', 'seats', 'operator', 'agreement_number', 'agreement_expires_on', 'video_alarm_device',
    'route', 'school_ids', 'trips', 'drivers',
  ];
  expect(sorted(table.buses.query)).toEqual(['include_inactive', 'unit_id']);
  expect(sorted(table.busCreate.body)).toEqual(sorted(createFields));
  expect(sorted(table.busUpdate.body)).toEqual(sorted([...createFields.filter((f) => f !== 'school_id'), 'active']));
  expect(table.busToken.body).toBeUndefined();
  expect(table.busSheet).toMatchObject({ query: ['school_id'], download: true });
  expect(sorted(table.busBoard.query)).toEqual(['day', 'school_id']);
});

test('the water-point endpoints declare the fields of the contract', () => {
  const table = require('../../api/endpoints');
  const sorted = (list) => [...list].sort();
  const fields = [
    'name', 'kind', 'lat', 'lng', 'accuracy', 'coord_system', 'radius_m', 'shape', 'measures', 'caretaker_name',
    'caretaker_phone', 'note', 'school_ids',
  ];
  expect(sorted(table.waterPoints.query)).toEqual(['include_inactive', 'unit_id']);
  expect(sorted(table.waterPointCreate.body)).toEqual(sorted(fields));
  expect(sorted(table.waterPointUpdate.body)).toEqual(sorted([...fields, 'active']));
  expect(table.waterPointCreate.idempotent).toBeUndefined();
  expect(sorted(table.waterCoverage.query)).toEqual(['from', 'to', 'unit_id']);
  expect(table.waterPointsDue.query).toBeUndefined();
});

test('the guard endpoints declare the fields of the contract', () => {
  const table = require('../../api/endpoints');
  const sorted = (list) => [...list].sort();
  expect(sorted(table.guardShiftStart.body)).toEqual(sorted([
    'client_uuid', 'token', 'lat', 'lng', 'accuracy', 'coord_system', 'started_at',
  ]));
  expect(table.guardShiftEnd.body).toEqual(['handover_note']);
  expect(sorted(table.guardLogCreate.body)).toEqual(sorted([
    'client_uuid', 'kind', 'photo_ids', 'lat', 'lng', 'accuracy', 'coord_system', 'note', 'occurred_at', 'raise_hazard',
  ]));
  expect(table.guardLogRaise.body).toBeUndefined();
  expect(table.guardShiftCurrent.query).toBeUndefined();
  expect(table.consoleLoginConfirm.body).toEqual(['code']);
});

test('only POSTs that are harmless to repeat are retried: never a send, a reminder or a grant report', () => {
  const { isIdempotent } = require('../../api/client');
  const table = require('../../api/endpoints');
  const safePosts = Object.keys(table).filter((name) => table[name].method === 'POST' && isIdempotent(table[name]));
  // Disabling or enabling an account again changes nothing (the server answers the same).
  expect(safePosts.sort()).toEqual([
    'guardLogCreate', 'guardLogRaise', 'guardShiftStart', 'hazardCreate', 'inboxRead', 'inboxReadAll',
    'noticeAcknowledge', 'patrolCreate', 'photoUpload', 'userDisable', 'userEnable', 'visitFindingCreate',
  ]);
});

test('the code calls exactly the endpoints in the table', () => {
  const table = require('../../api/endpoints');
  const used = new Set(['login']); // called by the client itself
  sourceFiles().forEach((file) => {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/api\.(?:call|download|upload)\(\s*'([A-Za-z]+)'/g)) used.add(match[1]);
  });
  expect([...used].sort()).toEqual(Object.keys(table).sort());
});
