/**
 * Notices to parents as people see them: the parent's list and detail with each child's status,
 * the issued list, and who may write notices (mirrors server/services/notices.py WRITER_ROLES).
 */
const { formatDateTime } = require('./format');

const WRITER_ROLES = ['bureau_admin', 'bureau_staff', 'supervisor', 'school_admin'];
const RECEIVED_KEY = 'notices_received';

const STATUS = {
  unread: { text: '未读', type: 'danger' },
  read: { text: '已读', type: 'primary' },
  acknowledged: { text: '已确认', type: 'success' },
};

/** One child's status on a notice: its chip and its acknowledge button. */
function childStatus(child) {
  const key = child.acknowledged ? 'acknowledged' : (child.read ? 'read' : 'unread');
  return {
    childId: child.child_id,
    name: child.child_name,
    className: child.class_name || '',
    status: key,
    text: STATUS[key].text,
    type: STATUS[key].type,
    acknowledged: Boolean(child.acknowledged),
    acknowledgedAt: child.acknowledged_at ? formatDateTime(child.acknowledged_at) : '',
    buttonText: `确认已阅（${child.child_name}）`,
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

/** The parent's detail page. */
function noticeView(notice) {
  return {
    ...noticeRow(notice),
    body: notice.body || '',
    attachment: notice.attachment_url || '',
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
    time: notice.sent_at ? `${formatDateTime(notice.sent_at)} 发送` : `${formatDateTime(notice.created_at)} 保存，未发送`,
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
  noticeView,
  issuedRow,
  writerUnits,
  teacherClasses,
  mayOpenClass,
  markReceived,
  hasReceived,
};
