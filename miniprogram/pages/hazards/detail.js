/**
 * One hazard: what it is and where, photos before and after, the plan, status, the history, and
 * at the bottom the steps the server allows this user now (`allowed_actions`): one primary (the
 * step this person most likely must take), the others beside it or behind 更多操作.
 * Two steps pick in a sheet: the category of a hazard reported as "不确定" (from the active
 * campaign), and the original of a duplicate (open hazards of the same school within 200 m).
 * The first step tap of a visit also asks for the pushes of what will await this person next.
 */
const api = require('../../api/client');
const subscribe = require('../../utils/subscribe');
const { hazardView, eventView, markChanged, currentVersion } = require('../../utils/hazards');
const {
  actionLayout, classifyPicker, classifyChoice, candidateRows,
} = require('../../utils/hazard-actions');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const { tryPosition } = require('../../utils/location');
const { modal, alert, actionSheet } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');

const NO_LAYOUT = { primary: null, buttons: [], more: [] };

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    hazard: null,
    layout: NO_LAYOUT,
    hasActions: false,
    events: [],
    acting: false,
    sheet: '', // '' | 'classify' | 'duplicate'
    classify: { state: 'loading', error: '', offline: false, columns: [[], []], index: [0, 0], choice: null },
    candidates: { state: 'loading', error: '', offline: false, rows: [] },
  },

  /** Open hazard `id`. */
  onLoad(options) {
    this.id = Number(options && options.id);
    subscribe.prepare();
    this.setData(loadingState());
    return this.load();
  },

  /** Back from the plan or fix form: show what changed. */
  onShow() {
    if (this.version !== undefined && this.version !== currentVersion()) this.load();
  },

  /** Pull down: load again. */
  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  /** The error's 重试. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** The hazard and its history. */
  load() {
    this.version = currentVersion();
    return Promise.all([
      api.call('hazard', { params: { id: this.id } }),
      api.call('hazardEvents', { params: { id: this.id } }),
    ])
      .then(([hazard, res]) => this.show(hazard, res.events))
      .catch((err) => this.setData(errorState(err)));
  },

  /** Show a HazardDetail (and its history when given). */
  show(hazard, events) {
    this.raw = hazard;
    wx.setNavigationBarTitle({ title: `隐患 #${hazard.id}` });
    const layout = actionLayout(hazard.allowed_actions, { status: hazard.status, unclassified: !hazard.focus_problem });
    const patch = {
      ...readyState(1), hazard: hazardView(hazard), layout, hasActions: Boolean(layout.primary || layout.buttons.length),
    };
    if (events) patch.events = events.map(eventView).reverse(); // newest first
    this.setData(patch);
  },

  /** A photo opened full size (not one held by the content check). */
  previewPhoto(event) {
    const { stage, url } = event.currentTarget.dataset;
    if (!url) return;
    const urls = this.data.hazard[stage].map((p) => p.url).filter(Boolean);
    wx.previewImage({ current: url, urls });
  },

  /** The hazard this one duplicates. */
  openOriginal() {
    wx.navigateTo({ url: `/pages/hazards/detail?id=${this.data.hazard.duplicateOf}` });
  },

  /** A step's button. The first tap of a visit asks for the pushes to come (still in the tap). */
  onAction(event) {
    const { action } = event.currentTarget.dataset;
    if (this.data.acting) return Promise.resolve();
    if (action === 'more') return this.openMore();
    return subscribe.askOnce(this, subscribe.HAZARD_ACTION_KEYS).then(() => this.run(action));
  },

  /** 更多操作: the other steps in an action sheet. */
  async openMore() {
    const { more } = this.data.layout;
    const index = await actionSheet(more.map((a) => a.label));
    if (index >= 0) await this.run(more[index].action);
  },

  /** Take step `action`. */
  run(action) {
    const handlers = {
      plan: () => wx.navigateTo({ url: `/pages/hazards/plan?id=${this.id}` }),
      start: () => this.start(),
      fix: () => wx.navigateTo({ url: `/pages/hazards/fix?id=${this.id}` }),
      fix_on_spot: () => wx.navigateTo({ url: `/pages/hazards/fix?id=${this.id}&mode=spot` }),
      classify: () => this.openClassify(),
      close: () => this.close(),
      verify: () => this.verify(),
      reject: () => this.reject(),
      duplicate: () => this.openDuplicate(),
    };
    return handlers[action] ? Promise.resolve(handlers[action]()) : Promise.resolve();
  },

  /** Run a step with the phone's position (when available); show the new state or the error. */
  async act(done, request) {
    this.setData({ acting: true });
    const position = (await tryPosition()) || undefined;
    let ok = false;
    try {
      const hazard = await request(position);
      ok = true;
      markChanged();
      wx.showToast({ title: done, icon: 'success' });
      this.setData({ sheet: '' });
      this.show(hazard);
      const res = await api.call('hazardEvents', { params: { id: this.id } }).catch(() => null);
      if (res) this.show(hazard, res.events);
      this.version = currentVersion();
    } catch (err) {
      await alert('操作没有成功', err.message);
      // Someone else acted first, or this person may not take the step: show what is possible now.
      if (err.status === 409 || err.status === 403) {
        this.setData({ sheet: '' });
        await this.load();
      }
    }
    this.setData({ acting: false });
    return ok;
  },

  /** 开始整改, after a confirmation. */
  async start() {
    const answer = await modal({ title: '开始整改', content: '确定开始整改这处隐患吗？', confirmText: '开始整改' });
    if (!answer.confirm) return;
    await this.act('已开始整改', (position) => api.call('hazardStart', { params: { id: this.id }, body: { position } }));
  },

  /** 验收通过, with an optional note. */
  async verify() {
    const answer = await modal({
      title: '验收通过', editable: true, placeholderText: '验收意见（选填）', confirmText: '验收通过',
    });
    if (!answer.confirm) return;
    const note = answer.content.trim() || undefined;
    await this.act('已验收', (position) => api.call('hazardVerify', { params: { id: this.id }, body: { note, position } }));
  },

  /** Ask for a reason of at least 2 characters ('' when cancelled or too short). */
  async askReason(options, what) {
    const answer = await modal({ ...options, editable: true });
    if (!answer.confirm) return '';
    const reason = answer.content.trim();
    if (Array.from(reason).length >= 2) return reason;
    wx.showToast({ title: `请填写${what}（至少 2 个字）`, icon: 'none' });
    return '';
  },

  /** 不是隐患: closed with a reason. */
  async close() {
    const reason = await this.askReason({
      title: '不是隐患', placeholderText: '关闭原因（必填），如：临时施工围挡，已报备', confirmText: '关闭',
    }, '关闭原因');
    if (!reason) return;
    await this.act('已关闭', (position) => api.call('hazardClose', { params: { id: this.id }, body: { reason, position } }));
  },

  /** 驳回: back to rectifying, with a reason; confirmed in red. */
  async reject() {
    const reason = await this.askReason({
      title: '驳回整改', placeholderText: '驳回原因（必填）', confirmText: '驳回', confirmColor: COLORS.danger,
    }, '驳回原因');
    if (!reason) return;
    await this.act('已驳回', (position) => api.call('hazardReject', { params: { id: this.id }, body: { reason, position } }));
  },

  /** Close the picking sheet. */
  closeSheet() {
    this.setData({ sheet: '' });
  },

  /** Taps inside the sheet do not close it. */
  keepSheet() {},

  /** 确定隐患类别: the sheet with the campaign's areas and focus problems. */
  openClassify() {
    this.setData({ sheet: 'classify' });
    return this.loadCategories();
  },

  /** The active campaign's categories (the picker starts at the hazard's current one). */
  loadCategories() {
    this.setData({ classify: { ...this.data.classify, ...loadingState() } });
    return api.call('campaignActive')
      .then((campaign) => {
        this.campaign = campaign;
        const current = this.raw.focus_problem ? this.raw.focus_problem.code : null;
        const picker = classifyPicker(campaign, current);
        const choice = current ? classifyChoice(campaign, picker.index) : null;
        this.setData({ classify: { ...readyState(1), ...picker, choice } });
      })
      .catch((err) => this.setData({ classify: { ...this.data.classify, ...errorState(err) } }));
  },

  /** The area column turned: the second column lists that area's focus problems. */
  onClassifyColumn(event) {
    const { column, value } = event.detail;
    if (column !== 0) {
      this.setData({ 'classify.index': [this.data.classify.index[0], value] });
      return;
    }
    const picker = classifyPicker(this.campaign, null, value);
    this.setData({ 'classify.columns': picker.columns, 'classify.index': picker.index });
  },

  /** The picker confirmed: the chosen focus problem. */
  onClassifyPick(event) {
    const index = event.detail.value.map(Number);
    this.setData({ 'classify.index': index, 'classify.choice': classifyChoice(this.campaign, index) });
  },

  /** Save the category (POST .../classify). */
  saveClassify() {
    const { choice } = this.data.classify;
    if (!choice || this.data.acting) return Promise.resolve();
    return this.act('已确定类别', (position) => api.call('hazardClassify', {
      params: { id: this.id }, body: { focus_problem: choice.code, position },
    }));
  },

  /** 标记重复: the sheet with the open hazards nearby. */
  openDuplicate() {
    this.setData({ sheet: 'duplicate' });
    return this.loadCandidates();
  },

  /** Open hazards of the same school within 200 m, nearest first. */
  loadCandidates() {
    this.setData({ candidates: { rows: [], ...loadingState() } });
    return api.call('hazardDuplicateCandidates', { params: { id: this.id } })
      .then((res) => {
        const rows = candidateRows(res.hazards, this.id);
        this.setData({ candidates: { ...readyState(rows.length), rows } });
      })
      .catch((err) => this.setData({ candidates: { rows: [], ...errorState(err) } }));
  },

  /** A nearby hazard tapped: confirm, then mark this one its duplicate. */
  async pickCandidate(event) {
    const id = Number(event.currentTarget.dataset.id);
    const row = this.data.candidates.rows.find((r) => r.id === id);
    if (!row || this.data.acting) return;
    const answer = await modal({
      title: '标记重复',
      content: `确定这条隐患与“${row.title}”（${row.distance}）是同一处问题吗？标记后这条隐患将关闭。`,
      confirmText: '标记重复',
    });
    if (!answer.confirm) return;
    await this.act('已标记重复', (position) => api.call('hazardDuplicate', {
      params: { id: this.id }, body: { original_id: id, position },
    }));
  },
});
