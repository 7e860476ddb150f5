/**
 * The school-bus helpers: the board's rows (trip order, states, the window's wording), the
 * registry's alerts, the form's plate and trips, the home tiles (今日校车 only for bus people), the
 * tones (one colour per meaning), the bus refusal of a round, the push page, the push keys and the
 * board kept on the phone.
 */
const B = require('../../utils/buses');
const F = require('../../utils/bus-form');
const { tilesFor, contextOf, TILES } = require('../../utils/tiles');
const { tagType } = require('../../utils/tone');
const { refusalText } = require('../../utils/patrols');
const { messageUrl, messageRow } = require('../../utils/inbox');
const subscribe = require('../../utils/subscribe');
const cache = require('../../utils/cache');
const { installWx } = require('../helpers/wx');
const { SCHOOL_A, CENTER, grant } = require('../helpers/fixtures');
const { trip, board, freezeClock } = require('../helpers/buses');

beforeEach(() => installWx());

describe('the board', () => {
  // A fixed clock: the board's times are minutes from now (see freezeClock).
  beforeAll(() => freezeClock());
  afterAll(() => jest.useRealTimers());

  test('trips in the day\'s order with their state tags; none has no departure', () => {
    const view = B.boardView(board());
    expect(view.buses[0].trips.map((t) => t.code)).toEqual(['morning', 'noon', 'afternoon']);
    expect(view.buses[2].trips[0]).toMatchObject({ stateText: '今日无班次', stateType: 'default', departs: '' });
    expect(view.counts.map((c) => [c.label, c.value, c.tone])).toEqual([
      ['已放行', 1, 'success'], ['不合格', 1, 'danger'], ['待检查', 2, 'primary'], ['漏检', 1, 'danger'], ['迟检', 1, 'warning'],
    ]);
    expect(B.countBoxes({ cleared: 0, failed: 0, pending: 0, missed: 0, late: 0 }).map((c) => c.tone)).toEqual(['default', 'default', 'default', 'default']);
  });

  test('pending before its window says when it opens; within its window, to inspect now', () => {
    const now = new Date(2026, 10, 30, 6, 0);
    const later = B.tripRow(trip('morning', 120, 'pending', {}, now), now);
    expect(later.meta).toBe('出车前90分钟内检查（06:30 起）');
    expect(later.departs).toBe('08:00 发车');
    const due = B.tripRow(trip('morning', 30, 'pending', {}, now), now);
    expect(due.meta).toBe('现在可以检查，06:30 发车前完成');
  });

  test('an inspection of another day shows its date; a failed item without a hazard has no link', () => {
    const now = new Date(2026, 10, 30, 6, 0);
    const row = B.tripRow(trip('morning', 30, 'failed', {
      inspector: { id: 1, name: '王师傅' },
      inspected_at: new Date(2026, 10, 29, 18, 5).toISOString(),
      failed_items: [{ code: 'tyres', text: '轮胎', hazard_id: null }],
    }, now), now);
    expect(row.meta).toBe('检查人 王师傅 · 11月29日 18:05 检查');
    expect(row.failedItems).toEqual([{ key: 'tyres-0', text: '轮胎', url: '' }]);
  });
});

describe('the registry', () => {
  test('the trips of a bus in the day\'s order, or none set', () => {
    expect(B.tripsText([{ code: 'afternoon', departs_at: '16:40' }, { code: 'noon', departs_at: '12:00' }])).toBe('午班 12:00 · 晚班 16:40');
    expect(B.tripsText([])).toBe('未设置班次');
  });

  test('a valid bus with a fitted alarm and a driver has no alert', () => {
    expect(B.busAlerts({
      agreement: { state: 'valid', expires_on: '2027-01-01' },
      video_alarm: { device: 'x', fitted: true },
      drivers: [{ name: '张三', licence_state: 'valid' }],
    })).toEqual([]);
  });
});

describe('the form', () => {
  test('a plate loses its spaces and dots and reads in capitals', () => {
    expect(F.normalPlate(' 皖l·123 45 ')).toBe('皖L12345');
  });

  test('a bus with the noon trip only keeps the others off, at their usual times', () => {
    expect(F.tripChoices([{ code: 'noon', departs_at: '11:50' }]).map((t) => [t.code, t.on, t.departs])).toEqual([
      ['morning', false, '07:00'], ['noon', true, '11:50'], ['afternoon', false, '16:30'],
    ]);
  });

  test('more than five drivers are refused', () => {
    const form = { ...F.newForm(3), plate: '皖L1', seats: '9', operator: '公司' };
    form.drivers = Array.from({ length: 6 }, () => ({ ...F.emptyDriver(), name: '张', licenceExpiresOn: '2030-01-01' }));
    expect(F.validateBus(form).errors).toEqual({ drivers: '驾驶员最多登记 5 人' });
  });

  test('two drivers of one name are told apart; the agreement number is at most 40 characters', () => {
    const form = {
      ...F.newForm(3), plate: '皖L1', seats: '9', operator: '公司', agreementNumber: 'X'.repeat(41), agreementExpiresOn: '2030-01-01',
    };
    form.drivers = [0, 1].map(() => ({ ...F.emptyDriver(), name: '张三', licenceExpiresOn: '2030-01-01' }));
    const check = F.validateBus(form);
    expect(check.errors).toEqual({ agreementNumber: '协议编号最多 40 个字' });
    expect(check.driverErrors).toEqual([{}, { name: '已有同名驾驶员，请在姓名后加以区分' }]);
  });

  test('a 422 on the drivers as a whole, and any refusal it cannot place', () => {
    const form = { ...F.newForm(3), drivers: [F.emptyDriver()] };
    expect(F.busErrorsFromApi({ code: 'validation_error', details: { drivers: ['Longer than maximum length 5.'] } }, form))
      .toEqual({ errors: { drivers: '驾驶员信息有误，最多 5 人，请检查' }, driverErrors: [{}], handled: true });
    expect(F.busErrorsFromApi({ code: 'forbidden' }, form).handled).toBe(false);
  });
});

describe('tiles', () => {
  const titles = (me) => tilesFor(me.capabilities, TILES, {}, contextOf(me)).map((t) => t.title);
  const STAFF = ['unit.view', 'hazard.report', 'hazard.view', 'photo.upload', 'hazard.fix_on_spot', 'patrol.do'];

  test('a bus inspector gets 今日校车; a teacher who patrols does not', () => {
    expect(titles({ capabilities: STAFF, grants: [grant(1, 'bus_inspector', '校车检查员', SCHOOL_A)] })).toContain('今日校车');
    expect(titles({ capabilities: STAFF, grants: [grant(1, 'teacher', '巡查教师', SCHOOL_A)] })).not.toContain('今日校车');
  });

  test('a school\'s safety officer gets 今日校车 and 校车登记; a supervisor above schools only 校车登记', () => {
    const manager = [...STAFF, 'hazard.plan', 'bus.manage', 'patrol.view'];
    const officer = titles({ capabilities: manager, grants: [grant(1, 'school_admin', '学校安全负责人', SCHOOL_A)] });
    expect(officer).toEqual(expect.arrayContaining(['今日校车', '校车登记']));
    expect(officer.indexOf('今日校车')).toBeLessThan(officer.indexOf('校车登记'));
    const supervisor = titles({ capabilities: manager, grants: [grant(1, 'supervisor', '督导', CENTER)] });
    expect(supervisor).toContain('校车登记');
    expect(supervisor).not.toContain('今日校车');
  });
});

test('tones: one colour per meaning for trips and alerts', () => {
  expect(tagType('busTrip', 'cleared')).toBe(tagType('hazard', 'verified'));
  expect(tagType('busTrip', 'failed')).toBe(tagType('hazard', 'overdue'));
  expect(tagType('busTrip', 'missed')).toBe(tagType('slot', 'missed'));
  expect(tagType('busTrip', 'late')).toBe(tagType('slot', 'late'));
  expect(tagType('busTrip', 'pending')).toBe('primary');
  expect(tagType('busTrip', 'none')).toBe('default');
  expect(tagType('busAlert', 'expiring')).toBe('warning');
  expect(tagType('busAlert', 'expired')).toBe('danger');
  expect(tagType('busAlert', 'missing')).toBe('danger');
});

test('a round at a bus outside its trip\'s window is refused in words; other refusals as before', () => {
  expect(refusalText({ code: 'no_trip_due', message: '操作失败，请稍后再试（409）' })).toBe('现在不是这辆车的检查时间：请在发车前90分钟内检查');
  expect(refusalText({ code: 'slot_already_done', message: '这一轮巡查你已经提交过了' })).toBe('这一轮巡查你已经提交过了');
});

test('a bus_failed push opens the school\'s board', () => {
  expect(messageUrl('pages/bus/board?school_id=3')).toBe('/pages/bus/board?school_id=3');
  expect(messageRow({ id: 1, kind: 'bus_failed', title: '校车检查不合格', page: 'pages/bus/board?school_id=3', created_at: '2026-11-30T00:00:00Z' }))
    .toMatchObject({ kind: '校车检查不合格', url: '/pages/bus/board?school_id=3' });
});

test('the bus pushes: the failed inspections first, within WeChat\'s three', () => {
  expect(subscribe.BUS_KEYS[0]).toBe('bus_failed');
  expect(subscribe.BUS_KEYS.length).toBeLessThanOrEqual(subscribe.MAX_IDS);
});

test('the board kept on the phone goes at logout', () => {
  cache.save('bus_board', { school: { id: 3 } });
  expect(cache.load('bus_board')).not.toBeNull();
  cache.clearAll();
  expect(cache.load('bus_board')).toBeNull();
});
