/**
 * A line at the top of a page showing content kept on the phone, not fresh from the server (no
 * signal, or the server could not be reached): "网络不可用 · 显示的是 11月29日 10:02 保存的内容".
 * Hidden when `savedAt` is empty.
 */
const { formatDateTime } = require('../../utils/format');

Component({
  properties: {
    /** When the shown content was saved (ISO text or epoch ms); '' hides the banner. */
    savedAt: { type: null, value: '' },
  },
  data: { text: '' },
  observers: {
    savedAt(value) {
      const when = value ? formatDateTime(new Date(value).toISOString()) : '';
      this.setData({ text: when ? `网络不可用 · 显示的是 ${when} 保存的内容` : '' });
    },
  },
});
