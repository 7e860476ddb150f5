/**
 * Join a unit with an invitation: scan its QR code or type its 8-character code. A person gives
 * their name (WeChat's nickname input offers their WeChat name) and, optionally, a mobile number;
 * the avatar from WeChat's chooseAvatar button stays on the phone.
 */
const api = require('../../api/client');
const { normalizeInviteCode, inviteCodeProblem } = require('../../utils/codes');
const { grantLabel } = require('../../utils/format');
const profile = require('../../utils/profile');

Page({
  data: {
    code: '',
    error: '',
    name: '',
    nameError: '',
    phone: '',
    phoneError: '',
    avatarUrl: '',
    submitting: false,
    joined: '',
  },

  /** Fill in the name the person already has (they may keep or change it). */
  onLoad() {
    this.setData({ avatarUrl: profile.savedAvatar() });
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => app.getMe())
      .then((me) => {
        const name = (me && me.user && me.user.display_name) || '';
        if (name && !this.data.name) this.setData({ name });
      })
      .catch(() => null);
  },

  // Kept as typed (rewriting the field while typing moves the cursor); normalized on submit.
  onCodeInput(event) {
    this.setData({ code: event.detail, error: '' });
  },

  /** The nickname input: typed text, or the WeChat name picked from its keyboard. */
  onNameInput(event) {
    this.setData({ name: event.detail.value, nameError: '' });
  },

  /** WeChat reviews a picked or typed nickname; a refused one is cleared. */
  onNameReview(event) {
    if (event.detail && event.detail.pass === false) {
      this.setData({ name: '', nameError: '这个名字未通过微信审核，请换一个' });
    }
  },

  onPhoneInput(event) {
    this.setData({ phone: event.detail, phoneError: '' });
  },

  onChooseAvatar(event) {
    this.setData({ avatarUrl: profile.saveAvatar(event.detail.avatarUrl) });
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
    const name = String(this.data.name || '').trim();
    const phone = String(this.data.phone || '').trim();
    const problems = {
      code,
      error: inviteCodeProblem(code),
      nameError: profile.nameProblem(name),
      phoneError: profile.phoneProblem(phone),
    };
    if (problems.error || problems.nameError || problems.phoneError) {
      this.setData(problems);
      return Promise.resolve();
    }
    this.setData({ code, error: '', submitting: true });
    const body = { code, display_name: name, phone: phone || undefined };
    return api.call('invitationRedeem', { body })
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
