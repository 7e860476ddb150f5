/** Making invitations: which roles fit a unit, the request body, and how an invitation stands. */

const VALIDITY_CHOICES = [
  { hours: 24, label: '1 天' },
  { hours: 72, label: '3 天' },
  { hours: 168, label: '7 天' },
  { hours: 720, label: '30 天' }, // the server's maximum
];
const DEFAULT_HOURS = 72;
const MAX_USES_MIN = 1;
const MAX_USES_MAX = 500;

/**
 * The roles (from GET /roles) that may be held at a unit of this kind, each with a picker `label`
 * that marks the admin roles (`is_admin`: they may invite people and manage units themselves).
 */
function rolesForUnit(roles, unit) {
  if (!unit) return [];
  return roles
    .filter((role) => role.unit_kinds.includes(unit.kind))
    .map((role) => ({ ...role, label: role.is_admin ? `${role.name}（管理员）` : role.name }));
}

/**
 * The POST /invitations body for the chosen unit, role and class, or `{error}` in Chinese.
 * `class_id` is sent only for roles that need a class.
 */
function buildInvitationBody({ unit, role, klass, maxUses, hours }) {
  if (!unit) return { error: '请选择单位' };
  if (!role) return { error: '请选择身份' };
  if (!role.unit_kinds.includes(unit.kind)) return { error: `${unit.name}不能设置“${role.name}”` };
  if (role.needs_class && !klass) return { error: '请选择班级' };
  const uses = Number(maxUses);
  if (!Number.isInteger(uses) || uses < MAX_USES_MIN || uses > MAX_USES_MAX) {
    return { error: `可使用人数应为 ${MAX_USES_MIN}-${MAX_USES_MAX}` };
  }
  const body = {
    unit_id: unit.id,
    role: role.code,
    max_uses: uses,
    expires_in_hours: Number(hours) || DEFAULT_HOURS,
  };
  if (role.needs_class) body.class_id = klass.id;
  return { body };
}

/**
 * {status, text, active} for an invitation at time `now` (ms); `status` is the utils/tone.js
 * 'invitation' status its tag is coloured by.
 */
function invitationStatus(invitation, now = Date.now()) {
  if (invitation.revoked) return { status: 'revoked', text: '已撤销', active: false };
  if (new Date(invitation.expires_at).getTime() <= now) return { status: 'expired', text: '已过期', active: false };
  if (invitation.uses >= invitation.max_uses) return { status: 'used', text: '已用完', active: false };
  return { status: 'active', text: '有效', active: true };
}

module.exports = {
  VALIDITY_CHOICES,
  DEFAULT_HOURS,
  MAX_USES_MIN,
  MAX_USES_MAX,
  rolesForUnit,
  buildInvitationBody,
  invitationStatus,
};
