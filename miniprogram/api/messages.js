/**
 * Chinese text for the API's error codes (`{"error": {"code", ...}}`).
 *
 * The server's own `message` is English and meant for developers; people see only these.
 * A code missing here falls back to GENERIC_MESSAGE with the HTTP status.
 */
const MESSAGES = {
  // Login
  wechat_code_invalid: '微信登录已失效，请关闭小程序后重新打开',
  wechat_user_blocked: '该微信账号已被停用，请联系学校或教育局',
  wechat_unavailable: '微信服务暂时不可用，请稍后再试',
  account_disabled: '该账号已被停用，请联系学校或教育局',
  unauthorized: '登录已失效，请关闭小程序后重新打开',
  token_expired: '登录已过期，请关闭小程序后重新打开',
  token_revoked: '登录已失效，请关闭小程序后重新打开',

  // Invitations
  invitation_not_found: '邀请码不存在，请核对后重新输入',
  invitation_expired: '邀请码已过期，请联系邀请人重新生成',
  invitation_already_redeemed: '你已经使用过这个邀请码了',
  invitation_used_up: '这个邀请码的使用名额已满，请联系邀请人',
  invitation_revoked: '这个邀请码已被撤销，请联系邀请人',
  role_already_held: '你已经拥有这个身份了，无需重复加入',
  role_not_allowed_here: '这个单位不能设置该身份，请重新选择',
  name_required: '请先填写你的姓名',

  // Staff
  not_on_yourself: '不能撤销自己的身份或停用自己的账号，请联系其他管理员',
  beyond_your_scope: '此人还在你管理范围以外的单位任职，请联系上级管理员处理',

  // Children and classes
  class_not_found: '班级码不存在，请向班主任核对',
  child_already_bound: '你已经绑定过这个孩子了',
  too_many_children: '最多可以绑定 10 个孩子',
  not_a_school: '只有学校和幼儿园才有班级',
  child_not_on_roster: '班级名单上没有这个姓名，请向班主任核对孩子的姓名',
  too_many_attempts: '输错次数太多，请 10 分钟后再试',
  family_code_invalid: '家庭码不正确、已使用或已过期，请向班主任重新索取',
  already_decided: '这条绑定申请已经处理过了',
  pupil_exists: '名单上已有同名学生',
  roster_full: '班级名单人数已达上限',
  bind_conflict: '班级名单刚刚有变化，请重试',

  // WeChat's content rules
  content_risky: '内容含有违反微信内容安全规定的信息，请修改后重新提交',
  content_held: '内容正在审核中，审核通过后将自动发送',
  review_decided: '这条内容已经被其他管理员处理过了',
  content_refused: '这张照片未通过微信内容安全检查，不能放行',

  // Campaign
  no_active_campaign: '当前没有进行中的专项行动',

  // Photos
  photo_too_large: '照片太大，请压缩后重试',
  photo_too_many_pixels: '照片分辨率太高，请压缩后重试',
  photo_unsupported_type: '照片格式不支持，请使用 JPG、PNG、WebP 或 HEIC 照片',
  photo_type_mismatch: '照片文件与格式不符，请重新拍摄或选择',
  photo_damaged: '照片已损坏，请重新拍摄',
  photo_empty: '照片是空的，请重新拍摄',
  storage_unavailable: '照片存储暂时不可用，请稍后再试',

  // Hazards
  uuid_conflict: '这条隐患已用不同的内容上报过，请重新填写后上报',
  school_required: '请选择隐患所在的学校',
  invalid_transition: '隐患状态已经变化，请刷新后重试',
  fix_too_far: '请在隐患现场拍照提交',
  after_photo_invalid: '整改后的照片须在隐患上报之后于现场拍摄，请重新拍摄',
  own_fix_signoff: '整改提交人不能验收自己的整改，请由其他负责人验收',
  needs_plan: '重大隐患须制定整改方案，不能当场整改',
  needs_category: '请先确定隐患类别，再制定整改方案',

  // Notices
  already_sent: '这份通知已经发送过了',
  already_reminded_today: '今天已经提醒过这个班级的家长了，每个班级每天只能提醒一次',

  // Patrol rounds
  too_far: '你不在巡查点附近，请到巡查点后再提交',
  checkpoint_unknown: '这个二维码不是本系统的巡查点，请确认后重新扫码',
  checkpoint_replaced: '这个巡查点的二维码已更换，请扫描新贴的二维码',
  checkpoint_inactive: '这个巡查点已停用，请联系学校安全负责人',
  slot_already_done: '这一轮巡查你已经提交过了',
  photo_too_old: '照片是扫码之前拍的，请现场重新拍照',

  // Year-end evaluation
  no_evaluation: '这一年的考评还没有设置',
  no_such_item: '没有这个评分项目，请刷新后重试',

  // Generic
  validation_error: '填写的内容有误，请检查后重试',
  bad_request: '请求有误，请检查后重试',
  forbidden: '你没有权限进行这个操作',
  not_found: '要找的内容不存在或已被删除',
  method_not_allowed: '暂不支持这个操作，请更新小程序后重试',
  conflict: '内容已有变化，请刷新后重试',
  gone: '内容已失效，请刷新后重试',
  payload_too_large: '文件太大，请压缩后重试',
  unsupported_media_type: '文件格式不支持',
  rate_limited: '操作太频繁，请稍后再试',
  internal_error: '服务器出错了，请稍后再试',
  service_unavailable: '服务暂时不可用，请稍后再试',
};

const GENERIC_MESSAGE = '操作失败，请稍后再试';
const NETWORK_MESSAGE = '网络不可用，请检查网络后重试';
const LOGIN_FAILED_MESSAGE = '微信登录失败，请稍后再试';

/** Texts that say more when the error's `details` carry figures (too_far: how far, how near). */
const DETAIL_MESSAGES = {
  too_far: (details) => {
    const distance = Math.round(Number(details.distance_m));
    const radius = Math.round(Number(details.radius_m));
    if (!Number.isFinite(distance) || !Number.isFinite(radius)) return '';
    return `你不在巡查点附近（距离约 ${distance} 米，需在 ${radius} 米内），请到巡查点后再提交`;
  },
};

/**
 * The Chinese text for an error code, or the generic text with the HTTP status; `details` (the
 * API's) make some texts precise.
 */
function messageFor(code, status, details) {
  if (code && details && typeof details === 'object' && DETAIL_MESSAGES[code]) {
    const text = DETAIL_MESSAGES[code](details);
    if (text) return text;
  }
  if (code && Object.prototype.hasOwnProperty.call(MESSAGES, code)) return MESSAGES[code];
  return status ? `${GENERIC_MESSAGE}（${status}）` : GENERIC_MESSAGE;
}

/**
 * Clearer texts for generic codes in a known context: a `not_found` while opening a notice means
 * something more specific than "the content does not exist".
 */
const CONTEXT_MESSAGES = {
  notice: {
    not_found: '这份通知不存在，或不是发给你的',
    forbidden: '你没有权限查看这份通知',
  },
  noticeIssued: {
    not_found: '这份通知不存在，或不在你的管理范围内',
    forbidden: '你没有权限发布或查看这份通知',
  },
  noticeClass: {
    not_found: '通知或班级不存在，或通知还没有发送',
    forbidden: '只有本班班主任和本校安全负责人可以查看家长名单',
  },
  message: {
    not_found: '这条消息不存在或已被删除',
  },
  patrol: {
    uuid_conflict: '这一轮巡查已用不同的内容提交过，请重新扫码巡查',
    not_found: '这条巡查记录不存在，或不在你的查看范围内',
    forbidden: '你没有在这个学校巡查的权限',
  },
};

/** The text for an ApiError seen in `context` (a key of CONTEXT_MESSAGES), else its own message. */
function messageIn(context, err) {
  const texts = CONTEXT_MESSAGES[context] || {};
  const code = err && err.code;
  if (code && Object.prototype.hasOwnProperty.call(texts, code)) return texts[code];
  return (err && err.message) || GENERIC_MESSAGE;
}

module.exports = {
  MESSAGES, CONTEXT_MESSAGES, GENERIC_MESSAGE, NETWORK_MESSAGE, LOGIN_FAILED_MESSAGE, messageFor, messageIn,
};
