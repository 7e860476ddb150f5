/** Unit hierarchy helpers: bureau -> center school / school group -> school / kindergarten. */

// Kinds that have classes (and no units below them); mirrors server/roles.py SCHOOL_KINDS.
const SCHOOL_KINDS = ['school', 'kindergarten'];

function isSchool(unit) {
  return Boolean(unit) && SCHOOL_KINDS.includes(unit.kind);
}

/**
 * Walk the tree from `roots`, fetching each non-school unit's children with
 * `fetchChildren(unitId) -> Promise<[Unit]>`, one level at a time (the siblings of a level in
 * parallel). Resolves with the units in tree order, each with its `depth` (roots are 0) and a
 * `label` indented with full-width spaces for a picker.
 */
async function flattenUnitTree(roots, fetchChildren) {
  const childrenOf = {};
  let level = roots;
  while (level.length) {
    const parents = level.filter((unit) => !isSchool(unit));
    const lists = await Promise.all(parents.map((unit) => fetchChildren(unit.id)));
    level = [];
    parents.forEach((unit, i) => {
      childrenOf[unit.id] = lists[i];
      level = level.concat(lists[i]);
    });
  }
  const flat = [];
  const visit = (unit, depth) => {
    flat.push({ ...unit, depth, label: `${'　'.repeat(depth)}${unit.name}` });
    (childrenOf[unit.id] || []).forEach((child) => visit(child, depth + 1));
  };
  roots.forEach((unit) => visit(unit, 0));
  return flat;
}

/**
 * A page's unit picker from GET /units: {id, name} rows, and the one to show first — `wantedId`
 * when it is among them (a link opened the page for it), else the first.
 */
function unitChoices(units, wantedId) {
  const rows = (units || []).map((u) => ({ id: u.id, name: u.name }));
  return { units: rows, chosen: rows.find((u) => u.id === wantedId) || rows[0] || null };
}

module.exports = { SCHOOL_KINDS, isSchool, flattenUnitTree, unitChoices };
