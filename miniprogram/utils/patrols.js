/**
 * Patrol rounds on the phone: reading a checkpoint's QR code, today's slots as the 今日巡查 page
 * groups them, the checklist of a round and its rules (a fail needs a note and a photo), the body
 * POST /patrols takes, and the rows of a round's summary and history.
 */
const { formatDateTime } = require('./format');
const { tagType } = require('./tone');
const { messageIn } = require('../api/messages');
const {
  isWater, waterRoundUrl, photoCount, kindRefusal, WATER_PHOTO_NEEDED,
} = require('./patrol-kinds');

const SCAN_PREFIX = 'SAFETY-CP:';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
const NOT_A_CHECKPOINT = '这不是巡查点的二维码。请扫描贴在巡查点上、标有“校园安全巡查点”的二维码';

/**
 * What wx.scanCode read -> `{token}` for a checkpoint code (`SAFETY-CP:<token>`), else
 * `{error}` with a message saying what to scan instead.
 */
function parseScan(result) {
  const text = String((result && result.result) || '').trim();
  if (!text.startsWith(SCAN_PREFIX)) return { error: NOT_A_CHECKPOINT };
  const token = text.slice(SCAN_PREFIX.length).trim();
  if (!TOKEN_PATTERN.test(token)) return { error: NOT_A_CHECKPOINT };
  return { token };
}

const SLOT_NAMES = { open: '待巡查', done: '已完成', late: '逾时完成', missed: '已错过' };

/** "08:30" of an ISO timestamp, in the phone's zone. */
function timeOf(value) {
  const date = new Date(value);
  if (!value || Number.isNaN(date.getTime())) return '';
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** Which group of 今日巡查 a slot belongs to at `now`: due, upcoming, done or missed. */
function slotGroup(slot, now = new Date()) {
  if (slot.status === 'done' || slot.status === 'late') return 'done';
  if (slot.status === 'missed') return 'missed';
  return new Date(slot.opens_at).getTime() > now.getTime() ? 'upcoming' : 'due';
}

/** A window's end: its time, with the date for a window of days (a water point's). */
function windowEnd(slot, now = new Date()) {
  const days = new Date(slot.closes_at).getTime() - new Date(slot.opens_at).getTime() > 86400000;
  return days ? formatDateTime(slot.closes_at, now) : timeOf(slot.closes_at);
}

/** A slot's row: where, which plan, its window, its status tag, what tapping opens. */
function slotRow(slot, now = new Date()) {
  const closed = slot.status === 'open' && new Date(slot.closes_at).getTime() < now.getTime();
  const visit = closed ? '' : waterRoundUrl(slot);
  return {
    id: slot.id,
    title: (slot.checkpoint && slot.checkpoint.name) || '巡查点',
    meta: [slot.plan && slot.plan.name, slot.school && slot.school.name].filter(Boolean).join(' · '),
    window: `${formatDateTime(slot.opens_at, now)} – ${windowEnd(slot, now)}`,
    statusText: closed ? '已过时限' : SLOT_NAMES[slot.status] || slot.status,
    statusType: tagType('slot', closed ? 'late' : slot.status),
    url: slot.patrol_id ? `/pages/patrol/detail?id=${slot.patrol_id}` : visit,
    linkText: slot.patrol_id ? '查看巡查结果 ›' : '去巡查 ›',
  };
}

const GROUPS = [
  { key: 'due', title: '现在该巡查' },
  { key: 'upcoming', title: '稍后' },
  { key: 'done', title: '已完成' },
  { key: 'missed', title: '已错过' },
];

/** Today's slots as sections in GROUPS order (empty ones left out), each sorted by opening time. */
function slotSections(slots, now = new Date()) {
  const sorted = (slots || []).slice().sort((a, b) => String(a.opens_at).localeCompare(String(b.opens_at)));
  return GROUPS.map((group) => {
    const rows = sorted.filter((slot) => slotGroup(slot, now) === group.key).map((slot) => slotRow(slot, now));
    return { ...group, count: rows.length, rows };
  }).filter((section) => section.count > 0);
}

/**
 * A slot as a 待办 row (utils/todo.js, written like a notice row): where, its window, and whether
 * it is due now or opens soon.
 */
function slotTodoRow(slot, group, now = new Date()) {
  const soon = new Date(slot.opens_at).getTime() > now.getTime();
  return {
    id: slot.id,
    url: waterRoundUrl(slot) || group.openUrl(slot.id),
    title: (slot.checkpoint && slot.checkpoint.name) || '巡查点',
    meta: [`${timeOf(slot.opens_at)}–${timeOf(slot.closes_at)}`, slot.plan && slot.plan.name, slot.school && slot.school.name]
      .filter(Boolean).join(' · '),
    pendingText: soon ? `${timeOf(slot.opens_at)} 开始` : '现在该巡查',
    statusType: tagType('slot', 'open'),
  };
}

/** The counts line of 今日巡查: "待巡查 2 · 已完成 3 · 已错过 1" (zeros left out but 待巡查). */
function countsText(counts) {
  const c = counts || {};
  const parts = [`待巡查 ${Number(c.open) || 0}`];
  const done = (Number(c.done) || 0) + (Number(c.late) || 0);
  if (done) parts.push(`已完成 ${done}`);
  if (Number(c.late)) parts.push(`其中逾时 ${c.late}`);
  if (Number(c.missed)) parts.push(`已错过 ${c.missed}`);
  return parts.join(' · ');
}

const ANSWERS = [
  { value: 'pass', label: '合格' },
  { value: 'fail', label: '不合格' },
  { value: 'na', label: '不适用' },
];
const ANSWER_NAMES = { pass: '合格', fail: '不合格', na: '不适用' };

/** The checklist of a template, every item unanswered. */
function roundItems(template) {
  return ((template && template.items) || []).map((item) => ({
    id: item.id,
    code: item.code,
    text: item.text,
    hint: item.hint || '',
    focus: item.focus_problem ? item.focus_problem.name : '',
    answer: '',
    note: '',
    photos: [],
    error: '',
  }));
}

/** How far the round is: `{answered, total, text: '已检查 3/5', percent, fails}`. */
function progressOf(items) {
  const total = items.length;
  const answered = items.filter((item) => item.answer).length;
  return {
    answered,
    total,
    text: `已检查 ${answered}/${total}`,
    percent: total ? Math.round((answered / total) * 100) : 0,
    fails: items.filter((item) => item.answer === 'fail').length,
  };
}

/** What is wrong with one item, '' when nothing: an answer; a fail needs a note and a photo. */
function itemError(item) {
  if (!item.answer) return '请选择检查结果';
  if (item.answer !== 'fail') return '';
  const noNote = !String(item.note || '').trim();
  const noPhoto = !(item.photos && item.photos.length);
  if (noNote && noPhoto) return '不合格须写明情况并拍照';
  if (noNote) return '不合格须写明情况';
  if (noPhoto) return '不合格须至少拍一张照片';
  return '';
}

/**
 * The round's check before sending: `{ok, errors: [message per item], first: index|-1,
 * photoError}`; a water visit (`water`) also needs at least one photo (photoError says so).
 */
function validateRound(items, { water = false } = {}) {
  const errors = items.map(itemError);
  const first = errors.findIndex(Boolean);
  const photoError = water && !photoCount(items, { water }) ? WATER_PHOTO_NEEDED : '';
  return {
    ok: first < 0 && !photoError, errors, first, photoError,
  };
}

/**
 * A round as the patrol outbox keeps it: the POST /patrols body without sent_at and photo ids
 * (`round`), its photos flat (`photos`) with how many belong to each answer (`photoCounts`).
 */
function roundEntry({
  clientUuid, token, checkpointId, templateId, position, scannedAt, items, checkpoint,
}) {
  // A water point has no sticker: its round names the checkpoint by id instead of the token.
  const water = isWater(checkpoint);
  const round = {
    ...(token ? { token } : { checkpoint_id: checkpointId }),
    template_id: templateId,
    lat: position.lat,
    lng: position.lng,
    accuracy: position.accuracy,
    coord_system: position.coord_system,
    scanned_at: scannedAt,
    answers: items.map((item) => {
      const answer = { item_id: item.id, answer: item.answer };
      if (item.answer !== 'pass' && String(item.note || '').trim()) answer.note = item.note.trim();
      return answer;
    }),
  };
  const withPhotos = items.map((item) => (water || item.answer === 'fail' ? item.photos : []));
  return {
    clientUuid,
    kind: (checkpoint && checkpoint.kind) || '',
    round,
    photos: withPhotos.flat(),
    photoCounts: withPhotos.map((list) => list.length),
    title: (checkpoint && checkpoint.name) || '巡查点',
    school: (checkpoint && checkpoint.school && checkpoint.school.name) || '',
  };
}

/** The POST /patrols body of an entry, with the uploaded photo ids and sent_at (the first try's, else now). */
function patrolBody(entry, photoIds, sentAt = entry.sentAt || new Date().toISOString()) {
  let next = 0;
  const answers = entry.round.answers.map((answer, index) => {
    const n = (entry.photoCounts && entry.photoCounts[index]) || 0;
    const ids = photoIds.slice(next, next + n);
    next += n;
    return n ? { ...answer, photo_ids: ids } : answer;
  });
  return { ...entry.round, answers, client_uuid: entry.clientUuid, sent_at: sentAt };
}

// School buses (issue 11): refusals only a round at a bus's sticker gets.
const BUS_REFUSALS = {
  no_trip_due: '现在不是这辆车的检查时间：请在发车前90分钟内检查',
};

/**
 * A refusal of a round in words, with what to do (the texts of api/messages.js, in a patrol's
 * context); `kind` is the checkpoint's ('water' words a too_far for the water's edge).
 */
function refusalText(err, kind = '') {
  const code = err && err.code;
  if (code && Object.prototype.hasOwnProperty.call(BUS_REFUSALS, code)) return BUS_REFUSALS[code];
  return kindRefusal(err, kind) || messageIn('patrol', err);
}

const FLAG_NAMES = {
  photo_reused: '照片疑似重复使用',
  photo_duplicate: '照片与以前的记录相同',
  photo_similar: '照片疑似重复使用',
  photo_no_time: '照片没有拍摄时间',
  low_accuracy: '定位精度较低',
};

/** A flag for supervisors: its name and what the server says about it. */
function flagRow(flag) {
  return {
    name: FLAG_NAMES[flag.kind] || '需要核查',
    detail: flag.detail || '',
    photoId: flag.photo_id || null,
  };
}

/** The counts of a round: "合格 4 · 不合格 1 · 不适用 0" (zeros kept: a full round shows them). */
function countsLine(counts) {
  const c = counts || {};
  return `合格 ${Number(c.pass) || 0} · 不合格 ${Number(c.fail) || 0} · 不适用 ${Number(c.na) || 0}`;
}

/** A history row of a round (PatrolSummary). */
function patrolRow(patrol) {
  return {
    id: patrol.id,
    url: `/pages/patrol/detail?id=${patrol.id}`,
    title: (patrol.checkpoint && patrol.checkpoint.name) || '巡查点',
    meta: [patrol.school && patrol.school.name, patrol.template && patrol.template.name].filter(Boolean).join(' · '),
    time: formatDateTime(patrol.scanned_at),
    counts: countsLine(patrol.counts),
    failed: Boolean(patrol.counts && patrol.counts.fail),
    failType: tagType('answer', 'fail'),
    late: Boolean(patrol.late_submission),
    lateType: tagType('patrol', 'late_submission'),
  };
}

/** The summary page's view of a Patrol; `supervisor` (patrol.view) also sees the flags. */
function patrolView(patrol, { supervisor = false } = {}) {
  const times = [
    { label: '扫码', value: formatDateTime(patrol.scanned_at) },
    { label: '提交', value: formatDateTime(patrol.sent_at) },
    { label: '服务器收到', value: formatDateTime(patrol.received_at) },
  ];
  return {
    ...patrolRow(patrol),
    meta: (patrol.school && patrol.school.name) || '',
    person: (patrol.user && patrol.user.display_name) || '',
    template: patrol.template ? `${patrol.template.name}（第 ${patrol.template.version} 版）` : '',
    times,
    distance: Number.isFinite(Number(patrol.distance_m)) && patrol.distance_m !== null
      ? `距巡查点约 ${Math.round(patrol.distance_m)} 米（定位精度 ${Math.round(patrol.accuracy_m || 0)} 米）`
      : '',
    flags: supervisor ? (patrol.flags || []).map(flagRow) : [],
    flagType: tagType('patrol', 'flagged'),
    answers: (patrol.answers || []).map((a) => ({
      id: a.item.id,
      text: a.item.text,
      answerText: ANSWER_NAMES[a.answer] || a.answer,
      answerType: tagType('answer', a.answer),
      note: a.note || '',
      photos: (a.photos || []).map((p) => ({ id: p.id, url: p.url, thumb: p.thumb_url || p.url })),
      hazardUrl: a.hazard_id ? `/pages/hazards/detail?id=${a.hazard_id}` : '',
    })),
  };
}

module.exports = {
  SCAN_PREFIX,
  NOT_A_CHECKPOINT,
  SLOT_NAMES,
  GROUPS,
  ANSWERS,
  ANSWER_NAMES,
  FLAG_NAMES,
  parseScan,
  timeOf,
  slotGroup,
  slotRow,
  slotSections,
  slotTodoRow,
  countsText,
  roundItems,
  progressOf,
  itemError,
  validateRound,
  roundEntry,
  patrolBody,
  refusalText,
  flagRow,
  countsLine,
  patrolRow,
  patrolView,
};
