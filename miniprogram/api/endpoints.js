/**
 * Every endpoint the mini-program calls, declared once as plain data.
 *
 * The client (api/client.js) builds requests only from this table, and a contract test on the server
 * side loads this file with plain Node and checks each entry against the OpenAPI document, so keep it a
 * side-effect-free CommonJS module of plain data.
 *
 * Keys of an entry:
 *   method      HTTP method.
 *   path        OpenAPI-style path; `{name}` is filled from `params`.
 *   body        Names of the JSON request-body fields the client may send (omitted: no body).
 *   query       Names of the query parameters the client may send.
 *   auth        false for the one call made before there is a token (default: true).
 *   idempotent  true for a POST that is safe to repeat (GET, PUT and DELETE always are).
 *   download    true when the response is a file fetched with wx.downloadFile.
 *   file        the multipart field name of an upload (api.upload; default 'file').
 */
module.exports = {
  login: { method: 'POST', path: '/api/v1/auth/login', body: ['code'], auth: false },
  me: { method: 'GET', path: '/api/v1/me' },
  // One's own name and phone (`phone: null` removes it). Logout revokes this token.
  profileUpdate: { method: 'PATCH', path: '/api/v1/me', body: ['display_name', 'phone'] },
  logout: { method: 'POST', path: '/api/v1/auth/logout' },

  roles: { method: 'GET', path: '/api/v1/roles' },

  // `administered: true` (top level only): just the units the caller administers.
  units: { method: 'GET', path: '/api/v1/units', query: ['parent_id', 'administered'] },
  unit: { method: 'GET', path: '/api/v1/units/{id}' },
  unitClasses: { method: 'GET', path: '/api/v1/units/{id}/classes' },
  // A school's campus boundary (GCJ-02 from wx.chooseLocation): a centre and radius, or a polygon.
  unitCampus: { method: 'GET', path: '/api/v1/units/{id}/campus' },
  unitCampusDraw: {
    method: 'PUT',
    path: '/api/v1/units/{id}/campus',
    body: ['coord_system', 'center', 'radius_m', 'polygon'],
  },

  invitationCreate: {
    method: 'POST',
    path: '/api/v1/invitations',
    body: ['unit_id', 'role', 'class_id', 'max_uses', 'expires_in_hours'],
  },
  invitations: { method: 'GET', path: '/api/v1/invitations', query: ['unit_id'] },
  invitationRevoke: { method: 'DELETE', path: '/api/v1/invitations/{id}' },
  invitationQr: { method: 'GET', path: '/api/v1/invitations/{id}/qr.png', download: true },
  // A person without a name gives one (`display_name`) when joining; the phone is optional.
  invitationRedeem: {
    method: 'POST',
    path: '/api/v1/invitations/redeem',
    body: ['code', 'display_name', 'phone'],
  },

  // Admins (`staff.manage`): the people of a unit and below, revoking a role, disabling or
  // enabling an account (again is harmless), and the record of those changes.
  unitStaff: { method: 'GET', path: '/api/v1/units/{id}/staff' },
  // Admins (`content.review`): texts and photos WeChat's content check held, released or rejected.
  reviews: { method: 'GET', path: '/api/v1/reviews', query: ['unit_id'] },
  reviewRelease: { method: 'POST', path: '/api/v1/reviews/{id}/release' },
  reviewReject: { method: 'POST', path: '/api/v1/reviews/{id}/reject' },
  grantRevoke: { method: 'DELETE', path: '/api/v1/grants/{id}' },
  userDisable: { method: 'POST', path: '/api/v1/users/{id}/disable', idempotent: true },
  userEnable: { method: 'POST', path: '/api/v1/users/{id}/enable', idempotent: true },
  audit: { method: 'GET', path: '/api/v1/audit', query: ['unit_id'] },

  // A binding names a pupil on the class roster and waits (status pending) for the class
  // teacher, unless the family code the teacher gave approves it at once; the parent's own name
  // goes along (required from people without one).
  childBind: {
    method: 'POST',
    path: '/api/v1/children',
    body: ['class_code', 'child_name', 'relation', 'family_code', 'display_name'],
  },
  children: { method: 'GET', path: '/api/v1/children' },
  childUnbind: { method: 'DELETE', path: '/api/v1/children/{id}' },
  childFamilyCode: { method: 'POST', path: '/api/v1/children/{id}/family-code', body: ['family_code'] },

  // Class teachers (and the school's safety officer): the roster and the bindings waiting.
  classRoster: { method: 'GET', path: '/api/v1/classes/{class_id}/roster' },
  classPupilAdd: { method: 'POST', path: '/api/v1/classes/{class_id}/roster', body: ['name'] },
  classPupilRename: { method: 'PATCH', path: '/api/v1/classes/{class_id}/roster/{id}', body: ['name'] },
  classPupilRemove: { method: 'DELETE', path: '/api/v1/classes/{class_id}/roster/{id}' },
  classFamilyCode: { method: 'POST', path: '/api/v1/classes/{class_id}/roster/{id}/family-code' },
  classBindings: { method: 'GET', path: '/api/v1/classes/{class_id}/bindings' },
  classBindingApprove: { method: 'POST', path: '/api/v1/classes/{class_id}/bindings/{id}/approve' },
  classBindingReject: { method: 'POST', path: '/api/v1/classes/{class_id}/bindings/{id}/reject' },

  campaignActive: { method: 'GET', path: '/api/v1/campaigns/active' },

  // 待办: the caller's hazards by the step they owe (each group a count and its first five) and
  // parents' notices still to acknowledge, with the total for the tab badge.
  todo: { method: 'GET', path: '/api/v1/todo' },

  // One photo per request (multipart; `body` lists the parts as the OpenAPI form schema does, the
  // file part included). The server answers 200 with the earlier photo when the same file is
  // uploaded again, so repeating it is safe.
  photoUpload: { method: 'POST', path: '/api/v1/photos', body: ['file'], file: 'file', idempotent: true },

  // A retry with the same client_uuid and content answers 200 with the first report. Without a
  // focus_problem (不确定) the school's safety officer classifies it; `place` is free text (<= 60).
  // `checkpoint_token` (optional) links a checkpoint of the report's school (its QR sticker's
  // token): 404 checkpoint_unknown, 410 checkpoint_replaced / checkpoint_inactive, 422 when of
  // another school.
  hazardCreate: {
    method: 'POST',
    path: '/api/v1/hazards',
    body: [
      'client_uuid', 'school_id', 'focus_problem', 'description', 'severity',
      'lat', 'lng', 'accuracy', 'coord_system', 'photo_ids', 'place', 'checkpoint_token',
    ],
    idempotent: true,
  },
  hazards: {
    method: 'GET',
    path: '/api/v1/hazards',
    query: [
      'school_id', 'area', 'focus_problem', 'status', 'severity', 'overdue', 'todo', 'reporter_id',
      'reported_from', 'reported_to', 'cursor', 'limit',
    ],
  },
  hazardsNearby: {
    method: 'GET',
    path: '/api/v1/hazards/nearby',
    query: ['focus_problem', 'lat', 'lng', 'accuracy', 'coord_system'],
  },
  hazardSchools: { method: 'GET', path: '/api/v1/hazards/schools' },
  hazard: { method: 'GET', path: '/api/v1/hazards/{id}' },
  hazardEvents: { method: 'GET', path: '/api/v1/hazards/{id}/events' },
  // The school's staff a planner may name responsible (names and roles, no phones).
  hazardResponsibleCandidates: { method: 'GET', path: '/api/v1/hazards/{id}/responsible-candidates' },
  hazardPlan: {
    method: 'POST',
    path: '/api/v1/hazards/{id}/plan',
    body: [
      'responsible_user_id', 'deadline', 'measures', 'funds_yuan', 'contingency',
      'position',
    ],
  },
  hazardStart: { method: 'POST', path: '/api/v1/hazards/{id}/start', body: ['position'] },
  hazardFix: {
    method: 'POST',
    path: '/api/v1/hazards/{id}/fix',
    body: ['lat', 'lng', 'accuracy', 'coord_system', 'photo_ids', 'note'],
  },
  // A small general hazard fixed there and then (当场整改): same body as a fix, closes it at once.
  hazardFixOnSpot: {
    method: 'POST',
    path: '/api/v1/hazards/{id}/fix-on-spot',
    body: ['lat', 'lng', 'accuracy', 'coord_system', 'photo_ids', 'note'],
  },
  hazardClose: { method: 'POST', path: '/api/v1/hazards/{id}/close', body: ['reason', 'position'] },
  hazardVerify: { method: 'POST', path: '/api/v1/hazards/{id}/verify', body: ['note', 'position'] },
  hazardReject: { method: 'POST', path: '/api/v1/hazards/{id}/reject', body: ['reason', 'position'] },
  hazardDuplicate: { method: 'POST', path: '/api/v1/hazards/{id}/duplicate', body: ['original_id', 'position'] },
  // Open hazards of the same school within 200 m (a summary with `distance_m`): the originals a
  // duplicate may be marked against.
  hazardDuplicateCandidates: { method: 'GET', path: '/api/v1/hazards/{id}/duplicate-candidates' },
  // The safety officer files a hazard reported as "不确定" under a focus problem of the campaign.
  hazardClassify: { method: 'POST', path: '/api/v1/hazards/{id}/classify', body: ['focus_problem', 'position'] },

  // Scheduled reminders of the units the caller manages (schedule.manage): list, create, edit,
  // delete. An edit sends the form's fields (the unit stays).
  schedules: { method: 'GET', path: '/api/v1/schedules' },
  scheduleCreate: {
    method: 'POST',
    path: '/api/v1/schedules',
    body: [
      'unit_id', 'name', 'roles', 'parents', 'title', 'body', 'recurrence', 'weekdays', 'time_of_day',
      'starts_on', 'ends_on', 'season_start', 'season_end',
    ],
  },
  scheduleUpdate: {
    method: 'PATCH',
    path: '/api/v1/schedules/{id}',
    body: [
      'name', 'roles', 'parents', 'title', 'body', 'recurrence', 'weekdays', 'time_of_day',
      'starts_on', 'ends_on', 'season_start', 'season_end',
    ],
  },
  scheduleDelete: { method: 'DELETE', path: '/api/v1/schedules/{id}' },

  // The in-app inbox, newest first, paged with `before_id`. Marking read again is harmless.
  inbox: { method: 'GET', path: '/api/v1/inbox', query: ['before_id', 'limit', 'unread_only'] },
  inboxUnreadCount: { method: 'GET', path: '/api/v1/inbox/unread-count' },
  inboxRead: { method: 'POST', path: '/api/v1/inbox/{id}/read', idempotent: true },
  inboxReadAll: { method: 'POST', path: '/api/v1/inbox/read-all', idempotent: true },

  // WeChat subscription messages: the configured templates, and what wx.requestSubscribeMessage
  // answered ({template_id: 'accept'|'reject'|'ban'|'filter'}). Each "accept" allows one more push,
  // so the report is never repeated.
  subscriptionTemplates: { method: 'GET', path: '/api/v1/subscriptions/templates' },
  subscriptionReport: { method: 'POST', path: '/api/v1/subscriptions', body: ['results'] },

  // Notices to parents. Parents: theirs with each child's status; opening one marks it read;
  // acknowledging again changes nothing.
  noticesMine: { method: 'GET', path: '/api/v1/notices/mine', query: ['before_id', 'limit'] },
  notice: { method: 'GET', path: '/api/v1/notices/{id}' },
  noticeAcknowledge: { method: 'POST', path: '/api/v1/notices/{id}/acknowledge', body: ['child_id'], idempotent: true },
  // Writers (`notice.write`): a notice is saved, previewed, then sent once (409 already_sent).
  noticeCreate: {
    method: 'POST',
    path: '/api/v1/notices',
    body: ['unit_id', 'title', 'body', 'unit_ids', 'class_ids', 'attachment_photo_id'],
  },
  notices: { method: 'GET', path: '/api/v1/notices' },
  // Staff: notices from above that reached their units (read-only), with their own unit's counts.
  noticesReceived: { method: 'GET', path: '/api/v1/notices/received' },
  noticePreview: { method: 'GET', path: '/api/v1/notices/{id}/preview' },
  noticeSend: { method: 'POST', path: '/api/v1/notices/{id}/send' },
  noticeCompletion: { method: 'GET', path: '/api/v1/notices/{id}/completion', query: ['unit_id'] },
  // Class teachers and the school's staff: the notices that reached a class, its parents who have
  // not acknowledged, and one reminder a day (409 already_reminded_today).
  noticesForClass: { method: 'GET', path: '/api/v1/notices/for-class', query: ['class_id'] },
  noticeClassPending: { method: 'GET', path: '/api/v1/notices/{id}/classes/{class_id}/pending' },
  noticeClassRemind: { method: 'POST', path: '/api/v1/notices/{id}/classes/{class_id}/remind' },

  // Patrol rounds (issue 10). A checkpoint's QR code holds `SAFETY-CP:<token>`; scanning answers the
  // checkpoint and the checklist templates in effect at its school.
  // A water point has no sticker: its round opens by `checkpoint_id` (a place or bus so named: 422
  // scan_required).
  checkpointScan: { method: 'GET', path: '/api/v1/checkpoints/scan', query: ['token', 'checkpoint_id'] },
  // A round: a retry with the same client_uuid and content answers 200 with the first one, so it
  // is safe to send again from the patrol outbox.
  patrolCreate: {
    method: 'POST',
    path: '/api/v1/patrols',
    body: [
      'client_uuid', 'token', 'template_id', 'lat', 'lng', 'accuracy', 'coord_system', 'scanned_at', 'sent_at',
      'answers', 'checkpoint_id',
    ],
    idempotent: true,
  },
  // One's own rounds (`mine=1`), or a school's (patrol.view), newest first, paged with `before_id`.
  patrols: { method: 'GET', path: '/api/v1/patrols', query: ['mine', 'school_id', 'before_id', 'limit'] },
  patrol: { method: 'GET', path: '/api/v1/patrols/{id}' },
  // The caller's slots today with their status (open, done, late, missed) and the counts.
  patrolsToday: { method: 'GET', path: '/api/v1/patrols/today' },
  patrolCompliance: {
    method: 'GET',
    path: '/api/v1/patrols/compliance',
    query: ['unit_id', 'date_from', 'date_to', 'by'],
  },
  // Safety officers (checkpoint.manage): a school's checkpoints, a new one placed where the phone
  // stands, changes, a new code for a lost sticker (the old one stops working), the A4 sheet.
  checkpoints: { method: 'GET', path: '/api/v1/checkpoints', query: ['school_id'] },
  checkpointCreate: {
    method: 'POST',
    path: '/api/v1/checkpoints',
    body: ['school_id', 'name', 'lat', 'lng', 'coord_system', 'radius_m', 'template_codes'],
  },
  checkpointUpdate: {
    method: 'PATCH',
    path: '/api/v1/checkpoints/{id}',
    body: ['name', 'radius_m', 'template_codes', 'active'],
  },
  checkpointToken: { method: 'POST', path: '/api/v1/checkpoints/{id}/token' },
  checkpointSheet: { method: 'GET', path: '/api/v1/checkpoints/sheet', query: ['school_id'], download: true },
  // Patrol plans (patrol.plan): which checkpoints, which template, who, how often, the window.
  // Deleting one deactivates it.
  patrolPlans: { method: 'GET', path: '/api/v1/patrol-plans', query: ['school_id'] },
  patrolPlanCreate: {
    method: 'POST',
    path: '/api/v1/patrol-plans',
    body: [
      'school_id', 'name', 'template_code', 'checkpoint_ids', 'assignee_user_id', 'assignee_role', 'recurrence',
      'weekdays', 'window_start', 'window_end', 'season_start', 'season_end', 'remind_minutes_before',
      'escalate_after_misses',
    ],
  },
  patrolPlanUpdate: {
    method: 'PATCH',
    path: '/api/v1/patrol-plans/{id}',
    body: [
      'name', 'template_code', 'checkpoint_ids', 'assignee_user_id', 'assignee_role', 'recurrence',
      'weekdays', 'window_start', 'window_end', 'season_start', 'season_end', 'remind_minutes_before',
      'escalate_after_misses',
    ],
  },
  patrolPlanDelete: { method: 'DELETE', path: '/api/v1/patrol-plans/{id}' },
  // The checklist templates in effect at a school (its own added items included).
  checklists: { method: 'GET', path: '/api/v1/checklists', query: ['school_id'] },

  // School buses (issue 11). The registry (bus.manage): a school's buses with their agreement,
  // video alarm, trips and drivers (`drivers` and `trips` replace the lists), 409 plate_taken for
  // an active plate already registered; deleting retires a bus; a new sticker (the old one then
  // answers 410 checkpoint_replaced); the A4 sheet of stickers. 今日校车: each bus and trip today.
  buses: { method: 'GET', path: '/api/v1/buses', query: ['unit_id', 'include_inactive'] },
  busCreate: {
    method: 'POST',
    path: '/api/v1/buses',
    body: [
      'school_id', 'plate', 'seats', 'operator', 'agreement_number', 'agreement_expires_on', 'video_alarm_device',
      'route', 'school_ids', 'trips', 'drivers',
    ],
  },
  bus: { method: 'GET', path: '/api/v1/buses/{id}' },
  // A bus stays with the school that registered it: a change names any field but the school.
  busUpdate: {
    method: 'PATCH',
    path: '/api/v1/buses/{id}',
    body: [
      'plate', 'seats', 'operator', 'agreement_number', 'agreement_expires_on', 'video_alarm_device',
      'route', 'school_ids', 'trips', 'drivers', 'active',
    ],
  },
  busDelete: { method: 'DELETE', path: '/api/v1/buses/{id}' },
  busToken: { method: 'POST', path: '/api/v1/buses/{id}/token' },
  busSheet: { method: 'GET', path: '/api/v1/buses/sheet', query: ['school_id'], download: true },
  busBoard: { method: 'GET', path: '/api/v1/buses/board', query: ['school_id', 'day'] },
  // Dangerous water points (防溺水, issue 11): the points concerning a unit's schools, one made at
  // the place (water.manage at every school listed), changed, retired; the caller's visits due;
  // coverage for a unit and period (patrol.view). A visit is a round by `checkpoint_id`.
  waterPoints: { method: 'GET', path: '/api/v1/water-points', query: ['unit_id', 'include_inactive'] },
  waterPointCreate: {
    method: 'POST',
    path: '/api/v1/water-points',
    body: [
      'name', 'kind', 'lat', 'lng', 'accuracy', 'coord_system', 'radius_m', 'shape', 'measures', 'caretaker_name',
      'caretaker_phone', 'note', 'school_ids',
    ],
  },
  waterPoint: { method: 'GET', path: '/api/v1/water-points/{id}' },
  waterPointUpdate: {
    method: 'PATCH',
    path: '/api/v1/water-points/{id}',
    body: [
      'name', 'kind', 'lat', 'lng', 'accuracy', 'coord_system', 'radius_m', 'shape', 'measures', 'caretaker_name',
      'caretaker_phone', 'note', 'school_ids', 'active',
    ],
  },
  waterPointDelete: { method: 'DELETE', path: '/api/v1/water-points/{id}' },
  waterPointsDue: { method: 'GET', path: '/api/v1/water-points/due' },
  waterCoverage: { method: 'GET', path: '/api/v1/water-points/coverage', query: ['unit_id', 'from', 'to'] },
  // The guards' post (门卫值班, issue 11): a shift starts by scanning the gate's code inside its
  // radius (a retry with the same client_uuid answers 200 with the same shift) and carries the last
  // hand-over note; it ends with the note for the next guard. A log entry needs an open shift; a
  // retry answers 200 with the same entry, a second raise the same hazard.
  guardShiftStart: {
    method: 'POST',
    path: '/api/v1/guard/shifts',
    body: ['client_uuid', 'token', 'lat', 'lng', 'accuracy', 'coord_system', 'started_at'],
    idempotent: true,
  },
  guardShiftCurrent: { method: 'GET', path: '/api/v1/guard/shifts/current' },
  guardShiftEnd: { method: 'POST', path: '/api/v1/guard/shifts/{id}/end', body: ['handover_note'] },
  guardLogCreate: {
    method: 'POST',
    path: '/api/v1/guard/logs',
    body: [
      'client_uuid', 'kind', 'photo_ids', 'lat', 'lng', 'accuracy', 'coord_system', 'note', 'occurred_at',
      'raise_hazard',
    ],
    idempotent: true,
  },
  guardLogRaise: { method: 'POST', path: '/api/v1/guard/logs/{id}/raise', idempotent: true },
  // Supervision (issue 12): a unit's figures and its children's (drill-down), the visits of the
  // supervising side (暗访 hidden from the schools until its date), their findings (a hazard
  // report's body, at a visited school), the schools that need attention, and accountability.
  figures: { method: 'GET', path: '/api/v1/figures', query: ['unit_id', 'from', 'to'] },
  visits: { method: 'GET', path: '/api/v1/visits', query: ['school_id', 'from', 'to', 'limit', 'offset'] },
  visit: { method: 'GET', path: '/api/v1/visits/{id}' },
  visitCreate: {
    method: 'POST',
    path: '/api/v1/visits',
    body: ['unit_id', 'visit_date', 'title', 'announced', 'team', 'what_checked', 'report', 'status', 'school_ids'],
  },
  visitUpdate: {
    method: 'PATCH',
    path: '/api/v1/visits/{id}',
    body: ['visit_date', 'title', 'announced', 'team', 'what_checked', 'report', 'status'],
  },
  visitFindingCreate: {
    method: 'POST',
    path: '/api/v1/visits/{id}/findings',
    body: [
      'client_uuid', 'school_id', 'focus_problem', 'description', 'severity',
      'lat', 'lng', 'accuracy', 'coord_system', 'photo_ids', 'place',
    ],
    idempotent: true,
  },
  laggards: { method: 'GET', path: '/api/v1/supervision/laggards', query: ['unit_id', 'from', 'to'] },
  accountabilityCreate: {
    method: 'POST',
    path: '/api/v1/units/{id}/accountability',
    body: ['kind', 'reason', 'evidence', 'visit_id'],
  },
  // The year-end evaluation (figures.view): a unit's schools ranked, one school's criteria and
  // what cost it points; an inspector's score of a hand item (evaluation.score at the school).
  evaluation: { method: 'GET', path: '/api/v1/evaluation', query: ['unit_id', 'year'] },
  evaluationSchool: { method: 'GET', path: '/api/v1/evaluation/schools/{id}', query: ['year'] },
  scoreEvaluationItem: {
    method: 'PUT',
    path: '/api/v1/evaluation/schools/{id}/items/{code}',
    body: ['year', 'score', 'note'],
  },
  consoleLoginConfirm: { method: 'POST', path: '/api/v1/console-logins/confirm', body: ['code'] },
};
