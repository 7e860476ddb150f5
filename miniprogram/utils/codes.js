/**
 * Codes people type or scan: invitation codes (8 characters) and class codes (6 characters).
 * The server draws them from an alphabet without look-alikes and accepts lower case, spaces and the
 * QR prefix; checking the same here saves a round trip for a typo.
 */
const INVITE_QR_PREFIX = 'SAFETY-INVITE:';
const INVITE_CODE_LENGTH = 8;
const CLASS_CODE_LENGTH = 6;
const CODE_PATTERN = /^[A-Z0-9]+$/;

/** Uppercase and drop every space (people copy codes with spaces and line breaks). */
function cleanCode(text) {
  return String(text || '').replace(/\s+/g, '').toUpperCase();
}

/** A scanned QR text or a typed code -> the bare invitation code. */
function normalizeInviteCode(text) {
  const cleaned = cleanCode(text);
  return cleaned.startsWith(INVITE_QR_PREFIX) ? cleaned.slice(INVITE_QR_PREFIX.length) : cleaned;
}

/** The Chinese problem with a code, or '' when it looks right. */
function codeProblem(code, length, what) {
  if (!code) return `请输入${what}`;
  if (code.length !== length || !CODE_PATTERN.test(code)) return `${what}应为 ${length} 位字母或数字`;
  return '';
}

module.exports = {
  INVITE_QR_PREFIX,
  INVITE_CODE_LENGTH,
  CLASS_CODE_LENGTH,
  cleanCode,
  normalizeInviteCode,
  inviteCodeProblem: (code) => codeProblem(code, INVITE_CODE_LENGTH, '邀请码'),
  classCodeProblem: (code) => codeProblem(code, CLASS_CODE_LENGTH, '班级码'),
};
