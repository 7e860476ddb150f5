/**
 * Notices to parents as people see them: the parent's list and detail with each child's status,
 * the issued list, and who may write notices (mirrors server/services/notices.py WRITER_ROLES).
 */
const { formatDateTime } = require('./format');
const { tagType } = require('./tone');

const WRITER_ROLES = ['bureau_admin', 'bureau_staff', 'supervisor', 'school_admin'];
const RECEIVED_KEY = 'notices_received';

// What a parent needs to know per child: acknowledged or not (both not-yet states wait for them).
const STATUS_TEXT = { unread: '未确认', read: '未确认', acknowledged: '已确认' };

/** One child's status on a notice: its tag (colour from utils/tone.js) and its acknowledge button. */
function childStatus(child) {
  const key = child.acknowledged ? 'acknowledged' : (child.read ? 'read' : 'unread');
  return {
    childId: child.child_id,
    name: child.child_name,
    className: child.class_name || '',
    status: key,
    text: STATUS_TEXT[key],
    type: tagType('noticeChild', key),
    acknowledged: Boolean(child.acknowledged),
    acknowledgedAt: child.acknowledged_at ? formatDateTime(child.acknowledged_at) : '',
  };
}

/** A row of the parent's list. */
function noticeRow(notice) {
  const children = (notice.children || []).map(childStatus);
  return {
    id: notice.id,
    title: notice.title,
    unit: notice.unit ? notice.unit.name : '',
    time: formatDateTime(notice.sent_at || notice.created_at),
    children,
    pending: children.some((c) => !c.acknowledged),
  };
}

/**
 * The parent's acknowledge bar for a notice's children (from childStatus): the children still to
 * confirm, the line above the button, and, once none is left, the done line.
 */
function ackBar(children) {
  const list = children || [];
  const pending = list.filter((c) => !c.acknowledged);
  const names = pending.map((c) => c.name).join('、');
  let note = '';
  if (pending.length === 1 && list.length > 1) note = `为${names}确认`;
  else if (pending.length > 1) note = `将为 ${names} 共 ${pending.length} 个孩子确认`;
  return {
    pendingIds: pending.map((c) => c.childId),
    several: pending.length > 1,
    note,
    done: list.length > 0 && pending.length === 0,
    doneText: list.length > 1 ? `已为全部 ${list.length} 个孩子确认` : '已确认阅读并知晓',
  };
}

/** The parent's detail page. */
function noticeView(notice) {
  const row = noticeRow(notice);
  return {
    ...row,
    body: notice.body || '',
    attachment: notice.attachment_url || '',
    bar: ackBar(row.children),
  };
}

/**
 * A class's acknowledged x/y on a notice of the class list (`class_children` reached,
 * `class_acknowledged` acknowledged); null when the server sends neither (an older server).
 */
function classProgress(notice) {
  const total = Number(notice.class_children);
  if (notice.class_children === undefined || notice.class_children === null || Number.isNaN(total)) return null;
  if (total <= 0) return { reached: false, text: '未送达：该班暂无已绑定的家长', percent: 0, done: false };
  const acknowledged = Math.min(total, Math.max(0, Number(notice.class_acknowledged) || 0));
  return {
    reached: true,
    text: `已确认 ${acknowledged}/${total}`,
    percent: Math.round((acknowledged / total) * 1000) / 10,
    done: acknowledged === total,
  };
}

/** A row of the issued list (writers) or of a class's notices. */
function issuedRow(notice) {
  return {
    id: notice.id,
    title: notice.title,
    unit: notice.unit ? notice.unit.name : '',
    unitId: notice.unit ? notice.unit.id : null,
    sent: Boolean(notice.sent_at),
    underReview: !notice.sent_at && Boolean(notice.under_review),
    // Not sent yet: 审核中 (held by the content check) or 未发送 (a draft), coloured by utils/tone.js.
    draftType: tagType('notice', notice.under_review ? 'held' : 'draft'),
    time: notice.sent_at ? `${formatDateTime(notice.sent_at)} 发送` : `${formatDateTime(notice.created_at)} 保存，未发送`,
    classAck: classProgress(notice),
  };
}

/** The units the user may issue notices from (one per unit, in the order of the grants). */
function writerUnits(grants) {
  const units = [];
  (grants || []).forEach((grant) => {
    if (!WRITER_ROLES.includes(grant.role) || !grant.unit) return;
    if (!units.some((u) => u.id === grant.unit.id)) units.push(grant.unit);
  });
  return units;
}

/** The classes the user is class teacher of: [{id, name, school}]. */
function teacherClasses(grants) {
  return (grants || [])
    .filter((grant) => grant.role === 'class_teacher' && grant.class)
    .map((grant) => ({ id: grant.class.id, name: grant.class.name, school: grant.unit ? grant.unit.name : '' }));
}

/**
 * Whether the user may see a class's parents (mirrors the server): its class teacher, or staff of
 * its school itself (not of units above it).
 */
function mayOpenClass(grants, schoolId, classId) {
  return (grants || []).some((grant) => grant.unit && grant.unit.id === schoolId
    && (grant.role !== 'class_teacher' || Boolean(grant.class && grant.class.id === classId)));
}

// The "家长通知" tile shows for parents: children in /me, or notices received before.
function markReceived() {
  wx.setStorageSync(RECEIVED_KEY, true);
}

function hasReceived() {
  return wx.getStorageSync(RECEIVED_KEY) === true;
}

module.exports = {
  WRITER_ROLES,
  RECEIVED_KEY,
  childStatus,
  noticeRow,
  ackBar,
  noticeView,
  classProgress,
  issuedRow,
  writerUnits,
  teacherClasses,
  mayOpenClass,
  markReceived,
  hasReceived,
};
