/**
 * 内容审核 (admins, `content.review`): texts and photos that WeChat's content check held at the
 * admin's units and below (审核中 / 待人工审核 / 不合规 / 微信未答复); each is released (others
 * see it, a notice waiting to be sent goes out) or rejected, after a confirmation.
 */
const api = require('../../api/client');
const { unitChoices } = require('../../utils/units');
const { formatDateTime } = require('../../utils/format');
const { COLORS } = require('../../utils/colors');
const { tagType } = require('../../utils/tone');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

const SUBJECTS = {
  notice: '通知', hazard: '隐患', hazard_event: '隐患处理记录', user: '人员',
};
const FIELDS = {
  display_name: '姓名',
  text: '标题与正文',
  attachment: '通知图片',
  description: '隐患描述',
  fix_note: '整改说明',
  close_reason: '关闭原因',
  note: '处理意见',
};
// The held item's status (the server's words) -> its text and the review meaning in utils/tone.js:
// waiting for the admin, refused by WeChat, or still with WeChat (not for the admin yet).
const STATUS = {
  review: { text: '待人工审核', type: tagType('review', 'pending') },
  risky: { text: '微信判定不合规', type: tagType('review', 'refused') },
  pending: { text: '等待微信审核', type: tagType('review', 'checking') },
};

/** Page data for one held item of GET /reviews. */
function itemView(item) {
  const status = STATUS[item.status] || { text: item.status, type: tagType('review', item.status) };
  const writer = item.writer_name || '（未填写姓名）';
  const time = formatDateTime(item.created_at);
  return {
    // A person's name held before they belonged to any unit has no unit to show.
    meta: [writer, item.unit_name, time].filter(Boolean).join(' · '),
    id: item.id,
    what: `${SUBJECTS[item.subject] || item.subject} · ${FIELDS[item.field] || item.field}`,
    text: item.content || '',
    photoUrl: item.photo_url || '',
    statusText: status.text,
    statusType: status.type,
    writer,
    time,
  };
}

/** Ask before a decision; resolves true when confirmed. */
function confirm(title, content, confirmText, danger) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText,
      confirmColor: danger ? COLORS.danger : COLORS.primary,
      success: (res) => resolve(Boolean(res && res.confirm)),
      fail: () => resolve(false),
    });
  });
}

Page({
  data: {
    ...loadingState(),
    units: [],
    unitId: null,
    items: [],
    listState: 'loading',
    listError: '',
    listOffline: false,
  },

  /** `?unit_id=` picks the unit shown first. */
  onLoad(options = {}) {
    this.wantedUnit = options.unit_id ? Number(options.unit_id) : null;
    return this.load();
  },

  /** Pulled down: the held items again (or the units, when they failed). */
  onPullDownRefresh() {
    const reload = this.data.state ? this.load() : this.loadItems();
    return reload.then(() => wx.stopPullDownRefresh());
  },

  /** 重试 after the units failed. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** 重试 after the held items failed. */
  retryList() {
    this.setData({ listState: 'loading', listError: '' });
    return this.loadItems();
  },

  /** The units the caller administers, then the held items of the chosen one. */
  load() {
    return api.call('units', { query: { administered: true } })
      .then((res) => {
        const { units, chosen } = unitChoices(res.units, this.wantedUnit);
        this.setData({ ...readyState(units.length), units, unitId: chosen ? chosen.id : null });
        return chosen ? this.loadItems() : null;
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** The held items at the chosen unit and below. */
  loadItems() {
    const id = this.data.unitId;
    if (!id) return Promise.resolve();
    return api.call('reviews', { query: { unit_id: id } })
      .then((res) => {
        const items = (res.reviews || []).map(itemView);
        this.setData({ items, listState: readyState(items.length).state, listError: '', listOffline: false });
      })
      .catch((err) => {
        const failed = errorState(err);
        this.setData({ items: [], listState: 'error', listError: failed.error, listOffline: failed.offline });
      });
  },

  /** Another administered unit. */
  chooseUnit(event) {
    this.setData({ unitId: Number(event.currentTarget.dataset.id), items: [], listState: 'loading' });
    return this.loadItems();
  },

  /** A held photo full screen. */
  preview(event) {
    const { url } = event.currentTarget.dataset;
    wx.previewImage({ urls: [url], current: url });
  },

  /** Decide after the admin confirms, then show the list as it now is. */
  decide(title, content, confirmText, danger, call, done) {
    return confirm(title, content, confirmText, danger).then((ok) => {
      if (!ok) return null;
      return call()
        .then(() => {
          wx.showToast({ title: done, icon: 'success' });
          return this.loadItems();
        })
        .catch((err) => {
          wx.showModal({ title: `${title}失败`, content: err.message, showCancel: false });
          return this.loadItems();
        });
    });
  },

  /** 通过: others see it; a notice waiting for it goes out. */
  release(event) {
    const { id } = event.currentTarget.dataset;
    return this.decide(
      '审核通过',
      '通过后其他人即可看到这条内容；若作者已点过发送，通知会立即发给家长。确定通过吗？',
      '通过',
      false,
      () => api.call('reviewRelease', { params: { id } }),
      '已通过',
    );
  },

  /** 驳回 (destructive: asked in the danger colour). */
  reject(event) {
    const { id } = event.currentTarget.dataset;
    return this.decide(
      '驳回内容',
      '驳回后这条内容不会展示给其他人，通知也不会发送。确定驳回吗？',
      '驳回',
      true,
      () => api.call('reviewReject', { params: { id } }),
      '已驳回',
    );
  },
});
