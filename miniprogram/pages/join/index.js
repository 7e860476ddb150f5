/**
 * Join a unit with an invitation: scan its QR code or type its 8-character code.
 */
const api = require('../../api/client');
const { normalizeInviteCode, inviteCodeProblem } = require('../../utils/codes');
const { grantLabel } = require('../../utils/format');

Page({
  data: {
    code: '',
    error: '',
    submitting: false,
    joined: '',
  },

  // Kept as typed (rewriting the field while typing moves the cursor); normalized on submit.
  onCodeInput(event) {
    this.setData({ code: event.detail, error: '' });
  },

  scan() {
    wx.scanCode({
      onlyFromCamera: false,
      success: (res) => {
        this.setData({ code: normalizeInviteCode(res.result), error: '' });
        this.redeem();
      },
      fail: (err) => {
        if (!/cancel/.test((err && err.errMsg) || '')) {
          this.setData({ error: '没有识别到邀请二维码，请重试或直接输入邀请码' });
        }
      },
    });
  },

  redeem() {
    const code = normalizeInviteCode(this.data.code);
    const problem = inviteCodeProblem(code);
    if (problem) {
      this.setData({ code, error: problem });
      return Promise.resolve();
    }
    this.setData({ code, error: '', submitting: true });
    return api.call('invitationRedeem', { body: { code } })
      .then((res) => {
        this.setData({ submitting: false, joined: grantLabel(res.grant), code: '' });
        wx.showToast({ title: '加入成功', icon: 'success' });
        return getApp().getMe({ refresh: true }).catch(() => null);
      })
      .catch((err) => this.setData({ submitting: false, error: err.message }));
  },

  goHome() {
    wx.navigateBack({ fail: () => wx.reLaunch({ url: '/pages/index/index' }) });
  },
});
