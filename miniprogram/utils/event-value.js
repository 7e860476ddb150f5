/**
 * The value a form field's event carries. Vant's fields send it as `event.detail`, the
 * platform's <input>/<textarea> as `event.detail.value`: the pages take either.
 */
function eventValue(event) {
  const { detail } = event;
  return detail && detail.value !== undefined ? detail.value : detail;
}

module.exports = { eventValue };
