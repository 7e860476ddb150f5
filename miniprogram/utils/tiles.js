/**
 * Home-page tiles. A tile shows when the user's capabilities (from /me) include its `capability`;
 * a tile with `capability: null` always shows; a tile with `when` also needs that flag of the
 * context the home page passes in (e.g. `parent`: the user has children or received notices).
 * A new feature adds its tile by adding a row.
 * `icon` is a Vant icon name; `badge` names a count the home page passes in (the outbox, unread
 * messages).
 */
const TILES = [
  { capability: 'hazard.report', title: '上报隐患', icon: 'warning-o', url: '/pages/hazards/report', badge: 'outbox' },
  { capability: 'hazard.view', title: '隐患整改', icon: 'todo-list-o', url: '/pages/hazards/list' },
  { capability: 'inbox.view', title: '消息', icon: 'envelop-o', url: '/pages/inbox/index', badge: 'unread' },
  { capability: 'notice.read', title: '家长通知', icon: 'bullhorn-o', url: '/pages/notices/index', when: 'parent' },
  { capability: 'notice.write', title: '发布通知', icon: 'edit', url: '/pages/notices/compose' },
  { capability: 'notice.class_pending', title: '班级通知确认', icon: 'passed', url: '/pages/notices/issued?mode=class' },
  { capability: 'class.roster', title: '班级名单与绑定审核', icon: 'manager-o', url: '/pages/roster/index' },
  { capability: 'invitation.create', title: '邀请成员', icon: 'friends-o', url: '/pages/invite/create' },
  { capability: 'schedule.manage', title: '定时提醒', icon: 'clock-o', url: '/pages/schedules/index' },
  { capability: 'staff.manage', title: '人员管理', icon: 'manager-o', url: '/pages/staff/index' },
  { capability: 'content.review', title: '内容审核', icon: 'shield-o', url: '/pages/reviews/index' },
  { capability: 'child.bind', title: '绑定孩子', icon: 'contact', url: '/pages/children/bind' },
  { capability: 'campaign.view', title: '活动与隐患分类', icon: 'flag-o', url: '/pages/campaign/index' },
  { capability: 'unit.view', title: '单位与班级', icon: 'cluster-o', url: '/pages/units/index' },
  { capability: null, title: '加入单位', icon: 'scan', url: '/pages/join/index' },
  { capability: null, title: '我的', icon: 'user-o', url: '/pages/mine/index' },
];

const BADGE_TEXT = {
  outbox: (n) => `待发送 ${n} 条`,
  unread: (n) => `${n} 条未读`,
};

/**
 * The tiles for these capabilities. `counts` ({outbox: 2, unread: 5}) fills each tile's `badge`
 * (a number, '' for none) and `badgeText`; `context` ({parent: true}) holds the `when` flags.
 */
function tilesFor(capabilities, tiles = TILES, counts = {}, context = {}) {
  const allowed = capabilities || [];
  return tiles
    .filter((tile) => tile.capability === null || allowed.includes(tile.capability))
    .filter((tile) => !tile.when || Boolean(context[tile.when]))
    .map((tile) => {
      const n = tile.badge ? Number(counts[tile.badge]) || 0 : 0;
      return {
        capability: tile.capability,
        title: tile.title,
        icon: tile.icon,
        url: tile.url,
        badge: n > 0 ? n : '',
        badgeText: n > 0 ? BADGE_TEXT[tile.badge](n) : '',
      };
    });
}

module.exports = { TILES, tilesFor };
