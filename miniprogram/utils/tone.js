/**
 * One colour per meaning, everywhere: a status shown as a tag gets its colour from here, never
 * from the page. The meanings (and the design tokens behind them, app.wxss):
 *   waiting  someone must act (待制定方案, 待验收, 未确认, 待审核)   -> warning (orange)
 *   active   under way / informational (整改中, 发送中, 审核中)       -> primary (blue)
 *   done     finished well (已验收, 已确认, 已通过, 已开启)           -> success (green)
 *   alert    overdue, failed, refused, disabled, major              -> danger (red)
 *   off      closed, ended, duplicate, not applicable               -> default (grey)
 */
const TAG_TYPES = {
  waiting: 'warning',
  active: 'primary',
  done: 'success',
  alert: 'danger',
  off: 'default',
};

/** The meaning of each status of each kind of record the pages show. */
const MEANINGS = {
  hazard: {
    reported: 'waiting',
    planned: 'active',
    rectifying: 'active',
    fix_submitted: 'waiting',
    verified: 'done',
    fixed_on_spot: 'done',
    closed: 'off',
    duplicate: 'off',
    overdue: 'alert',
    major: 'alert',
  },
  noticeChild: { unread: 'waiting', read: 'waiting', acknowledged: 'done' },
  binding: { pending: 'waiting', approved: 'done', rejected: 'alert' },
  review: { pending: 'waiting', checking: 'active', passed: 'done', refused: 'alert' },
  outbox: { waiting: 'waiting', sending: 'active', failed: 'alert' },
  invitation: { active: 'done', used: 'off', expired: 'off', revoked: 'off' },
  person: { active: 'done', disabled: 'alert', self: 'active' },
  schedule: { enabled: 'active', ended: 'off' },
  subscription: { on: 'done', off: 'off' },
  notice: { draft: 'waiting', held: 'active', sent: 'done' },
  // A patrol slot: open waits for the round; done on time is done; late (done after its window)
  // is orange like waiting — finished, but something for the supervisor to look at; missed is an
  // alert.
  slot: { open: 'waiting', done: 'done', late: 'waiting', missed: 'alert' },
  // An answer of a round, and a round sent after the fact (补传: queued offline).
  answer: { pass: 'done', fail: 'alert', na: 'off', unanswered: 'waiting' },
  patrol: { late_submission: 'active', flagged: 'alert' },
  checkpoint: { active: 'done', inactive: 'off' },
  patrolPlan: { active: 'active', inactive: 'off' },
  // School buses: a trip on today's board (cleared green, failed and missed red, pending blue:
  // not yet due, nobody failed; late, inspected after departure, orange), a document alert
  // (expired or missing red, expiring orange), a bus in the registry.
  busTrip: {
    cleared: 'done', failed: 'alert', pending: 'active', missed: 'alert', late: 'waiting', none: 'off',
  },
  busAlert: {
    valid: 'done', expiring: 'waiting', expired: 'alert', missing: 'alert',
  },
  bus: { active: 'done', inactive: 'off' },
  // A water visit's period: the flood season is the tightest schedule (red), the summer holiday
  // next (orange), the rest of the year informational; a water point's kind is informational.
  waterPeriod: { flood: 'alert', summer: 'waiting', normal: 'active' },
  waterPoint: { kind: 'active', inactive: 'off' },
  // Supervision: a visit planned waits to be made, done is done, an unannounced one (暗访) is
  // informational; an accountability action (约谈, 通报) is an alert, another waits.
  visit: { planned: 'waiting', done: 'done', unannounced: 'active' },
  accountability: { interview: 'alert', notice: 'alert', other: 'waiting' },
};

/** The Vant tag type for a meaning ('waiting' -> 'warning'); unknown meanings read as 'off'. */
function tagTypeFor(meaning) {
  return TAG_TYPES[meaning] || TAG_TYPES.off;
}

/** The Vant tag type for a status of a kind of record: tagType('hazard', 'verified') -> 'success'. */
function tagType(kind, status) {
  const meanings = MEANINGS[kind] || {};
  return tagTypeFor(meanings[status]);
}

module.exports = { TAG_TYPES, MEANINGS, tagType, tagTypeFor };
