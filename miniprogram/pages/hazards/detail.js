/**
 * One hazard: photos before and after, the plan, status, the off-campus flag, the history, and a
 * button for each action the server allows this user now (`allowed_actions`), nothing else.
 * The first action tap of a visit also asks for the pushes of what will await this person next
 * (new reports, fixes to sign off, overdue hazards, a rejected fix: utils/subscribe.js).
 */
const api = require('../../api/client');
const subscribe = require('../../utils/subscribe');
const { hazardView, eventView, markChanged, currentVersion } = require('../../utils/hazards');
const { tryPosition } = require('../../utils/location');
const { modal, alert, actionSheet } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');

const MAX_SHEET_ITEMS = 6; // wx.showActionSheet's limit

Page({
  data: {
    loading: true,
    error: '',
    hazard: null,
    events: [],
    acting: false,
  },

  onLoad(options) {
    this.id = Number(options && options.id);
    subscribe.prepare();
    return this.load();
  },

  onShow() {
    if (this.version !== undefined && this.version !== currentVersion()) this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  load() {
    this.version = currentVersion();
    return Promise.all([
      api.call('hazard', { params: { id: this.id } }),
      api.call('hazardEvents', { params: { id: this.id } }),
    ])
      .then(([hazard, res]) => this.show(hazard, res.events))
      .catch((err) => this.setData({ loading: false, error: err.message }));
  },

  show(hazard, events) {
    this.raw = hazard;
    wx.setNavigationBarTitle({ title: `隐患 #${hazard.id}` });
    const patch = { loading: false, error: '', hazard: hazardView(hazard) };
    if (events) patch.events = events.map(eventView).reverse(); // newest first
    this.setData(patch);
  },

  previewPhoto(event) {
    const { stage, url } = event.currentTarget.dataset;
    if (!url) return; // held by the content check
    const urls = this.data.hazard[stage].map((p) => p.url).filter(Boolean);
    wx.previewImage({ current: url, urls });
  },

  openOriginal() {
    wx.navigateTo({ url: `/pages/hazards/detail?id=${this.data.hazard.duplicateOf}` });
  },

  onAction(event) {
    const { action } = event.currentTarget.dataset;
    const handlers = {
      plan: () => wx.navigateTo({ url: `/pages/hazards/plan?id=${this.id}` }),
      start: () => this.start(),
      fix: () => wx.navigateTo({ url: `/pages/hazards/fix?id=${this.id}` }),
      fix_on_spot: () => wx.navigateTo({ url: `/pages/hazards/fix?id=${this.id}&mode=spot` }),
      close: () => this.close(),
      verify: () => this.verify(),
      reject: () => this.reject(),
      duplicate: () => this.markDuplicate(),
    };
    if (this.data.acting || !handlers[action]) return Promise.resolve();
    // Still in the tap: ask (once per visit) for what will await this person; the step goes on
    // whatever the answer.
    const asking = this.pushAsked ? null : subscribe.request(subscribe.HAZARD_ACTION_KEYS);
    this.pushAsked = true;
    return Promise.resolve(asking).then(() => handlers[action]());
  },

  /** Run a step with the phone's position (when available); show the new state or the error. */
  async act(done, request) {
    this.setData({ acting: true });
    const position = (await tryPosition()) || undefined;
    try {
      const hazard = await request(position);
      markChanged();
      wx.showToast({ title: done, icon: 'success' });
      this.show(hazard);
      const res = await api.call('hazardEvents', { params: { id: this.id } }).catch(() => null);
      if (res) this.show(hazard, res.events);
      this.version = currentVersion();
    } catch (err) {
      await alert('操作没有成功', err.message);
      // Someone else acted first, or this person may not take the step: show what is possible now.
      if (err.status === 409 || err.status === 403) await this.load();
    }
    this.setData({ acting: false });
  },

  async start() {
    const answer = await modal({ title: '开始整改', content: '确定开始整改这处隐患吗？', confirmText: '开始整改' });
    if (!answer.confirm) return;
    await this.act('已开始整改', (position) => api.call('hazardStart', { params: { id: this.id }, body: { position } }));
  },

  async verify() {
    const answer = await modal({
      title: '验收通过',
      editable: true,
      placeholderText: '验收意见（选填）',
      confirmText: '验收通过',
    });
    if (!answer.confirm) return;
    const note = answer.content.trim() || undefined;
    await this.act('已验收', (position) => api.call('hazardVerify', { params: { id: this.id }, body: { note, position } }));
  },

  async close() {
    const answer = await modal({
      title: '不是隐患',
      editable: true,
      placeholderText: '关闭原因（必填），如：临时施工围挡，已报备',
      confirmText: '关闭',
    });
    if (!answer.confirm) return;
    const reason = answer.content.trim();
    if (Array.from(reason).length < 2) {
      wx.showToast({ title: '请填写关闭原因（至少 2 个字）', icon: 'none' });
      return;
    }
    await this.act('已关闭', (position) => api.call('hazardClose', { params: { id: this.id }, body: { reason, position } }));
  },

  async reject() {
    const answer = await modal({
      title: '驳回整改',
      editable: true,
      placeholderText: '驳回原因（必填）',
      confirmText: '驳回',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    const reason = answer.content.trim();
    if (Array.from(reason).length < 2) {
      wx.showToast({ title: '请填写驳回原因（至少 2 个字）', icon: 'none' });
      return;
    }
    await this.act('已驳回', (position) => api.call('hazardReject', { params: { id: this.id }, body: { reason, position } }));
  },

  async markDuplicate() {
    const way = await actionSheet(['输入原隐患编号', '从附近的同类隐患中选择']);
    let originalId = null;
    if (way === 0) originalId = await this.askOriginalId();
    if (way === 1) originalId = await this.pickNearby();
    if (!originalId) return;
    const answer = await modal({
      title: '标记重复',
      content: `确定把隐患 #${this.id} 标记为 #${originalId} 的重复隐患吗？标记后这条隐患将关闭。`,
      confirmText: '标记重复',
    });
    if (!answer.confirm) return;
    await this.act('已标记重复', (position) => api.call('hazardDuplicate', {
      params: { id: this.id },
      body: { original_id: originalId, position },
    }));
  },

  async askOriginalId() {
    const answer = await modal({ title: '原隐患编号', editable: true, placeholderText: '如 128（在隐患详情的标题中）' });
    if (!answer.confirm) return null;
    const match = /^#?\s*(\d+)$/.exec(answer.content.trim());
    const id = match ? Number(match[1]) : 0;
    if (!id || id === this.id) {
      wx.showToast({ title: '请输入另一条隐患的编号', icon: 'none' });
      return null;
    }
    return id;
  },

  /** Open hazards of the same kind within 50 m of this one. */
  async pickNearby() {
    const { position, focus_problem: focus } = this.raw;
    let found;
    try {
      const res = await api.call('hazardsNearby', {
        query: { focus_problem: focus.code, lat: position.lat, lng: position.lng, coord_system: position.coord_system },
      });
      found = res.hazards.filter((h) => h.id !== this.id).slice(0, MAX_SHEET_ITEMS);
    } catch (err) {
      await alert('无法查询附近的隐患', err.message);
      return null;
    }
    if (!found.length) {
      await alert('没有找到', '附近 50 米内没有其他同类的未整改隐患。');
      return null;
    }
    const index = await actionSheet(found.map((h) => `#${h.id} ${h.school.name} 约${Math.round(h.distance_m)}米`));
    return index >= 0 ? found[index].id : null;
  },
});
