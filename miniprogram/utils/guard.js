/**
 * The guards' post (门卫值班): the kinds of what a guard logs at the perimeter, the rows the shift
 * page shows (the hand-over note, the shift, its log), the body of a log entry, and the Chinese
 * words for the refusals of the guard endpoints (/guard/shifts, /guard/logs).
 */
const { formatDateTime } = require('./format');
const { timeOf } = require('./patrols');
const { tagTypeFor } = require('./tone');

// The six kinds, in the order of the grid on 记录情况 (big tap targets, one hand).
const KINDS = [
  { code: 'traffic', name: '交通拥堵', icon: 'logistics' },
  { code: 'vendors', name: '流动摊贩', icon: 'shop-o' },
  { code: 'loitering', name: '可疑人员', icon: 'eye-o' },
  { code: 'fence_gate', name: '围墙校门损坏', icon: 'warning-o' },
  { code: 'visitor_refused', name: '拒绝来访', icon: 'close' },
  { code: 'other', name: '其他', icon: 'ellipsis' },
];
const KIND_NAMES = Object.fromEntries(KINDS.map((kind) => [kind.code, kind.name]));
const MAX_PHOTOS = 3;
const NOTE_MAX = 200;
const HANDOVER_MAX = 500;

// What the guard endpoints' refusals mean for a guard (the server's messages are English).
const REFUSALS = {
  not_a_gate: '这不是校门的上岗二维码，请扫校门口的二维码',
  shift_open: '你已经在岗了，请先交班',
  shift_ended: '这一班已经交班了',
  no_open_shift: '你还没有上岗（或已经交班），请先扫码上岗',
  checkpoint_unknown: '这个二维码不是本校的校门码，请确认后重新扫码',
  checkpoint_replaced: '这张二维码已经作废，请扫新贴的二维码',
  checkpoint_inactive: '这个校门码已停用，请联系学校安全负责人',
  forbidden: '你没有门卫值班的权限，请联系学校安全负责人',
  too_far: '你离校门太远，请到校门口后再扫码上岗',
  uuid_conflict: '这条记录已用不同的内容提交过，请删除后重新记录',
};

/** The Chinese text of a guard endpoint's refusal (too_far keeps the client's text). */
function refusalText(err) {
  const code = err && err.code;
  if (code && Object.prototype.hasOwnProperty.call(REFUSALS, code)) return REFUSALS[code];
  return (err && err.message) || '发送失败，请稍后重试';
}

/** The hand-over card: the note, who left it and when ('' parts when there is none). */
function handoverView(handover, now = new Date()) {
  if (!handover || !handover.note) return null;
  const from = (handover.from && handover.from.name) || '上一班';
  return {
    note: handover.note,
    meta: `${from} · ${formatDateTime(handover.ended_at, now)} 交班`,
  };
}

/** The shift card: where and since when. */
function shiftView(shift, now = new Date()) {
  if (!shift) return null;
  return {
    id: shift.id,
    place: `${shift.school ? shift.school.name : ''} ${shift.checkpoint ? shift.checkpoint.name : ''}`.trim(),
    since: `${formatDateTime(shift.started_at, now)} 上岗`,
    logCount: Number(shift.log_count) || 0,
  };
}

/** A log entry as a row: kind tag, time, first photo's thumbnail, and what became of it. */
function logRow(log) {
  const raised = log.status === 'raised';
  const photo = (log.photos || [])[0];
  return {
    id: log.id,
    kindName: log.kind_name || KIND_NAMES[log.kind] || '其他',
    time: timeOf(log.occurred_at),
    note: log.note || '',
    thumb: (photo && (photo.thumb_url || photo.url)) || '',
    statusText: raised ? '已上报隐患' : '已处理',
    statusType: tagTypeFor(raised ? 'waiting' : 'done'),
    hazardId: log.hazard_id || null,
  };
}

/** A waiting entry of the guard outbox as a row (sending, waiting or failed). */
function queuedRow(entry) {
  let status = entry.status === 'failed' ? 'failed' : 'waiting';
  if (entry.sending) status = 'sending';
  return {
    id: entry.id,
    kindName: KIND_NAMES[entry.kind] || '其他',
    time: timeOf(entry.occurredAt),
    statusText: { waiting: '等待发送', sending: '发送中', failed: '发送失败' }[status],
    statusType: tagTypeFor({ waiting: 'waiting', sending: 'active', failed: 'alert' }[status]),
    error: entry.error || '',
    failed: status === 'failed',
  };
}

/** POST /guard/logs for an outbox entry and its uploaded photo ids. */
function logBody(entry, photoIds) {
  return {
    client_uuid: entry.clientUuid,
    kind: entry.kind,
    photo_ids: photoIds,
    lat: entry.position.lat,
    lng: entry.position.lng,
    accuracy: entry.position.accuracy,
    coord_system: entry.position.coord_system,
    note: entry.note || null,
    occurred_at: entry.occurredAt,
    raise_hazard: Boolean(entry.raiseHazard),
  };
}

/** What stops an entry from being sent: '' when it may go. */
function entryProblem({ kind, photos, note }) {
  if (!KIND_NAMES[kind]) return '请先选择情况类型';
  if (!photos || !photos.length) return '请至少拍一张照片';
  if (kind === 'other' && !String(note || '').trim()) return '选择“其他”时请写明情况';
  if (String(note || '').trim().length > NOTE_MAX) return `说明最多 ${NOTE_MAX} 字`;
  return '';
}

module.exports = {
  KINDS,
  KIND_NAMES,
  MAX_PHOTOS,
  NOTE_MAX,
  HANDOVER_MAX,
  refusalText,
  handoverView,
  shiftView,
  logRow,
  queuedRow,
  logBody,
  entryProblem,
};
