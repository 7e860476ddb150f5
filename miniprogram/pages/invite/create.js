/**
 * Admins: make an invitation (unit, role, class for a class teacher, number of uses, validity;
 * 生成邀请码 in the bar at the bottom), show its code and QR image on top, and list / revoke
 * the unit's invitations (撤销 asked in the danger colour).
 */
const api = require('../../api/client');
const { flattenUnitTree } = require('../../utils/units');
const { formatDateTime } = require('../../utils/format');
const { COLORS } = require('../../utils/colors');
const { tagType } = require('../../utils/tone');
const { loadingState, readyState, errorState } = require('../../utils/page-state');
const {
  VALIDITY_CHOICES, DEFAULT_HOURS, MAX_USES_MIN, MAX_USES_MAX,
  rolesForUnit, buildInvitationBody, invitationStatus,
} = require('../../utils/invitations');

const fetchChildUnits = (id) => api.call('units', { query: { parent_id: id } }).then((res) => res.units);

Page({
  data: {
    ...loadingState(),
    units: [],
    unitIndex: -1,
    roles: [],
    roleIndex: -1,
    needsClass: false,
    adminRole: false,
    classes: [],
    classIndex: -1,
    maxUses: 1,
    maxUsesMin: MAX_USES_MIN,
    maxUsesMax: MAX_USES_MAX,
    validity: VALIDITY_CHOICES,
    validityIndex: VALIDITY_CHOICES.findIndex((c) => c.hours === DEFAULT_HOURS),
    formError: '',
    submitting: false,
    created: null,
    qrPath: '',
    invitations: [],
    listState: 'loading',
    listError: '',
    listOffline: false,
  },

  /** The units the caller administers (with those below) and the roles. */
  onLoad() {
    this.allRoles = [];
    // Only the units the caller administers (and the units below them): invitations are made
    // there, not at units the caller merely sees.
    return Promise.all([api.call('units', { query: { administered: true } }), api.call('roles')])
      .then(([unitsRes, rolesRes]) => {
        this.allRoles = rolesRes.roles;
        return flattenUnitTree(unitsRes.units, fetchChildUnits);
      })
      .then((units) => {
        this.setData({ ...readyState(units.length), units });
        return units.length ? this.selectUnit(0) : null;
      })
      .catch((err) => this.setData(errorState(err)));
  },

  /** 重试 after the units or roles failed. */
  retry() {
    this.setData(loadingState());
    return this.onLoad();
  },

  /** 重试 after the unit's invitations failed. */
  retryList() {
    this.setData({ listState: 'loading', listError: '' });
    return this.loadInvitations();
  },

  /** Pulled down: the unit's invitations again (or everything, when the page failed). */
  onPullDownRefresh() {
    const reload = this.data.state ? this.onLoad() : this.loadInvitations();
    return reload.then(() => wx.stopPullDownRefresh());
  },

  /** The unit chosen. */
  currentUnit() {
    return this.data.units[this.data.unitIndex] || null;
  },

  /** Unit picked. */
  onUnitChange(event) {
    this.selectUnit(Number(event.detail.value));
  },

  /** A unit: its roles (one fitting role is chosen), and its invitations. */
  selectUnit(index) {
    const unit = this.data.units[index];
    const roles = rolesForUnit(this.allRoles, unit);
    this.setData({
      unitIndex: index,
      roles,
      roleIndex: -1,
      needsClass: false,
      adminRole: false,
      classes: [],
      classIndex: -1,
      formError: '',
      created: null,
      qrPath: '',
      invitations: [],
      listState: 'loading',
    });
    if (roles.length === 1) this.selectRole(0);
    return this.loadInvitations();
  },

  /** Role picked. */
  onRoleChange(event) {
    this.selectRole(Number(event.detail.value));
  },

  /** A role: a class teacher's needs a class of the school. */
  selectRole(index) {
    const role = this.data.roles[index];
    this.setData({
      roleIndex: index,
      needsClass: role.needs_class,
      adminRole: Boolean(role.is_admin),
      formError: '',
    });
    if (role.needs_class && !this.data.classes.length) return this.loadClasses();
    return Promise.resolve();
  },

  /** The school's classes, for a class teacher's invitation. */
  loadClasses() {
    const unit = this.currentUnit();
    return api.call('unitClasses', { params: { id: unit.id } })
      .then((res) => {
        if (this.currentUnit() !== unit) return;
        this.setData({ classes: res.classes, classIndex: res.classes.length === 1 ? 0 : -1 });
        if (!res.classes.length) this.setData({ formError: '这所学校还没有班级' });
      })
      .catch((err) => this.setData({ formError: err.message }));
  },

  /** Class picked. */
  onClassChange(event) {
    this.setData({ classIndex: Number(event.detail.value), formError: '' });
  },

  /** Number of uses changed. */
  onMaxUsesChange(event) {
    this.setData({ maxUses: event.detail });
  },

  /** Validity picked. */
  onValidityChange(event) {
    this.setData({ validityIndex: Number(event.detail.value) });
  },

  /** 生成邀请码: checked here first, then made; the code shows on top. */
  create() {
    const { roles, roleIndex, classes, classIndex, maxUses, validity, validityIndex } = this.data;
    const { body, error } = buildInvitationBody({
      unit: this.currentUnit(),
      role: roles[roleIndex],
      klass: classes[classIndex],
      maxUses,
      hours: validity[validityIndex] && validity[validityIndex].hours,
    });
    if (error) {
      this.setData({ formError: error });
      return Promise.resolve();
    }
    this.setData({ submitting: true, formError: '', created: null, qrPath: '' });
    return api.call('invitationCreate', { body })
      .then((invitation) => {
        this.setData({
          submitting: false,
          created: { id: invitation.id, code: invitation.code, expires: formatDateTime(invitation.expires_at) },
        });
        if (typeof wx.pageScrollTo === 'function') wx.pageScrollTo({ scrollTop: 0, duration: 200 });
        return Promise.all([this.loadQr(invitation.id), this.loadInvitations()]);
      })
      .catch((err) => this.setData({ submitting: false, formError: err.message }));
  },

  /** Images can't send the token, so fetch the PNG with wx.downloadFile and show the temp file. */
  loadQr(id) {
    return api.download('invitationQr', { params: { id } })
      .then((path) => this.setData({ qrPath: path }))
      .catch(() => this.setData({ qrPath: '' }));
  },

  /** 复制邀请码. */
  copyCode() {
    wx.setClipboardData({ data: this.data.created.code });
  },

  /** The chosen unit's invitations with their state. */
  loadInvitations() {
    const unit = this.currentUnit();
    if (!unit) return Promise.resolve();
    return api.call('invitations', { query: { unit_id: unit.id } })
      .then((res) => {
        if (this.currentUnit() !== unit) return;
        const now = Date.now();
        const invitations = res.invitations.map((inv) => {
          const status = invitationStatus(inv, now);
          return {
            id: inv.id,
            code: inv.code,
            role: inv.class ? `${inv.role_name}（${inv.class.name}）` : inv.role_name,
            detail: `已用 ${inv.uses}/${inv.max_uses} · ${formatDateTime(inv.expires_at)} 到期`,
            statusText: status.text,
            statusType: tagType('invitation', status.status),
            active: status.active,
          };
        });
        this.setData({ invitations, listState: readyState(invitations.length).state, listError: '', listOffline: false });
      })
      .catch((err) => {
        if (this.currentUnit() !== unit) return;
        const failed = errorState(err);
        this.setData({ listState: 'error', listError: failed.error, listOffline: failed.offline });
      });
  },

  /** 撤销 an invitation (destructive: asked in the danger colour). */
  revoke(event) {
    const { id, code } = event.currentTarget.dataset;
    wx.showModal({
      title: '撤销邀请',
      content: `撤销后邀请码 ${code} 将不能再使用，已加入的成员不受影响。确定撤销吗？`,
      confirmText: '撤销',
      confirmColor: COLORS.danger,
      success: (res) => {
        if (!res.confirm) return;
        api.call('invitationRevoke', { params: { id } })
          .then(() => {
            wx.showToast({ title: '已撤销', icon: 'success' });
            if (this.data.created && this.data.created.id === id) this.setData({ created: null, qrPath: '' });
            return this.loadInvitations();
          })
          .catch((err) => wx.showModal({ title: '撤销失败', content: err.message, showCancel: false }));
      },
    });
  },
});
