/**
 * Sending a saved notice: the preview first ("将发送给 N 位家长（M 名学生）"), the writer's
 * confirmation, then POST /send once. Used by the compose page and the issued list (a notice saved
 * but not sent).
 */
const api = require('../api/client');
const { modal, alert } = require('./wxp');
const { previewText } = require('./notice-form');

/**
 * Resolves {sent: true, reached, preview} after sending, or {sent: false, preview} when the writer
 * cancelled or nobody would receive it. API errors reject (409 already_sent included).
 */
async function previewAndSend(id) {
  const preview = await api.call('noticePreview', { params: { id } });
  if (!preview.parents) {
    await alert('没有家长可以收到', '所选范围内还没有家长绑定孩子，请调整发送范围，或等家长绑定后再发送。');
    return { sent: false, preview };
  }
  const answer = await modal({
    title: '确认发送',
    content: `${previewText(preview)}，共 ${preview.classes} 个班级。发送后不能撤回，确定发送吗？`,
    confirmText: '发送',
  });
  if (!answer.confirm) return { sent: false, preview };
  const res = await api.call('noticeSend', { params: { id } });
  return { sent: true, reached: res.reached, preview };
}

module.exports = { previewAndSend };
