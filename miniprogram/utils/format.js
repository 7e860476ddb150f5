/** Small display helpers shared by pages. */

/** "班主任 @ 城关小学（三年级2班）" for a grant from /me or from a redeemed invitation. */
function grantLabel(grant) {
  if (!grant) return '';
  const unit = grant.unit ? grant.unit.name : '';
  const klass = grant.class && grant.class.name ? `（${grant.class.name}）` : '';
  return `${grant.role_name} @ ${unit}${klass}`;
}

/** "2024-03-31" or an ISO timestamp -> "2024年3月31日". */
function formatDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || '');
  if (!match) return value || '';
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

/** An ISO timestamp -> "2024年3月31日 14:05" in the phone's time zone. */
function formatDateTime(value) {
  const date = new Date(value);
  if (!value || Number.isNaN(date.getTime())) return value || '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}年${date.getMonth() + 1}月${date.getDate()}日 `
    + `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

module.exports = { grantLabel, formatDate, formatDateTime };
