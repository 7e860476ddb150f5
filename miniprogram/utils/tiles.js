/**
 * Home-page tiles: only what the person's roles use. A tile shows when the user's capabilities
 * (from /me) include its `capability` (a list: any one of them); `capability: null` needs none. A
 * tile with `when` also needs that flag of the context (contextOf): the home page passes /me and
 * whether notices were received. A new feature adds its tile by adding a row. What is a tab
 * (消息, 我的) has no tile; 加入单位 moves to 我的 once one has joined.
 * `icon` is a Vant icon name; `badge` names a count the home page passes in (the outbox).
 */
const TILES = [
  { capability: 'hazard.report', title: '上报隐患', icon: 'warning-o', url: '/pages/hazards/report', badge: 'outbox' },
  { capability: 'hazard.view', title: '隐患整改', icon: 'todo-list-o', url: '/pages/hazards/list' },
  // A patrol person starts the day on the home page's 今日巡查 card (utils/home.js); a safety
  // officer who also patrols finds 今日巡查 here, after the hazard tiles.
  { capability: 'patrol.do', title: '今日巡查', icon: 'scan', url: '/pages/patrol/today', when: 'patrolTile', badge: 'patrolOutbox' },
  { capability: 'checkpoint.manage', title: '巡查点与二维码', icon: 'qr', url: '/pages/patrol/checkpoints' },
  { capability: 'patrol.plan', title: '巡查计划', icon: 'calendar-o', url: '/pages/patrol/plans' },
  { capability: 'patrol.view', title: '巡查统计', icon: 'chart-trending-o', url: '/pages/patrol/compliance' },
  // 防溺水: water patrols and the safety officer (water.manage) keep the points and visit them;
  // supervisors (patrol.view) see them, and the coverage.
  { capability: ['water.manage', 'patrol.view'], title: '水域巡查', icon: 'location-o', url: '/pages/water/index' },
  { capability: 'patrol.view', title: '水域巡查统计', icon: 'bar-chart-o', url: '/pages/water/coverage' },
  { capability: 'guard.duty', title: '门卫值班', icon: 'shield-o', url: '/pages/guard/shift' },
  { capability: 'notice.read', title: '家长通知', icon: 'bullhorn-o', url: '/pages/notices/index', when: 'parent' },
  { capability: 'notice.write', title: '发布通知', icon: 'edit', url: '/pages/notices/compose' },
  { capability: 'notice.class_pending', title: '班级通知确认', icon: 'passed', url: '/pages/notices/issued?mode=class' },
  { capability: 'class.roster', title: '班级名单与绑定审核', icon: 'manager-o', url: '/pages/roster/index' },
  { capability: 'invitation.create', title: '邀请成员', icon: 'friends-o', url: '/pages/invite/create' },
  { capability: 'schedule.manage', title: '定时提醒', icon: 'clock-o', url: '/pages/schedules/index' },
  { capability: 'staff.manage', title: '人员管理', icon: 'manager-o', url: '/pages/staff/index' },
  { capability: 'content.review', title: '内容审核', icon: 'shield-o', url: '/pages/reviews/index' },
  { capability: 'child.bind', title: '绑定孩子', icon: 'contact', url: '/pages/children/bind', when: 'mayBindChild' },
  // Supervisors and the bureau follow the campaign across schools; reporters find its categories
  // from the report page ("隐患分类说明").
  { capability: ['hazard.escalation', 'notice.completion'], title: '活动与隐患分类', icon: 'flag-o', url: '/pages/campaign/index', when: 'aboveSchool' },
  { capability: 'unit.view', title: '单位与班级', icon: 'cluster-o', url: '/pages/units/index' },
  { capability: null, title: '加入单位', icon: 'scan', url: '/pages/join/index', when: 'newUser' },
  // School buses: today's board for the bus inspectors and the school's safety officer (not for
  // every teacher who patrols), and the registry for those who keep it.
  { capability: 'patrol.do', title: '今日校车', icon: 'logistics', url: '/pages/bus/board', when: 'busPerson' },
  { capability: 'bus.manage', title: '校车登记', icon: 'records', url: '/pages/bus/index' },
  // Supervision (issue 12): the figures and the schools needing attention for those above schools;
  // visits for whoever records them (a bureau's inspectors, a center school's supervisor).
  { capability: 'figures.view', title: '督导数据', icon: 'chart-trending-o', url: '/pages/supervision/figures', when: 'aboveSchool' },
  { capability: 'visit.record', title: '督导检查', icon: 'eye-o', url: '/pages/supervision/visits' },
  { capability: 'figures.view', title: '需关注单位', icon: 'warn-o', url: '/pages/supervision/laggards', when: 'aboveSchool' },
  // The year-end evaluation: the ranking for those above schools, a school's own score for its
  // managers (they too hold figures.view there).
  { capability: 'figures.view', title: '年终考评', icon: 'medal-o', url: '/pages/supervision/evaluation' },
  // The web console: the page opens the camera to scan the PC's code, then asks to confirm.
  { capability: 'unit.view', title: '电脑端登录', icon: 'desktop-o', url: '/pages/console/confirm' },
];

const SCHOOL_KINDS = ['school', 'kindergarten'];

const BADGE_TEXT = {
  outbox: (n) => `待发送 ${n} 条`,
  patrolOutbox: (n) => `待发送 ${n} 轮`,
};

// The roles whose holders inspect buses before each trip.
const BUS_ROLES = ['bus_inspector'];

/** Whether 今日校车 concerns this person: a bus inspector, or a school's safety officer. */
function busPerson(grants, capabilities) {
  if (grants.some((g) => BUS_ROLES.includes(g.role))) return true;
  const keeps = capabilities.includes('bus.manage') || capabilities.includes('hazard.plan');
  return keeps && grants.some((g) => g.unit && SCHOOL_KINDS.includes(g.unit.kind));
}

/**
 * The `when` flags for a /me answer:
 *   parent        has children, or has received notices (`received`)
 *   newUser       no role and no child yet: the ways in (加入单位, 绑定孩子) show on the home page
 *   mayBindChild  a parent, or someone new; staff find 绑定孩子 under 我的
 *   aboveSchool   holds a role at a unit above schools (a center school, a group, the bureau)
 *   patrolPerson  patrols (patrol.do) and plans no rectifications (no hazard.plan: teachers,
 *                 guards): the home page opens on the 今日巡查 card, so no tile
 *   patrolTile    patrols and plans rectifications (a safety officer): the 今日巡查 tile
 *   busPerson     holds the bus inspector role, or keeps buses or plans rectifications at a
 *                 school (bus.manage / hazard.plan with a role at a school): 今日校车
 */
function contextOf(me, { received = false } = {}) {
  const grants = (me && me.grants) || [];
  const children = (me && me.children) || [];
  const capabilities = (me && me.capabilities) || [];
  const patrols = capabilities.includes('patrol.do');
  const officer = capabilities.includes('hazard.plan');
  return {
    patrolPerson: patrols && !officer,
    patrolTile: patrols && officer,
    parent: children.length > 0 || Boolean(received),
    newUser: grants.length === 0 && children.length === 0,
    mayBindChild: children.length > 0 || grants.length === 0,
    aboveSchool: grants.some((g) => g.unit && g.unit.kind && !SCHOOL_KINDS.includes(g.unit.kind)),
    busPerson: busPerson(grants, capabilities),
  };
}

/** Whether `capabilities` allow the tile (any of its list; none needed for null). */
function allows(capabilities, tile) {
  if (tile.capability === null) return true;
  const needed = Array.isArray(tile.capability) ? tile.capability : [tile.capability];
  return needed.some((cap) => capabilities.includes(cap));
}

/**
 * The tiles for these capabilities. `counts` ({outbox: 2}) fills each tile's `badge` (a number,
 * '' for none) and `badgeText`; `context` (contextOf) holds the `when` flags.
 */
function tilesFor(capabilities, tiles = TILES, counts = {}, context = {}) {
  const allowed = capabilities || [];
  return tiles
    .filter((tile) => allows(allowed, tile))
    .filter((tile) => !tile.when || Boolean(context[tile.when]))
    .map((tile) => {
      const n = tile.badge ? Number(counts[tile.badge]) || 0 : 0;
      return {
        title: tile.title,
        icon: tile.icon,
        url: tile.url,
        badge: n > 0 ? n : '',
        badgeText: n > 0 ? BADGE_TEXT[tile.badge](n) : '',
      };
    });
}

module.exports = { TILES, contextOf, tilesFor };
