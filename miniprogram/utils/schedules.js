/**
 * Scheduled reminders (定时提醒) as an admin sees and writes them: who gets them (staff of some
 * roles, or the parents), what they say, and when (once, daily, school days or chosen weekdays at
 * a time of day, optionally only within a season such as the drowning-prevention summer).
 */
const { formatDate, formatDateTime } = require('./format');
const { tagType } = require('./tone');

const RECURRENCES = [
  { value: 'daily', label: '每天' },
  { value: 'school_days', label: '工作日（周一至周五）' },
  { value: 'weekly', label: '每周指定几天' },
  { value: 'once', label: '只提醒一次' },
];
const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
// The drowning-prevention season most districts use; a school may choose its own dates.
const SUMMER_SEASON = { start: '05-01', end: '09-30' };
const NAME_MAX = 100;
const TITLE_MAX = 100;
const BODY_MAX = 500;

const length = (text) => Array.from(text || '').length;

/** "05-01" -> "5月1日". */
function monthDay(value) {
  const match = /^(\d{2})-(\d{2})$/.exec(value || '');
  return match ? `${Number(match[1])}月${Number(match[2])}日` : '';
}

/** "每周一、三 07:30" / "每天 07:30" / "2026年12月1日 07:30". */
function whenText(schedule) {
  const time = schedule.time_of_day;
  if (schedule.recurrence === 'once') return `${formatDate(schedule.starts_on)} ${time}`;
  if (schedule.recurrence === 'weekly') {
    const days = (schedule.weekdays || []).slice().sort().map((d) => WEEKDAYS[d].slice(1));
    return `每周${days.join('、')} ${time}`;
  }
  const found = RECURRENCES.find((r) => r.value === schedule.recurrence);
  return `${found ? found.label.replace(/（.*）/, '') : schedule.recurrence} ${time}`;
}

/** "水域巡查员、巡查教师" or "家长" (role codes named with the roles list). */
function audienceText(audience, roleNames) {
  const parts = ((audience && audience.roles) || []).map((code) => roleNames[code] || code);
  if (audience && audience.parents) parts.push('家长');
  return parts.join('、');
}

/** A row of the list. */
function scheduleRow(schedule, roleNames = {}) {
  const season = schedule.season_start && schedule.season_end
    ? `${monthDay(schedule.season_start)}至${monthDay(schedule.season_end)}`
    : '';
  return {
    id: schedule.id,
    name: schedule.name,
    title: schedule.title,
    when: whenText(schedule),
    audience: audienceText(schedule.audience, roleNames),
    season,
    next: schedule.next_run_at ? `下次 ${formatDateTime(schedule.next_run_at)}` : '已结束',
    enabled: Boolean(schedule.enabled),
    statusText: schedule.enabled ? '提醒中' : '已结束',
    statusType: tagType('schedule', schedule.enabled ? 'enabled' : 'ended'),
  };
}

/**
 * A stored schedule as the form edits it (PATCH /schedules/{id}), with the weekday toggles.
 */
function formFromSchedule(schedule) {
  const audience = schedule.audience || {};
  const weekdays = (schedule.weekdays || []).slice().sort();
  const seasonOn = Boolean(schedule.season_start && schedule.season_end);
  return {
    form: {
      name: schedule.name || '',
      roles: (audience.roles || []).slice(),
      parents: Boolean(audience.parents),
      title: schedule.title || '',
      body: schedule.body || '',
      recurrence: schedule.recurrence,
      weekdays,
      time: schedule.time_of_day,
      startsOn: schedule.starts_on,
      endsOn: schedule.ends_on || '',
      seasonOn,
      seasonStart: seasonOn ? schedule.season_start : '',
      seasonEnd: seasonOn ? schedule.season_end : '',
    },
    weekdayOn: WEEKDAYS.map((_name, index) => weekdays.includes(index)),
  };
}

/**
 * Check the form; returns {ok, errors, body} with `body` ready for POST /schedules (PATCH
 * /schedules/{id} sends it without `unit_id`: a schedule stays at its unit).
 * form: {unitId, name, roles[], parents, title, body, recurrence, weekdays[], time, startsOn,
 * endsOn, seasonOn, seasonStart, seasonEnd}
 */
function validateSchedule(form) {
  const errors = {};
  const name = (form.name || '').trim();
  const title = (form.title || '').trim();
  const text = (form.body || '').trim();
  if (!form.unitId) errors.unit = '请选择单位';
  if (length(name) < 2 || length(name) > NAME_MAX) errors.name = `名称 2～${NAME_MAX} 个字`;
  if (!(form.roles || []).length && !form.parents) errors.audience = '请选择提醒谁';
  if (length(title) < 2 || length(title) > TITLE_MAX) errors.title = `标题 2～${TITLE_MAX} 个字`;
  if (length(text) < 2 || length(text) > BODY_MAX) errors.body = `内容 2～${BODY_MAX} 个字`;
  if (form.recurrence === 'weekly' && !(form.weekdays || []).length) errors.weekdays = '请选择每周哪几天';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(form.time || '')) errors.time = '请选择提醒时间';
  if (!form.startsOn) errors.startsOn = '请选择开始日期';
  if (form.endsOn && form.startsOn && form.endsOn < form.startsOn) errors.endsOn = '结束日期不能早于开始日期';
  if (form.seasonOn && (!form.seasonStart || !form.seasonEnd)) errors.season = '请选择季节的起止日期';
  const ok = Object.keys(errors).length === 0;
  if (!ok) return { ok, errors, body: null };
  const body = {
    unit_id: form.unitId,
    name,
    roles: form.roles && form.roles.length ? form.roles : null,
    parents: Boolean(form.parents),
    title,
    body: text,
    recurrence: form.recurrence,
    weekdays: form.recurrence === 'weekly' ? form.weekdays.map(Number).sort() : null,
    time_of_day: form.time,
    starts_on: form.startsOn,
    ends_on: form.endsOn || null,
    season_start: form.seasonOn ? form.seasonStart : null,
    season_end: form.seasonOn ? form.seasonEnd : null,
  };
  return { ok, errors, body };
}

module.exports = {
  RECURRENCES, WEEKDAYS, SUMMER_SEASON, NAME_MAX, TITLE_MAX, BODY_MAX, monthDay, scheduleRow, validateSchedule,
  formFromSchedule,
};
