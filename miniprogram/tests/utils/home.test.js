/** utils/home.js: which card a role sees first, the 今日巡查 card, the notices card. */
const { homeRoles, patrolCard, noticesCard } = require('../../utils/home');

const at = (h, m) => new Date(2026, 10, 29, h, m).toISOString();
const NOW = new Date(2026, 10, 29, 7, 40);
const slot = (id, name, opens, closes, status = 'open') => ({
  id, plan: { id: 1, name: '每日防火巡查' }, checkpoint: { id, name }, school: { id: 3, name: '城东第一小学' },
  opens_at: opens, closes_at: closes, status, patrol_id: null,
});
const STAFF = [{ id: 1, role: 'patrol_teacher' }];
const CHILD = [{ id: 31 }];

describe('homeRoles', () => {
  test('a patrol person: 今日巡查 first, then what waits to be sent, then 待办', () => {
    expect(homeRoles({ grants: STAFF, children: [], capabilities: ['patrol.do', 'hazard.report'] }))
      .toEqual({ patrolHome: true, parentHome: false, cards: ['patrol', 'outbox', 'patrolOutbox', 'todo'] });
  });

  test('a safety officer who also patrols keeps 待办 first', () => {
    expect(homeRoles({ grants: STAFF, children: [], capabilities: ['patrol.do', 'hazard.plan'] }))
      .toEqual({ patrolHome: false, parentHome: false, cards: ['outbox', 'patrolOutbox', 'todo'] });
  });

  test('a parent: the notices first and no 待办 card', () => {
    expect(homeRoles({ grants: [], children: CHILD, capabilities: ['notice.read'] }))
      .toEqual({ patrolHome: false, parentHome: true, cards: ['notices', 'outbox', 'patrolOutbox'] });
  });

  test('a patrol teacher with a child: 今日巡查, then 待办, then the notices', () => {
    expect(homeRoles({ grants: STAFF, children: CHILD, capabilities: ['patrol.do'] }).cards)
      .toEqual(['patrol', 'outbox', 'patrolOutbox', 'todo', 'notices']);
  });

  test('someone new: nothing special', () => {
    expect(homeRoles({ grants: [], children: [], capabilities: [] }))
      .toEqual({ patrolHome: false, parentHome: false, cards: ['outbox', 'patrolOutbox', 'todo'] });
  });
});

describe('patrolCard', () => {
  test('the counts (late ones are done, missed in the danger tone) and the round opening next', () => {
    const card = patrolCard({
      slots: [slot(2, '教学楼', at(9, 0), at(9, 30)), slot(1, '食堂', at(8, 0), at(8, 30)), slot(3, '配电室', at(6, 0), at(6, 30), 'missed')],
      counts: { open: 2, done: 1, late: 1, missed: 1 },
    }, { now: NOW });
    expect(card).toEqual({
      counts: [
        { key: 'open', text: '待巡查 2', alert: false },
        { key: 'done', text: '已完成 2', alert: false },
        { key: 'missed', text: '已错过 1', alert: true },
      ],
      next: '下一轮：食堂 08:00-08:30',
    });
  });

  test('a round open now is due now; nothing missed is not in the danger tone', () => {
    const card = patrolCard({ slots: [slot(1, '食堂', at(7, 30), at(8, 0))], counts: { open: 1, done: 0, late: 0, missed: 0 } }, { now: NOW });
    expect(card.next).toBe('现在该巡查：食堂 07:30-08:00');
    expect(card.counts.map((c) => c.alert)).toEqual([false, false, false]);
  });

  test('an open slot whose window has closed is not next', () => {
    const card = patrolCard({ slots: [slot(1, '食堂', at(7, 0), at(7, 30))], counts: { open: 1 } }, { now: NOW });
    expect(card.next).toBe('今天的巡查都已结束');
  });

  test('no slots today, still loading, could not load', () => {
    expect(patrolCard({ slots: [], counts: {} }, { now: NOW }).next).toBe('今天没有安排巡查，需要时也可以扫码巡查');
    expect(patrolCard(null)).toEqual({ counts: [], next: '正在加载今天的安排…' });
    expect(patrolCard(null, { failed: true })).toEqual({ counts: [], next: '暂时无法加载今天的安排，扫码巡查仍可使用' });
  });
});

describe('noticesCard', () => {
  const notice = (id, title, sentAt) => ({ id, title, sent_at: sentAt });

  test('several waiting: the count, the newest title, the list', () => {
    expect(noticesCard({ notices: { count: 3, items: [notice(1, '旧通知', '2026-11-01T00:00:00Z'), notice(2, '新通知', '2026-11-20T00:00:00Z')] } }))
      .toEqual({ count: 3, title: '3 条通知待确认', newest: '最新：新通知', url: '/pages/notices/index' });
  });

  test('one waiting: its detail', () => {
    expect(noticesCard({ notices: { count: 1, items: [notice(7, '防溺水', '2026-11-20T00:00:00Z')] } }).url).toBe('/pages/notices/detail?id=7');
  });

  test('none waiting says so; no answer yet gives no card', () => {
    expect(noticesCard({ notices: { count: 0, items: [] } })).toEqual({ count: 0, title: '通知都已确认', newest: '', url: '/pages/notices/index' });
    expect(noticesCard({})).toMatchObject({ count: 0, title: '通知都已确认' });
    expect(noticesCard(null)).toBeNull();
  });
});
