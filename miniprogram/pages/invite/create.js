/**
 * Admins: make an invitation (unit, role, class for a class teacher, number of uses, validity),
 * show its code and QR image, and list / revoke the unit's invitations.
 */
const api = require('../../api/client');
const { flattenUnitTree } = require('../../utils/units');
const { formatDateTime } = require('../../utils/format');
const { COLORS } = require('../../utils/colors');
const {
  VALIDITY_CHOICES, DEFAULT_HOURS, MAX_USES_MIN, MAX_USES_MAX,
  rolesForUnit, buildInvitationBody, invitationStatus,
} = require('../../utils/invitations');

const fetchChildUnits = (id) => api.call('units', { query: { parent_id: id } }).then((res) => res.units);

Page({
  data: {
    loading: true,
    loadError: '',
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
    listError: '',
  },

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
        this.setData({ loading: false, units });
        return units.length ? this.selectUnit(0) : null;
      })
      .catch((err) => this.setData({ loading: false, loadError: err.message }));
  },

  currentUnit() {
    return this.data.units[this.data.unitIndex] || null;
  },

  onUnitChange(event) {
    this.selectUnit(Number(event.detail.value));
  },

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
    });
    if (roles.length === 1) this.selectRole(0);
    return this.loadInvitations();
  },

  onRoleChange(event) {
    this.selectRole(Number(event.detail.value));
  },

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

  onClassChange(event) {
    this.setData({ classIndex: Number(event.detail.value), formError: '' });
  },

  onMaxUsesChange(event) {
    this.setData({ maxUses: event.detail });
  },

  onValidityChange(event) {
    this.setData({ validityIndex: Number(event.detail.value) });
  },

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

  copyCode() {
    wx.setClipboardData({ data: this.data.created.code });
  },

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
            active: status.active,
          };
        });
        this.setData({ invitations, listError: '' });
      })
      .catch((err) => this.setData({ listError: err.message }));
  },

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
