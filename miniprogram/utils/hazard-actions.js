/**
 * The detail page's steps laid out as people expect them: one primary button for the step this
 * person most likely must take now, the rest as secondary buttons or behind "更多操作", and the
 * two pickers the steps need (the category of an unclassified hazard; the original of a duplicate).
 */
const { actionButtons, candidateRow } = require('./hazards');

// Which allowed step is the main one, most likely first. Classifying comes first for a hazard
// without a category (its plan cannot be made before); otherwise it is a correction, kept aside.
const PRIMARY_ORDER = ['verify', 'fix', 'start', 'plan', 'fix_on_spot'];
// Secondary steps shown as their own button beside the primary one (the others go in the sheet).
const INLINE = ['reject'];
const MORE = { action: 'more', label: '更多操作', type: 'default' };

/** The look of a secondary button: reject is red and plain, the others plain grey. */
const secondary = (a) => ({ ...a, type: a.action === 'reject' ? 'danger' : 'default', plain: true });

/**
 * {primary, buttons, more} for `allowed_actions`: `primary` (or null) is the main step,
 * `buttons` the secondary buttons beside it (the last may be 更多操作), `more` the steps behind
 * 更多操作, in ACTIONS order. Labels: "plan" reads 修改整改方案 once a plan exists.
 */
function actionLayout(allowed, { status, unclassified } = {}) {
  const set = new Set(allowed || []);
  const steps = actionButtons(allowed, status);
  const order = unclassified ? ['classify'].concat(PRIMARY_ORDER) : PRIMARY_ORDER.concat(['classify']);
  const mainAction = order.find((action) => set.has(action));
  const primary = steps.find((a) => a.action === mainAction) || null;
  const others = steps.filter((a) => a !== primary).map(secondary);
  const room = primary ? 1 : 2; // buttons beside the primary one
  if (others.length <= room) return { primary, buttons: others, more: [] };
  const inline = others.filter((a) => INLINE.includes(a.action)).slice(0, room);
  const more = others.filter((a) => !inline.includes(a));
  return { primary, buttons: inline.concat([{ ...MORE, plain: true }]), more };
}

/**
 * The two columns of the category picker (areas; the chosen area's focus problems) from the
 * active campaign, and the indexes to start from (the hazard's current category when it has one).
 */
function classifyPicker(campaign, current = null, areaIndex = null) {
  const areas = (campaign && campaign.areas) || [];
  let area = areaIndex;
  let problem = 0;
  if (area === null) {
    area = Math.max(0, areas.findIndex((a) => current && a.focus_problems.some((p) => p.code === current)));
    const found = areas[area] ? areas[area].focus_problems.findIndex((p) => p.code === current) : -1;
    problem = Math.max(0, found);
  }
  const problems = areas[area] ? areas[area].focus_problems : [];
  return {
    columns: [areas.map((a) => a.name), problems.map((p) => p.name)],
    index: [area, problem],
  };
}

/** The chosen {code, text} for picker indexes [area, problem], or null. */
function classifyChoice(campaign, index) {
  const area = ((campaign && campaign.areas) || [])[index[0]];
  const problem = area && area.focus_problems[index[1]];
  return problem ? { code: problem.code, text: `${area.name} · ${problem.name}` } : null;
}

/** The duplicate picker's rows: the nearby open hazards (never this one), nearest first. */
function candidateRows(hazards, selfId) {
  return (hazards || [])
    .filter((h) => h.id !== selfId)
    .sort((a, b) => Number(a.distance_m) - Number(b.distance_m))
    .map(candidateRow);
}

module.exports = {
  PRIMARY_ORDER, actionLayout, classifyPicker, classifyChoice, candidateRows,
};
