/**
 * The home page's view of a /me answer, the to-do and the outbox (pages/index/index): the roles as
 * people say them, the children, the tiles, and the two cards (待办, 待发送).
 */
const { tilesFor, contextOf, TILES } = require('./tiles');
const { grantLabel } = require('./format');
const { summaryOf, totalOf } = require('./todo');

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
  FIRST_START_OFFLINE, meView, todoCard, outboxCard, patrolOutboxCard, launchErrorText,
};
