/**
 * Parents: bind to a child with the class code and the child's name; list and unbind children.
 */
const api = require('../../api/client');
const { RELATIONS, validateBindForm, formErrorsFromApi } = require('../../utils/children');

const EMPTY_FORM = { classCode: '', childName: '', relation: '' };

Page({
  data: {
    relations: RELATIONS,
    form: { ...EMPTY_FORM },
    errors: {},
    submitting: false,
    children: [],
    loadingList: true,
    listError: '',
  },

  onLoad() {
    return this.loadChildren();
  },

  loadChildren() {
    return api.call('children')
      .then((res) => this.setData({ children: res.children, loadingList: false, listError: '' }))
      .catch((err) => this.setData({ loadingList: false, listError: err.message }));
  },

  onFieldChange(event) {
    const field = event.currentTarget.dataset.field;
    this.setData({ [`form.${field}`]: event.detail, [`errors.${field}`]: '' });
  },

  submit() {
    const { ok, body, errors } = validateBindForm(this.data.form);
    if (!ok) {
      this.setData({ errors });
      return Promise.resolve();
    }
    this.setData({ submitting: true, errors: {} });
    return api.call('childBind', { body })
      .then((child) => {
        this.setData({ submitting: false, form: { ...EMPTY_FORM } });
        wx.showToast({ title: `已绑定${child.name}`, icon: 'success' });
        getApp().getMe({ refresh: true }).catch(() => null);
        return this.loadChildren();
      })
      .catch((err) => {
        const errors = formErrorsFromApi(err);
        this.setData({ submitting: false, errors });
        if (!Object.keys(errors).length) wx.showModal({ title: '绑定失败', content: err.message, showCancel: false });
      });
  },

  unbind(event) {
    const { id, name } = event.currentTarget.dataset;
    wx.showModal({
      title: '解除绑定',
      content: `确定解除与${name}的绑定吗？解除后将收不到孩子班级的通知。`,
      confirmText: '解除',
      confirmColor: '#ee0a24',
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
