/**
 * School buses (校车) on the phone: today's board as the 今日校车 page shows it (the counts, each
 * bus with its document alerts and its trips), the rows of 校车登记, and the sheet of stickers.
 */
const { tagType } = require('./tone');
const { formatDate, formatDateTime } = require('./format');
const { alert } = require('./wxp');

// The trips a bus may run, in the day's order, with their fixed names (the API's codes).
const TRIPS = [
  { code: 'morning', name: '早班', departs: '07:00' },
  { code: 'noon', name: '午班', departs: '12:00' },
  { code: 'afternoon', name: '晚班', departs: '16:30' },
];

// A trip's state on the board, in words.
const TRIP_STATES = {
  cleared: '已放行',
  failed: '不合格',
  pending: '待检查',
  missed: '漏检',
  late: '迟检',
  none: '今日无班次',
};

// The counts at the top of the board, in this order; 迟检 only shows when there is one.
const COUNTS = [
  { key: 'cleared', label: '已放行' },
  { key: 'failed', label: '不合格' },
  { key: 'pending', label: '待检查' },
  { key: 'missed', label: '漏检' },
  { key: 'late', label: '迟检', onlyWhenAny: true },
];

// The window opens this long before departure (the contract's 90 minutes).
const WINDOW_TEXT = '出车前90分钟内检查';

/** "07:10" of an ISO timestamp, in the phone's zone ('' when it is not one). */
function timeOf(value) {
  const date = new Date(value);
  if (!value || Number.isNaN(date.getTime())) return '';
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** The counts as boxes: [{key, label, value, alert}] (漏检 and 不合格 marked when not zero). */
function countBoxes(counts) {
  const c = counts || {};
  return COUNTS
    .filter((box) => !box.onlyWhenAny || Number(c[box.key]) > 0)
    .map((box) => {
      const value = Number(c[box.key]) || 0;
      return {
        key: box.key,
        label: box.label,
        value,
        tone: value > 0 ? tagType('busTrip', box.key) : 'default',
      };
    });
}

/** What the line under a trip says: when to inspect, who did and when, or why nothing is due. */
function tripMeta(trip, now) {
  if (trip.state === 'pending') {
    const opens = new Date(trip.opens_at).getTime();
    if (Number.isFinite(opens) && opens <= now.getTime()) {
      return `现在可以检查，${trip.departs_at} 发车前完成`;
    }
    const from = timeOf(trip.opens_at);
    return from ? `${WINDOW_TEXT}（${from} 起）` : WINDOW_TEXT;
  }
  if (trip.state === 'missed') return `${trip.departs_at} 发车前没有检查`;
  if (trip.state === 'none') return '今天不是上学日，没有班次';
  const who = trip.inspector ? `检查人 ${trip.inspector.name}` : '';
  // The board is one day's: the time of the inspection says enough (the date if another day).
  const sameDay = trip.inspected_at && trip.opens_at
    && new Date(trip.inspected_at).toDateString() === new Date(trip.opens_at).toDateString();
  let when = '';
  if (trip.inspected_at) when = `${sameDay ? timeOf(trip.inspected_at) : formatDateTime(trip.inspected_at, now)} 检查`;
  if (when && trip.state === 'late') when += '（发车后）';
  return [who, when].filter(Boolean).join(' · ');
}

/** A trip's row on the board: name and departure, state tag, the line below, the failed items. */
function tripRow(trip, now = new Date()) {
  return {
    code: trip.code,
    title: trip.name || '',
    departs: trip.departs_at && trip.state !== 'none' ? `${trip.departs_at} 发车` : '',
    state: trip.state,
    stateText: TRIP_STATES[trip.state] || trip.state,
    stateType: tagType('busTrip', trip.state),
    meta: tripMeta(trip, now),
    patrolUrl: trip.patrol_id ? `/pages/patrol/detail?id=${trip.patrol_id}` : '',
    failedItems: (trip.failed_items || []).map((item, i) => ({
      key: `${item.code || 'item'}-${i}`,
      text: item.text,
      url: item.hazard_id ? `/pages/hazards/detail?id=${item.hazard_id}` : '',
    })),
  };
}

/** A document alert (agreement, licence, video alarm) as a tag: its text and the tone of its state. */
function alertRow(item, i) {
  return {
    key: `${item.kind}-${i}`,
    text: item.text,
    type: tagType('busAlert', item.state),
  };
}

/** One bus of the board: plate, seats, alerts, trips in the day's order. */
function boardBus(entry, now = new Date()) {
  const bus = entry.bus || {};
  const order = (code) => {
    const i = TRIPS.findIndex((t) => t.code === code);
    return i < 0 ? TRIPS.length : i;
  };
  const trips = (entry.trips || []).slice().sort((a, b) => order(a.code) - order(b.code));
  return {
    id: bus.id,
    plate: bus.plate,
    seats: bus.seats ? `${bus.seats} 座` : '',
    alerts: (entry.alerts || []).map(alertRow),
    trips: trips.map((trip) => tripRow(trip, now)),
  };
}

/** The board answer -> {day, school, counts, buses}. */
function boardView(board, now = new Date()) {
  const b = board || {};
  return {
    dayText: b.day ? formatDate(b.day, now) : '',
    school: b.school || null,
    counts: countBoxes(b.counts),
    buses: (b.buses || []).map((entry) => boardBus(entry, now)),
  };
}

/** "早班 07:10 · 晚班 16:40" of a bus's trips, in the day's order. */
function tripsText(trips) {
  const byCode = {};
  (trips || []).forEach((t) => { byCode[t.code] = t; });
  const known = TRIPS.filter((t) => byCode[t.code]).map((t) => `${t.name} ${byCode[t.code].departs_at}`);
  return known.join(' · ') || '未设置班次';
}

const AGREEMENT_TEXT = {
  valid: (a) => `安全协议有效至 ${formatDate(a.expires_on)}`,
  expiring: (a) => `安全协议将于 ${formatDate(a.expires_on)} 到期`,
  expired: (a) => `安全协议已于 ${formatDate(a.expires_on)} 过期`,
  missing: () => '没有安全协议',
};

const LICENCE_TEXT = {
  expiring: (d) => `${d.name}的驾驶证将于 ${formatDate(d.licence_expires_on)} 到期`,
  expired: (d) => `${d.name}的驾驶证已于 ${formatDate(d.licence_expires_on)} 过期`,
};

/** The registry's alerts for a bus: the agreement, each driver's licence, the video alarm. */
function busAlerts(bus) {
  const alerts = [];
  const agreement = bus.agreement || {};
  if (agreement.state && agreement.state !== 'valid') {
    alerts.push({ key: 'agreement', text: AGREEMENT_TEXT[agreement.state](agreement), type: tagType('busAlert', agreement.state) });
  }
  (bus.drivers || []).forEach((driver, i) => {
    const text = LICENCE_TEXT[driver.licence_state];
    if (text) alerts.push({ key: `licence-${i}`, text: text(driver), type: tagType('busAlert', driver.licence_state) });
  });
  if (bus.video_alarm && !bus.video_alarm.fitted) {
    alerts.push({ key: 'video', text: '未装视频报警', type: tagType('busAlert', 'missing') });
  }
  if (!(bus.drivers || []).length) {
    alerts.push({ key: 'drivers', text: '没有登记驾驶员', type: tagType('busAlert', 'missing') });
  }
  return alerts;
}

/** A bus's row on 校车登记. `managedIds`: the schools whose buses the caller keeps. */
function busRow(bus, managedIds = []) {
  const school = bus.school || {};
  const served = (bus.schools || []).filter((s) => s.id !== school.id).map((s) => s.name);
  const drivers = (bus.drivers || []).map((d) => d.name).join('、');
  return {
    id: bus.id,
    plate: bus.plate,
    seats: `${bus.seats} 座`,
    operator: bus.operator || '',
    trips: tripsText(bus.trips),
    drivers: drivers ? `驾驶员 ${drivers}` : '',
    schools: served.length ? `${school.name}，也接送${served.join('、')}` : school.name || '',
    alerts: busAlerts(bus),
    active: bus.active !== false,
    statusText: bus.active === false ? '已停用' : '',
    statusType: tagType('bus', bus.active === false ? 'inactive' : 'active'),
    mayManage: managedIds.includes(school.id),
  };
}

/**
 * 打印二维码: open a downloaded sheet of stickers (a PDF) in WeChat's viewer, to print or forward;
 * a phone that cannot open it is told so.
 */
function openPdf(filePath) {
  wx.openDocument({
    filePath,
    fileType: 'pdf',
    showMenu: true,
    fail: () => alert('无法打开', '手机无法打开这个 PDF 文件，请稍后再试'),
  });
}

module.exports = {
  TRIPS,
  TRIP_STATES,
  WINDOW_TEXT,
  timeOf,
  countBoxes,
  tripRow,
  boardBus,
  boardView,
  tripsText,
  busAlerts,
  busRow,
  openPdf,
};
