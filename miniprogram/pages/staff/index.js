/**
 * 人员管理 (admins, `staff.manage`): the people holding roles at a unit and below, with their
 * phones and roles; an admin revokes one role or disables (and enables) an account, each after a
 * confirmation. Nobody acts on themselves; the server decides the rest (scope, 403 beyond it).
 * 邀请成员, the page's main action, sits in the bar at the bottom.
 */
const api = require('../../api/client');
const { unitChoices } = require('../../utils/units');
const { grantLabel, formatDateTime } = require('../../utils/format');
const { COLORS } = require('../../utils/colors');
const { tagType } = require('../../utils/tone');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

const ACTIONS = { grant_revoked: '撤销了', user_disabled: '停用了', user_enabled: '启用了' };

/** "刘副校长 撤销了 吴师傅 的“保安”身份" for one audit record. */
function auditLine(record) {
  const actor = (record.actor && record.actor.display_name) || '管理员';
  const target = (record.target && record.target.display_name) || '（未填写姓名）';
  const what = record.action === 'grant_revoked'
    ? `${target}在${record.unit.name}的“${record.role_name}”身份`
    : `${target}的账号`;
  return {
    id: record.id,
    text: `${actor}${ACTIONS[record.action] || record.action}${what}`,
    time: formatDateTime(record.created_at),
  };
}

/** Page data for one person of GET /units/{id}/staff. */
function personView(person) {
  return {
    id: person.id,
    name: person.display_name || '（未填写姓名）',
    phone: person.phone || '',
    active: person.active,
    isSelf: person.is_self,
    selfType: tagType('person', 'self'),
    disabledType: tagType('person', 'disabled'),
    grants: (person.grants || []).map((grant) => ({ id: grant.id, label: grantLabel(grant) })),
  };
}

/** Ask before a change (a destructive one in the danger colour); resolves true when confirmed. */
function confirm(title, content, confirmText, danger = true) {
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
    people: [],
    listState: 'loading',
    listError: '',
    listOffline: false,
    audit: [],
  },

  /** `?unit_id=` picks the unit shown first. */
  onLoad(options = {}) {
    this.wantedUnit = options.unit_id ? Number(options.unit_id) : null;
    return this.load();
  },

  /** Pulled down: the people again (or the units, when they failed). */
  onPullDownRefresh() {
    const reload = this.data.state ? this.load() : this.loadStaff();
    return reload.then(() => wx.stopPullDownRefresh());
  },

  /** 重试 after the units failed. */
  retry() {
    this.setData(loadingState());
    return this.load();
  },

  /** 重试 after the people failed. */
  retryList() {
    this.setData({ listState: 'loading', listError: '' });
    return this.loadStaff();
  },

  /** The units the caller administers, then the staff of the chosen one. */
  load() {
    return api.call('units', { query: { administered: true } })
      .then((res) => {
        const { units, chosen } = unitChoices(res.units, this.wantedUnit);
        this.setData({ ...readyState(units.length), units, unitId: chosen ? chosen.id : null });
        return chosen ? this.loadStaff() : null;
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** The staff of the chosen unit and the latest changes made to them. */
  loadStaff() {
    const id = this.data.unitId;
    if (!id) return Promise.resolve();
    const staff = api.call('unitStaff', { params: { id } })
      .then((res) => {
        const people = (res.staff || []).map(personView);
        const ready = readyState(people.length);
        this.setData({ people, listState: ready.state, listError: '', listOffline: false });
      })
      .catch((err) => {
        const failed = errorState(err);
        this.setData({ people: [], listState: 'error', listError: failed.error, listOffline: failed.offline });
      });
    const audit = api.call('audit', { query: { unit_id: id } })
      .then((res) => this.setData({ audit: (res.records || []).slice(0, 20).map(auditLine) }))
      .catch(() => this.setData({ audit: [] }));
    return Promise.all([staff, audit]);
  },

  /** Another administered unit. */
  chooseUnit(event) {
    this.setData({ unitId: Number(event.currentTarget.dataset.id), people: [], listState: 'loading' });
    return this.loadStaff();
  },

  /** Make a change after the person confirms it, then show the list as it now is. */
  act(title, content, confirmText, call, done, danger = true) {
    return confirm(title, content, confirmText, danger).then((ok) => {
      if (!ok) return null;
      return call()
        .then(() => {
          wx.showToast({ title: done, icon: 'success' });
          return this.loadStaff();
        })
        .catch((err) => wx.showModal({ title: `${title}失败`, content: err.message, showCancel: false }));
    });
  },

  /** 撤销 one role of a person (destructive: asked in the danger colour). */
  revoke(event) {
    const { id, label, name } = event.currentTarget.dataset;
    return this.act(
      '撤销身份',
      `撤销${name}的“${label}”身份？撤销后此人不能再以该身份使用小程序，其他身份不受影响。`,
      '撤销',
      () => api.call('grantRevoke', { params: { id } }),
      '已撤销',
    );
  },

  /** 停用 an account (destructive), or 启用 it again. */
  toggleActive(event) {
    const { id, name, active } = event.currentTarget.dataset;
    if (active) {
      return this.act(
        '停用账号',
        `停用后${name}会立即退出登录，不能再使用小程序，直到重新启用。确定停用吗？`,
        '停用',
        () => api.call('userDisable', { params: { id } }),
        '已停用',
      );
    }
    return this.act(
      '启用账号',
      `重新启用${name}的账号？启用后此人重新登录即可继续使用原有身份。`,
      '启用',
      () => api.call('userEnable', { params: { id } }),
      '已启用',
      false,
    );
  },

  /** 邀请成员: the invitation page. */
  openInvite() {
    wx.navigateTo({ url: '/pages/invite/create' });
  },
});
