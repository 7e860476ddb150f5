/**
 * WeChat subscription messages (订阅消息): asking the user to allow pushes, and telling the server
 * what they answered.
 *
 * wx.requestSubscribeMessage works only when called straight from a tap, so:
 *  - a page calls `prepare()` when it loads: it fetches the configured templates
 *    (GET /subscriptions/templates) once for the whole app;
 *  - the tap handler calls `request(keys)` first thing, before any `await`: it calls wx right away
 *    with the template ids already known (at most 3, WeChat's limit per call).
 * The answer ({template_id: 'accept'|'reject'|'ban'|'filter', errMsg}) is reported to
 * POST /subscriptions in the background, template ids only; a failed report is dropped and never
 * blocks the page. On older WeChat clients without the API nothing is asked.
 *
 * Each person is asked for exactly what they will receive: the server marks the templates whose
 * messages reach the caller (`applies`, by what their roles allow: planners get new reports and
 * overdue hazards, signers fixes awaiting sign-off, parents notices...). A one-time template is
 * asked for again only once its grant is used up (nothing `remaining`); a long-term one never again
 * once granted. The templates are reloaded when older than MAX_AGE_MS, so a grant spent by a push
 * meanwhile is noticed at the next tap.
 */
const api = require('../api/client');

const MAX_IDS = 3;
const ANSWERS = ['accept', 'reject', 'ban', 'filter'];
const MAX_AGE_MS = 5 * 60 * 1000;

// The templates each moment asks for (keys of server/data/subscribe_templates.json); of these,
// only those that apply to the person and need asking are asked, at most MAX_IDS, in this order.
// Submitting a report (patrol staff and reporters): the outcome of their report, a task of theirs.
const HAZARD_KEYS = ['hazard_verified', 'hazard_assigned', 'task_reminder'];
// A step on a hazard (admins, signers, the responsible person): what awaits them next.
const HAZARD_ACTION_KEYS = [
  'hazard_reported', 'hazard_fix_submitted', 'hazard_overdue', 'hazard_rejected', 'hazard_assigned',
];
// Parents, on the notices pages.
const NOTICE_KEYS = ['notice', 'reminder'];
// Admins and the bureau's staff, on a hazard row, a 待办 entry and the hazard list's filters:
// reports awaiting their action, fixes awaiting sign-off, overdue hazards escalated to them.
const AWAITING_KEYS = ['hazard_reported', 'hazard_overdue', 'hazard_fix_submitted'];
// Patrol people, on 扫码巡查, submitting a round, 扫码上岗 and 去巡查: a round due soon, a round
// missed, the school's scheduled task reminders.
const PATROL_KEYS = ['patrol_due', 'patrol_missed', 'task_reminder'];
// School buses, on 今日校车 (扫码检查, 订阅不合格提醒) and on saving a bus: the safety officer's
// failed inspections first, then the inspectors' trips due and missed (each asked only of whom
// it reaches).
const BUS_KEYS = ['bus_failed', 'patrol_missed', 'patrol_due'];

let templates = null; // key -> template, once loaded
let loadedAt = 0;
let loading = null;

/** Whether this WeChat client can ask at all. */
function supported() {
  return typeof wx !== 'undefined' && typeof wx.requestSubscribeMessage === 'function';
}

function remember(res) {
  const byKey = {};
  ((res && res.templates) || []).forEach((t) => { byKey[t.key] = t; });
  templates = byKey;
  loadedAt = Date.now();
  return templates;
}

/**
 * Load the templates (once, and again when older than MAX_AGE_MS or on `refresh`). Resolves null
 * when unavailable (or when this client cannot ask).
 */
function prepare({ refresh = false } = {}) {
  if (!supported()) return Promise.resolve(null);
  const fresh = templates && Date.now() - loadedAt < MAX_AGE_MS;
  if (fresh && !refresh) return Promise.resolve(templates);
  if (!loading) {
    loading = api.call('subscriptionTemplates')
      .then(remember)
      .catch(() => null)
      .then((result) => { loading = null; return result; });
  }
  return loading;
}

/**
 * GET the templates now, whether or not this client can ask (我的 shows what is on even on old
 * WeChat clients). Rejects when the request fails.
 */
function load() {
  return api.call('subscriptionTemplates').then(remember);
}

/** Whether the person holds a grant for the template now (long-term, or one-time left). */
function isOn(t) {
  return Boolean(t && (t.granted_long_term || (!t.long_term && t.remaining > 0)));
}

/** Whether a template's messages reach this person (older servers did not say: assume so). */
function applies(t) {
  return Boolean(t && t.template_id && t.applies !== false);
}

/**
 * The template ids to ask for `keys`: configured, reaching this person, and not on now (never
 * granted, or a one-time grant used up).
 */
function idsFor(keys) {
  if (!templates) return [];
  const ids = [];
  keys.forEach((key) => {
    const t = templates[key];
    if (!applies(t) || isOn(t)) return;
    if (!ids.includes(t.template_id)) ids.push(t.template_id);
  });
  return ids.slice(0, MAX_IDS);
}

/**
 * What is on for `keys` (the page shows it): one entry per template that reaches this person,
 * {key, title, on, usedUp, remaining}; [] when the templates are not loaded.
 */
function status(keys) {
  if (!templates) return [];
  return keys.map((key) => templates[key]).filter(applies).map((t) => ({
    key: t.key,
    title: t.title,
    on: isOn(t),
    usedUp: Boolean(t.used_up) && !isOn(t),
    remaining: t.remaining || 0,
  }));
}

/** The answers for the ids asked: wx's result also carries errMsg (and may carry other keys). */
function answersOf(ids, res) {
  const results = {};
  ids.forEach((id) => {
    const answer = res && res[id];
    if (ANSWERS.includes(answer)) results[id] = answer;
  });
  return results;
}

/** POST the answers; resolves true when the server took them, false otherwise (never rejects). */
function report(results) {
  if (!Object.keys(results).length) return Promise.resolve(false);
  return api.call('subscriptionReport', { body: { results } })
    .then((res) => {
      if (res && Array.isArray(res.templates)) remember(res);
      return true;
    })
    .catch(() => false);
}

/** The keys of every configured template whose messages reach this person, in the server's order. */
function applicableKeys() {
  return Object.keys(templates || {}).filter((key) => applies(templates[key]));
}

/** What is on for every template that reaches this person (status() of them all), for 我的. */
function applicable() {
  return status(applicableKeys());
}

/** The keys of the templates reaching this person that are off (never granted, or used up). */
function offKeys() {
  return applicable().filter((s) => !s.on).map((s) => s.key);
}

/**
 * One word for what is on for `keys`, for a page to show: 'on' (every template that reaches this
 * person is granted), 'used_up' (a one-time grant was spent: ask again), 'off', or '' (unknown:
 * templates not loaded, or none reaches this person).
 */
function summary(keys) {
  const states = status(keys);
  if (!states.length) return '';
  if (states.every((s) => s.on)) return 'on';
  return states.some((s) => s.usedUp) ? 'used_up' : 'off';
}

/**
 * Ask for the templates of `keys` (HAZARD_KEYS, HAZARD_ACTION_KEYS, AWAITING_KEYS, NOTICE_KEYS,
 * PATROL_KEYS, BUS_KEYS, or offKeys()). Call it synchronously from a tap.
 * Resolves (never rejects) once the user has answered, with
 *   {supported, ready, asked: [ids], results: {id: answer}, accepted: n, reported: Promise<boolean>}
 * `ready` is false when the templates were not loaded (nothing asked; loading starts for next time);
 * `reported` settles when the server has heard the answers (or failed to).
 */
function request(keys) {
  const outcome = {
    supported: supported(),
    ready: Boolean(templates),
    asked: [],
    results: {},
    accepted: 0,
    reported: Promise.resolve(false),
  };
  if (!outcome.supported) return Promise.resolve(outcome);
  if (!outcome.ready) {
    prepare();
    return Promise.resolve(outcome);
  }
  const ids = idsFor(keys);
  if (!ids.length) return Promise.resolve(outcome);
  outcome.asked = ids;
  return new Promise((resolve) => {
    const answered = (results) => {
      outcome.results = results;
      outcome.accepted = Object.values(results).filter((a) => a === 'accept').length;
      outcome.reported = report(results);
      resolve(outcome);
    };
    try {
      wx.requestSubscribeMessage({
        tmplIds: ids,
        success: (res) => answered(answersOf(ids, res)),
        // e.g. errCode 20004: the user turned subscription messages off in settings.
        fail: () => answered({}),
      });
    } catch (err) {
      answered({});
    }
  });
}

/**
 * Ask for `keys` at most once per visit of `owner` (a page): the first tap asks, later taps with
 * the same keys do not (kept in the page's `pushAsked`, which a page clears to ask again, e.g. on
 * show). Call it synchronously from a tap; resolves the outcome of request(), or null when this
 * visit has asked for these keys already.
 */
function askOnce(owner, keys) {
  const moment = keys.join(' ');
  const asked = owner.pushAsked || {};
  if (asked[moment]) return Promise.resolve(null);
  const asking = request(keys);
  // Marked only once the templates were known: while they load nothing was asked, so the next
  // tap may ask.
  if (templates || !supported()) owner.pushAsked = { ...asked, [moment]: true };
  return asking;
}

/** Forget the loaded templates (tests; after signing in as someone else). */
function forget() {
  templates = null;
  loadedAt = 0;
  loading = null;
}

module.exports = {
  MAX_IDS,
  MAX_AGE_MS,
  HAZARD_KEYS,
  HAZARD_ACTION_KEYS,
  AWAITING_KEYS,
  NOTICE_KEYS,
  PATROL_KEYS,
  BUS_KEYS,
  supported,
  prepare,
  load,
  request,
  askOnce,
  applicable,
  offKeys,
  idsFor,
  status,
  summary,
  answersOf,
  forget,
};
