/**
 * The form of 新增/编辑校车: an empty one or one filled from a bus, its checks in Chinese before
 * anything is sent, the body of POST /buses or PATCH /buses/{id}, and the server's 422 details and
 * 409 plate_taken put back on the fields.
 */
const { TRIPS } = require('./buses');

const MAX_DRIVERS = 5;
const PLATE_CHARS = /^[\u4e00-\u9fa5A-Z0-9]+$/;
const PHONE = /^[0-9+\- ]{5,20}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

let driverKeys = 0;

/** A key for a driver's card, stable while the list changes (wx:key). */
function driverKey() {
  driverKeys += 1;
  return `d${driverKeys}`;
}

/** A driver with nothing filled in. */
function emptyDriver() {
  return {
    key: driverKey(), name: '', phone: '', licenceNo: '', licenceExpiresOn: '',
  };
}

/** The three trips, `on` and the departure from `trips` of a bus (else the usual times). */
function tripChoices(trips = null) {
  const byCode = {};
  (trips || []).forEach((t) => { byCode[t.code] = t; });
  return TRIPS.map((t) => ({
    code: t.code,
    name: t.name,
    on: trips ? Boolean(byCode[t.code]) : t.code !== 'noon',
    departs: (byCode[t.code] && byCode[t.code].departs_at) || t.departs,
  }));
}

/** A new bus of `schoolId`: the morning and evening trips on, no driver yet. */
function newForm(schoolId) {
  return {
    schoolId,
    plate: '',
    seats: '',
    operator: '',
    agreementNumber: '',
    agreementExpiresOn: '',
    videoAlarmDevice: '',
    route: '',
    schoolIds: schoolId ? [String(schoolId)] : [],
    trips: tripChoices(),
    drivers: [],
  };
}

/** The form filled from a Bus answer. */
function formFromBus(bus) {
  const agreement = bus.agreement || {};
  return {
    schoolId: bus.school && bus.school.id,
    plate: bus.plate || '',
    seats: bus.seats ? String(bus.seats) : '',
    operator: bus.operator || '',
    agreementNumber: agreement.number || '',
    agreementExpiresOn: agreement.expires_on || '',
    videoAlarmDevice: (bus.video_alarm && bus.video_alarm.device) || '',
    route: bus.route || '',
    schoolIds: (bus.schools || []).map((s) => String(s.id)),
    trips: tripChoices(bus.trips || []),
    drivers: (bus.drivers || []).map((d) => ({
      key: driverKey(),
      name: d.name || '',
      phone: d.phone || '',
      licenceNo: d.licence_no || '',
      licenceExpiresOn: d.licence_expires_on || '',
    })),
  };
}

/** "皖l 12345" -> "皖L12345": spaces and dots dropped, letters in capitals. */
function normalPlate(plate) {
  return String(plate || '').replace(/[\s·.-]/g, '').toUpperCase();
}

const trim = (value) => String(value || '').trim();

/** A driver's errors ({} when fine). */
function driverErrors(driver) {
  const errors = {};
  const name = trim(driver.name);
  if (!name) errors.name = '请填写驾驶员姓名';
  else if (name.length > 30) errors.name = '姓名最多 30 个字';
  const phone = trim(driver.phone);
  if (phone && !PHONE.test(phone)) errors.phone = '电话只能填数字、+、- 和空格，最多 20 位';
  if (trim(driver.licenceNo).length > 30) errors.licenceNo = '驾驶证号最多 30 位';
  if (!DAY.test(driver.licenceExpiresOn || '')) errors.licenceExpiresOn = '请选择驾驶证有效期';
  return errors;
}

/** The trips switched on, each with its departure: [{code, departs_at}], or an error. */
function checkTrips(trips) {
  const on = (trips || []).filter((t) => t.on);
  if (!on.length) return { error: '请至少选择一个班次' };
  if (on.some((t) => !TIME.test(t.departs || ''))) return { error: '请选择每个班次的发车时间' };
  const ordered = on.every((t, i) => i === 0 || on[i - 1].departs < t.departs);
  if (!ordered) return { error: '发车时间须按早班、午班、晚班的顺序由早到晚' };
  return { trips: on.map((t) => ({ code: t.code, departs_at: t.departs })) };
}

/** The top-level field checks: {field: text}. */
function fieldErrors(form) {
  const errors = {};
  const plate = normalPlate(form.plate);
  if (!plate) errors.plate = '请填写车牌号，例如“皖L12345”';
  else if (plate.length < 2 || plate.length > 12) errors.plate = '车牌号应为 2-12 个字符';
  else if (!PLATE_CHARS.test(plate)) errors.plate = '车牌号只能包含汉字、字母和数字';
  const seats = Number(form.seats);
  if (!Number.isInteger(seats) || seats < 1 || seats > 80) errors.seats = '核定座位数须在 1 到 80 之间';
  const operator = trim(form.operator);
  if (!operator) errors.operator = '请填写运营单位，例如“宿州平安校车公司”';
  else if (operator.length > 60) errors.operator = '运营单位最多 60 个字';
  if (trim(form.agreementNumber).length > 40) errors.agreementNumber = '协议编号最多 40 个字';
  if (trim(form.agreementNumber) && !form.agreementExpiresOn) {
    errors.agreementExpiresOn = '请选择安全协议的到期日期';
  }
  if (trim(form.videoAlarmDevice).length > 60) errors.videoAlarmDevice = '设备型号最多 60 个字';
  if (trim(form.route).length > 200) errors.route = '行驶路线最多 200 个字';
  if ((form.drivers || []).length > MAX_DRIVERS) errors.drivers = `驾驶员最多登记 ${MAX_DRIVERS} 人`;
  return errors;
}

/** A driver as the API takes it (empty optional fields left out). */
function driverBody(driver) {
  const body = { name: trim(driver.name), licence_expires_on: driver.licenceExpiresOn };
  if (trim(driver.phone)) body.phone = trim(driver.phone);
  if (trim(driver.licenceNo)) body.licence_no = trim(driver.licenceNo);
  return body;
}

// Optional text/date fields: form key -> API field.
const OPTIONAL = {
  agreementNumber: 'agreement_number',
  agreementExpiresOn: 'agreement_expires_on',
  videoAlarmDevice: 'video_alarm_device',
  route: 'route',
};

/** Two drivers of one bus with the same name: the later one's error (the server tells them apart by name). */
function sameNames(drivers, errors) {
  const seen = new Set();
  drivers.forEach((driver, i) => {
    const name = trim(driver.name);
    if (name && seen.has(name) && !errors[i].name) errors[i].name = '已有同名驾驶员，请在姓名后加以区分';
    seen.add(name);
  });
}

/**
 * Check the form -> `{ok, errors, driverErrors, body}`. Without `original` the body is a POST's;
 * with it (the form as loaded) a PATCH's: no school_id, and an optional field emptied since is
 * sent as null so the server clears it.
 */
function validateBus(form, original = null) {
  const errors = fieldErrors(form);
  const drivers = (form.drivers || []).map(driverErrors);
  sameNames(form.drivers || [], drivers);
  const trips = checkTrips(form.trips);
  if (trips.error) errors.trips = trips.error;
  const ok = !Object.keys(errors).length && drivers.every((d) => !Object.keys(d).length);
  if (!ok) return { ok, errors, driverErrors: drivers, body: null };
  const schoolIds = [...new Set([String(form.schoolId), ...(form.schoolIds || [])])].map(Number);
  const body = {
    plate: normalPlate(form.plate),
    seats: Number(form.seats),
    operator: trim(form.operator),
    school_ids: schoolIds,
    trips: trips.trips,
    drivers: form.drivers.map(driverBody),
  };
  Object.keys(OPTIONAL).forEach((key) => {
    const value = trim(form[key]);
    if (value) body[OPTIONAL[key]] = value;
    else if (original && trim(original[key])) body[OPTIONAL[key]] = null;
  });
  if (!original) body.school_id = Number(form.schoolId);
  return { ok, errors, driverErrors: drivers, body };
}

// The server's validation_error details, keyed by request field (its texts are English).
const SERVER_FIELDS = {
  plate: ['plate', '车牌号应为 2-12 个字符'],
  seats: ['seats', '核定座位数须在 1 到 80 之间'],
  operator: ['operator', '运营单位应为 1-60 个字'],
  agreement_number: ['agreementNumber', '协议编号最多 40 个字'],
  agreement_expires_on: ['agreementExpiresOn', '到期日期有误，请重新选择'],
  video_alarm_device: ['videoAlarmDevice', '设备型号有误，请检查'],
  route: ['route', '行驶路线最多 200 个字'],
  school_id: ['schools', '运营学校须是你管理的学校'],
  school_ids: ['schools', '服务学校须是你管理范围内的学校，最多 20 所'],
  trips: ['trips', '班次有误：每个班次只能选一次，发车时间如“07:10”'],
  drivers: ['drivers', '驾驶员信息有误，最多 5 人，请检查'],
};
const DRIVER_FIELDS = {
  name: ['name', '姓名应为 1-30 个字'],
  phone: ['phone', '电话只能填数字、+、- 和空格，最多 20 位'],
  licence_no: ['licenceNo', '驾驶证号有误，请检查'],
  licence_expires_on: ['licenceExpiresOn', '有效期有误，请重新选择'],
};

/** Per-driver errors from `details.drivers` when it names drivers by index ({"0": {"name": [...]}}). */
function driverErrorsFromApi(detail, count) {
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return null;
  const indexes = Object.keys(detail).filter((k) => /^\d+$/.test(k) && Number(k) < count);
  if (!indexes.length) return null;
  const list = Array.from({ length: count }, () => ({}));
  indexes.forEach((k) => {
    const fields = detail[k] && typeof detail[k] === 'object' ? Object.keys(detail[k]) : [];
    fields.forEach((f) => {
      const known = DRIVER_FIELDS[f];
      if (known) list[Number(k)][known[0]] = known[1];
    });
    if (!Object.keys(list[Number(k)]).length) list[Number(k)].name = '这位驾驶员的信息有误，请检查';
  });
  return list;
}

/**
 * The refusal of a save on the fields: `{errors, driverErrors, handled}`; `handled` false when
 * nothing could be pinned to a field (the page then shows the message in a dialog).
 */
function busErrorsFromApi(err, form) {
  const errors = {};
  let drivers = (form.drivers || []).map(() => ({}));
  if (err && err.code === 'plate_taken') {
    errors.plate = `车牌号“${normalPlate(form.plate)}”已登记为在用校车。同一辆车请在校车登记里修改，不要重复新增`;
  }
  if (err && err.code === 'validation_error' && err.details && typeof err.details === 'object') {
    Object.keys(err.details).forEach((field) => {
      if (field === 'drivers') {
        const each = driverErrorsFromApi(err.details.drivers, drivers.length);
        if (each) {
          drivers = each;
          return;
        }
      }
      const known = SERVER_FIELDS[field];
      if (known) errors[known[0]] = known[1];
    });
  }
  const handled = Object.keys(errors).length > 0 || drivers.some((d) => Object.keys(d).length);
  return { errors, driverErrors: drivers, handled };
}

module.exports = {
  MAX_DRIVERS,
  emptyDriver,
  tripChoices,
  newForm,
  formFromBus,
  normalPlate,
  validateBus,
  busErrorsFromApi,
};
