/**
 * Parents: bind to a child on the class roster with the class code and the child's name
 * (提交绑定申请 in the bar at the bottom); the binding waits for the class teacher (待班主任确认)
 * unless a family code approves it. The parent gives their own name (WeChat's nickname input, as
 * on pages/join; prefilled with the name they have) so that the class teacher knows who asks. Lists the bindings with their state; a waiting one can take a
 * family code; any can be unbound (asked in the danger colour).
 */
const api = require('../../api/client');
const { RELATIONS, validateBindForm, formErrorsFromApi, childRow } = require('../../utils/children');
const { cleanCode } = require('../../utils/codes');
const { COLORS } = require('../../utils/colors');
const { readyState, errorState } = require('../../utils/page-state');

const EMPTY_FORM = { parentName: '', classCode: '', childName: '', relation: '', familyCode: '' };

Page({
  data: {
    relations: RELATIONS,
    form: { ...EMPTY_FORM },
    errors: {},
    nameUnderReview: false,
    submitting: false,
    children: [],
    listState: 'loading',
    listError: '',
    listOffline: false,
  },

  /** The children bound so far, and the parent's name filled in when they have one. */
  onLoad() {
    return Promise.all([this.loadChildren(), this.fillName()]);
  },

  /** The name the parent already has (they may keep or change it); one typed meanwhile stays. */
  fillName() {
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => app.getMe())
      .then((me) => {
        const user = (me && me.user) || {};
        if (user.display_name && !this.data.form.parentName) {
          this.setData({ 'form.parentName': user.display_name, nameUnderReview: !!user.name_under_review });
        }
      })
      .catch(() => null);
  },

  /** The nickname input: typed text, or the WeChat name picked from its keyboard. */
  onNameInput(event) {
    this.setData({ 'form.parentName': event.detail.value, 'errors.parentName': '' });
  },

  /** WeChat reviews a picked or typed nickname; a refused one is cleared. */
  onNameReview(event) {
    if (event.detail && event.detail.pass === false) {
      this.setData({ 'form.parentName': '', 'errors.parentName': '这个名字未通过微信审核，请换一个' });
    }
  },

  /** Pulled down: the bindings' states again (a teacher may have decided). */
  onPullDownRefresh() {
    return this.loadChildren().then(() => wx.stopPullDownRefresh());
  },

  /** 重试 after the list failed. */
  retryList() {
    this.setData({ listState: 'loading', listError: '' });
    return this.loadChildren();
  },

  /** The parent's bindings with their states. */
  loadChildren() {
    return api.call('children')
      .then((res) => {
        const children = res.children.map(childRow);
        this.setData({ children, listState: readyState(children.length).state, listError: '', listOffline: false });
      })
      .catch((err) => {
        const failed = errorState(err);
        this.setData({ listState: 'error', listError: failed.error, listOffline: failed.offline });
      });
  },

  /** A field typed or a relation picked. */
  onFieldChange(event) {
    const field = event.currentTarget.dataset.field;
    this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
  },

  /** 提交绑定申请: checked here first, then sent. */
  submit() {
    const { ok, body, errors } = validateBindForm(this.data.form);
    if (!ok) {
      this.setData({ errors });
      return Promise.resolve();
    }
    this.setData({ submitting: true, errors: {} });
    return api.call('childBind', { body })
      .then((child) => {
        // The parent's name stays for the next child.
        this.setData({ submitting: false, form: { ...EMPTY_FORM, parentName: body.display_name } });
        if (child.status === 'approved') wx.showToast({ title: `已绑定${child.name}`, icon: 'success' });
        else wx.showModal({ title: '已提交', content: '请等待班主任确认；确认前不会收到班级通知。也可以输入班主任给你的家庭码立即完成绑定。', showCancel: false });
        getApp().getMe({ refresh: true }).catch(() => null);
        return this.loadChildren();
      })
      .catch((err) => {
        const errors = formErrorsFromApi(err);
        this.setData({ submitting: false, errors });
        if (!Object.keys(errors).length) wx.showModal({ title: '绑定失败', content: err.message, showCancel: false });
      });
  },

  /** A waiting binding: the family code the teacher gave approves it at once. */
  enterFamilyCode(event) {
    const { id } = event.currentTarget.dataset;
    return new Promise((resolve) => {
      wx.showModal({
        title: '输入家庭码',
        editable: true,
        placeholderText: '班主任给的 6 位家庭码',
        success: (res) => {
          const code = cleanCode(res.content);
          if (!res.confirm || !code) { resolve(); return; }
          api.call('childFamilyCode', { params: { id }, body: { family_code: code } })
            .then(() => {
              wx.showToast({ title: '绑定成功', icon: 'success' });
              getApp().getMe({ refresh: true }).catch(() => null);
              return this.loadChildren();
            })
            .catch((err) => wx.showModal({ title: '未能绑定', content: err.message, showCancel: false }))
            .then(resolve);
        },
      });
    });
  },

  /** 解除 / 撤回 a binding (destructive: asked in the danger colour). */
  unbind(event) {
    const { id, name } = event.currentTarget.dataset;
    wx.showModal({
      title: '解除绑定',
      content: `确定解除与${name}的绑定吗？解除后将收不到孩子班级的通知。`,
      confirmText: '解除',
      confirmColor: COLORS.danger,
      success: (res) => {
        if (!res.confirm) return;
        api.call('childUnbind', { params: { id } })
          .then(() => {
            wx.showToast({ title: '已解除绑定', icon: 'success' });
            getApp().getMe({ refresh: true }).catch(() => null);
            return this.loadChildren();
          })
          .catch((err) => wx.showModal({ title: '解除失败', content: err.message, showCancel: false }));
      },
    });
  },
});
