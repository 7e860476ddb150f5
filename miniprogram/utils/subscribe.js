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
 */
const api = require('../api/client');

const MAX_IDS = 3;
const ANSWERS = ['accept', 'reject', 'ban', 'filter'];

// The templates each moment asks for (keys of server/data/subscribe_templates.json).
const HAZARD_KEYS = ['hazard_overdue'];
const NOTICE_KEYS = ['notice', 'reminder'];

let templates = null; // key -> template, once loaded
let loading = null;

/** Whether this WeChat client can ask at all. */
function supported() {
  return typeof wx !== 'undefined' && typeof wx.requestSubscribeMessage === 'function';
}

function remember(res) {
  const byKey = {};
  ((res && res.templates) || []).forEach((t) => { byKey[t.key] = t; });
  templates = byKey;
  return templates;
}

/** Load the templates (once; `refresh` loads them again). Resolves null when unavailable. */
function prepare({ refresh = false } = {}) {
  if (!supported()) return Promise.resolve(null);
  if (templates && !refresh) return Promise.resolve(templates);
  if (!loading) {
    loading = api.call('subscriptionTemplates')
      .then(remember)
      .catch(() => null)
      .then((result) => { loading = null; return result; });
  }
  return loading;
}

/** The template ids to ask for `keys`: configured, and not already allowed for good (long-term). */
function idsFor(keys) {
  if (!templates) return [];
  const ids = [];
  keys.forEach((key) => {
    const t = templates[key];
    if (!t || !t.template_id || (t.long_term && t.granted_long_term)) return;
    if (!ids.includes(t.template_id)) ids.push(t.template_id);
  });
  return ids.slice(0, MAX_IDS);
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

/**
 * Ask for the templates of `keys` (HAZARD_KEYS, NOTICE_KEYS). Call it synchronously from a tap.
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

/** Forget the loaded templates (tests; after signing in as someone else). */
function forget() {
  templates = null;
  loading = null;
}

module.exports = {
  MAX_IDS, HAZARD_KEYS, NOTICE_KEYS, supported, prepare, request, idsFor, answersOf, forget,
};
