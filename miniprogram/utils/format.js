/** Small display helpers shared by pages. Dates leave out the year when it is this year. */

/**
 * How people say a role: "学校安全负责人 · 城东第一小学", "班主任 · 城关小学 三年级2班", for a
 * grant from /me or from a redeemed invitation.
 */
function grantLabel(grant) {
  if (!grant) return '';
  const unit = grant.unit ? grant.unit.name : '';
  const klass = grant.class && grant.class.name ? ` ${grant.class.name}` : '';
  const where = `${unit}${klass}`;
  return where ? `${grant.role_name} · ${where}` : grant.role_name;
}

/** "2024-03-31" or an ISO timestamp -> "2024年3月31日", or "3月31日" in the current year. */
function formatDate(value, now = new Date()) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || '');
  if (!match) return value || '';
  const day = `${Number(match[2])}月${Number(match[3])}日`;
  return Number(match[1]) === now.getFullYear() ? day : `${match[1]}年${day}`;
}

/** An ISO timestamp -> "3月31日 14:05" (with the year when not this year), in the phone's zone. */
function formatDateTime(value, now = new Date()) {
  const date = new Date(value);
  if (!value || Number.isNaN(date.getTime())) return value || '';
  const pad = (n) => String(n).padStart(2, '0');
  const year = date.getFullYear() === now.getFullYear() ? '' : `${date.getFullYear()}年`;
  return `${year}${date.getMonth() + 1}月${date.getDate()}日 `
    + `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

module.exports = { grantLabel, formatDate, formatDateTime };
