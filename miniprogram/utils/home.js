/**
 * The home page's view of a /me answer, the to-do and the outbox (pages/index/index): the roles as
 * people say them, the children, the tiles, and the cards in the order the person's role puts
 * first: a patrol person's 今日巡查, a safety officer's 待办, a parent's notices; then 待发送.
 */
const { tilesFor, contextOf, TILES } = require('./tiles');
const { grantLabel } = require('./format');
const { summaryOf, totalOf } = require('./todo');
const { timeOf } = require('./patrols');

const FIRST_START_OFFLINE = '手机没有网络。第一次使用需要联网登录，请连上网络后点“重试”。';

/** Page data for a /me answer; `received`: notices came before; `outboxCount` for the tile. */
function meView(me, { received = false, outboxCount = 0, patrolOutboxCount = 0 } = {}) {
  const grants = me.grants || [];
  const children = me.children || [];
  const name = me.user && me.user.display_name;
  const context = contextOf(me, { received });
  return {
    greeting: name ? `你好，${name}` : '你好',
    roles: grants.map((grant) => ({ id: grant.id, label: grantLabel(grant) })),
    children: children.map((child) => ({
      id: child.id,
      name: child.name,
      label: `${child.school.name} ${child.class.name} · ${child.relation_name}`,
    })),
    tiles: tilesFor(me.capabilities, TILES, { outbox: outboxCount, patrolOutbox: patrolOutboxCount }, context),
    newUser: context.newUser,
    ...homeRoles(me),
  };
}

/**
 * Who the home page opens for:
 *   patrolHome   patrols (patrol.do) but does not plan rectifications (hazard.plan): 今日巡查 first
 *   parentHome   has children and no staff role: the notices first, no 待办 card
 *   noticesCard  has children: the notices card shows (for staff only while some wait)
 *   cards        the order of the cards: 'patrol', 'notices', 'outbox', 'patrolOutbox', 'todo'
 * A safety officer (hazard.plan) keeps the 待办 card first, after what waits to be sent.
 */
function homeRoles(me) {
  const grants = (me && me.grants) || [];
  const children = (me && me.children) || [];
  const patrolHome = contextOf(me).patrolPerson;
  const parentHome = children.length > 0 && grants.length === 0;
  let cards = ['outbox', 'patrolOutbox', 'todo'];
  if (parentHome) cards = ['notices', 'outbox', 'patrolOutbox'];
  else if (children.length) cards = cards.concat('notices');
  if (patrolHome) cards = ['patrol'].concat(cards);
  return { patrolHome, parentHome, cards };
}

/** A slot's window "08:00-08:30". */
function windowOf(slot) {
  return `${timeOf(slot.opens_at)}-${timeOf(slot.closes_at)}`;
}

/**
 * The 今日巡查 card from GET /patrols/today (or its kept copy): the counts (待巡查, 已完成 with the
 * late ones, 已错过 in the danger tone when any) and the slot due now or next. Without an answer:
 * `failed` says the day's list could not be loaded (scanning still works), else it is loading.
 */
function patrolCard(answer, { failed = false, now = new Date() } = {}) {
  if (!answer) {
    return {
      counts: [],
      next: failed ? '暂时无法加载今天的安排，扫码巡查仍可使用' : '正在加载今天的安排…',
    };
  }
  const c = answer.counts || {};
  const missed = Number(c.missed) || 0;
  const counts = [
    { key: 'open', text: `待巡查 ${Number(c.open) || 0}`, alert: false },
    { key: 'done', text: `已完成 ${(Number(c.done) || 0) + (Number(c.late) || 0)}`, alert: false },
    { key: 'missed', text: `已错过 ${missed}`, alert: missed > 0 },
  ];
  const slots = (answer.slots || [])
    .filter((slot) => slot.status === 'open' && new Date(slot.closes_at).getTime() > now.getTime())
    .sort((a, b) => String(a.opens_at).localeCompare(String(b.opens_at)));
  let next = (answer.slots || []).length ? '今天的巡查都已结束' : '今天没有安排巡查，需要时也可以扫码巡查';
  if (slots.length) {
    const slot = slots[0];
    const name = (slot.checkpoint && slot.checkpoint.name) || '巡查点';
    const due = new Date(slot.opens_at).getTime() <= now.getTime();
    next = `${due ? '现在该巡查' : '下一轮'}：${name} ${windowOf(slot)}`;
  }
  return { counts, next };
}

/**
 * The notices card from the to-do's `notices` group: how many wait to be acknowledged, the newest
 * title, and what a tap opens (the notice when only one waits, else the list). None waiting: the
 * card says so and opens the list. Null before any to-do answer.
 */
function noticesCard(answer) {
  if (!answer) return null;
  const group = answer.notices || {};
  const count = Number(group.count) || 0;
  const items = Array.isArray(group.items) ? group.items : [];
  if (!count) return { count: 0, title: '通知都已确认', newest: '', url: '/pages/notices/index' };
  const newest = items.slice().sort((a, b) => String(b.sent_at || '').localeCompare(String(a.sent_at || '')))[0];
  return {
    count,
    title: `${count} 条通知待确认`,
    newest: newest ? `最新：${newest.title}` : '',
    url: count === 1 && newest ? `/pages/notices/detail?id=${newest.id}` : '/pages/notices/index',
  };
}

/** The 待办 card: the total and the non-empty groups ("已逾期 2"), or null before any answer. */
function todoCard(answer) {
  if (!answer) return null;
  const groups = summaryOf(answer);
  const total = totalOf(answer);
  return {
    total,
    text: total ? `${total} 项待办` : '暂无待办事项',
    groups: groups.map((g) => ({ key: g.key, text: `${g.title} ${g.count}`, alert: g.key === 'overdue' })),
  };
}

/** The 待发送 card from outbox.summary(), or null when nothing waits. */
function outboxCard(summary) {
  if (!summary || !summary.total) return null;
  const parts = [];
  if (summary.sending) parts.push(`发送中 ${summary.sending}`);
  if (summary.waiting) parts.push(`等待联网 ${summary.waiting}`);
  return {
    title: `${summary.total} 条隐患还没有发送`,
    detail: parts.join(' · '),
    failedText: summary.failed ? `${summary.failed} 条发送失败，点此查看原因` : '',
  };
}

/** The 待发送 card of patrol rounds (opens 今日巡查, which lists them), or null when none wait. */
function patrolOutboxCard(summary) {
  const card = outboxCard(summary);
  if (!card) return null;
  return {
    ...card,
    title: `${summary.total} 轮巡查还没有发送`,
    failedText: summary.failed ? `${summary.failed} 轮发送失败，点此查看原因` : '',
  };
}

/** The words of a launch that failed: the first start without signal says so plainly. */
function launchErrorText(err) {
  if (err && (err.code === 'network_error' || err.code === 'wechat_login_failed')) return FIRST_START_OFFLINE;
  return (err && err.message) || '登录失败，请稍后重试';
}

module.exports = {
  FIRST_START_OFFLINE,
  meView,
  homeRoles,
  patrolCard,
  noticesCard,
  todoCard,
  outboxCard,
  patrolOutboxCard,
  launchErrorText,
};
