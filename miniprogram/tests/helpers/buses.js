/** School-bus API answers shaped like the contract of issue 11, for the bus tests. */

/** A trip of today's board departing `departs` minutes from `now` (its window: 90 minutes before). */
function trip(code, departs, state, extra = {}, now = new Date()) {
  const at = (m) => new Date(now.getTime() + m * 60000);
  const hm = (d) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  return {
    code,
    name: { morning: '早班', noon: '午班', afternoon: '晚班' }[code],
    departs_at: hm(at(departs)),
    slot_id: state === 'none' ? null : 12,
    opens_at: at(departs - 90).toISOString(),
    closes_at: at(departs).toISOString(),
    state,
    patrol_id: null,
    inspector: null,
    inspected_at: null,
    failed_items: [],
    ...extra,
  };
}

/**
 * The instant the board tests run at. The board's times are minutes from now, and a trip's line
 * shows a date when its inspection falls on another day than its window, so a run in the small
 * hours would read differently: mid-day both in UTC and in China time, on the board's day.
 */
const BOARD_NOW = '2026-11-30T10:00:00Z';

/** Fake only the clock (Date) at `iso`; timers stay real for the simulator. */
function freezeClock(iso = BOARD_NOW) {
  jest.useFakeTimers({
    now: new Date(iso),
    doNotFake: [
      'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame',
      'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate',
      'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout',
    ],
  });
}

/** A board of school 3 with every trip state and every kind of alert. */
function board(now = new Date()) {
  const at = (m) => new Date(now.getTime() + m * 60000).toISOString();
  const inspector = { id: 5, name: '王师傅' };
  return {
    day: '2026-11-30',
    school: { id: 3, name: '城东第一小学' },
    counts: {
      cleared: 1, failed: 1, pending: 2, missed: 1, late: 1,
    },
    buses: [
      {
        bus: { id: 1, plate: '皖L12345', seats: 35 },
        checkpoint_id: 40,
        alerts: [
          { kind: 'agreement', state: 'expiring', text: '安全协议12月5日到期' },
          { kind: 'video_alarm', state: 'missing', text: '未装视频报警' },
        ],
        trips: [
          trip('afternoon', 60, 'pending', {}, now),
          trip('morning', -300, 'cleared', { patrol_id: 9, inspector, inspected_at: at(-330) }, now),
          trip('noon', -60, 'failed', {
            patrol_id: 10,
            inspector,
            inspected_at: at(-100),
            failed_items: [
              { code: 'brakes', text: '制动（刹车）有效', hazard_id: 77 },
              { code: 'belts', text: '安全带齐全可用', hazard_id: null },
            ],
          }, now),
        ],
      },
      {
        bus: { id: 2, plate: '皖L67890', seats: 19 },
        checkpoint_id: 41,
        alerts: [
          { kind: 'licence', state: 'expired', text: '驾驶员李四驾驶证已过期' },
          { kind: 'agreement', state: 'expired', text: '安全协议已过期' },
        ],
        trips: [
          trip('morning', -200, 'missed', {}, now),
          trip('noon', -100, 'late', { patrol_id: 11, inspector: { id: 6, name: '赵老师' }, inspected_at: at(-80) }, now),
          trip('afternoon', 200, 'pending', {}, now),
        ],
      },
      {
        bus: { id: 3, plate: '皖L00001', seats: 56 },
        checkpoint_id: 42,
        alerts: [],
        trips: [trip('morning', 100, 'none', {}, now)],
      },
    ],
  };
}

// This year, so that dates read without the year as the pages write them (12月5日).
const YEAR = new Date().getFullYear();

/** A Bus of the registry. */
function bus(id, extra = {}) {
  return {
    id,
    checkpoint_id: 40 + id,
    plate: '皖L12345',
    seats: 35,
    operator: '宿州平安校车公司',
    agreement: { number: 'XC-2026-01', expires_on: `${YEAR}-12-05`, state: 'expiring' },
    video_alarm: { device: null, fitted: false },
    route: '符离镇—张庄—李圩',
    school: { id: 3, name: '城东第一小学' },
    schools: [{ id: 3, name: '城东第一小学' }, { id: 4, name: '城东幼儿园' }],
    trips: [{ code: 'afternoon', name: '晚班', departs_at: '16:40' }, { code: 'morning', name: '早班', departs_at: '07:10' }],
    drivers: [{
      id: 1, name: '张三', phone: '13800000000', licence_no: '340000', licence_expires_on: `${YEAR}-01-01`, licence_state: 'expired',
    }],
    active: true,
    token: 'bus_token_AAAAAAAAAAAAAAAAAAAA',
    ...extra,
  };
}

/** The subscription templates with the bus ones (`bus_failed` reaching a safety officer only when `officer`). */
function busTemplates(officer = true) {
  const t = (key, id, title, applies = true) => ({
    key, template_id: id, title, long_term: false, remaining: 0, granted_long_term: false, applies, used_up: false,
  });
  return {
    templates: [
      t('bus_failed', 'tpl-bus-failed', '校车检查不合格', officer),
      t('patrol_due', 'tpl-patrol-due', '巡查任务提醒'),
      t('patrol_missed', 'tpl-patrol-missed', '漏巡提醒'),
    ],
  };
}

module.exports = {
  YEAR, BOARD_NOW, freezeClock, trip, board, bus, busTemplates,
};
