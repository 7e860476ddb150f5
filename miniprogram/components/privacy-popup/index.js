/**
 * The privacy-agreement sheet WeChat requires before a privacy API runs (see utils/privacy.js).
 *
 * Put `<privacy-popup/>` on every page. While attached it is the page's answerer: when WeChat asks,
 * it slides up; "同意" (an open-type="agreePrivacyAuthorization" button) resolves WeChat's request
 * with {buttonId: 'agree-btn', event: 'agree'}, "不同意" with {event: 'disagree'}.
 * It also fires `agree` / `disagree` events for the page.
 */
const privacy = require('../../utils/privacy');

const DEFAULT_CONTRACT_NAME = '《校园安全小程序隐私保护指引》';

Component({
  data: {
    show: false,
    contractName: DEFAULT_CONTRACT_NAME,
  },

  lifetimes: {
    attached() {
      this.pending = [];
      this.answerer = { open: (resolve, eventInfo) => this.open(resolve, eventInfo) };
      privacy.attach(this.answerer);
    },
    detached() {
      privacy.detach(this.answerer);
      // Leaving the page without an answer: don't leave WeChat's request hanging.
      this.answer({ event: 'disagree' });
    },
  },

  methods: {
    open(resolve) {
      this.pending.push(resolve);
      this.setData({ show: true });
      if (typeof wx.getPrivacySetting === 'function') {
        wx.getPrivacySetting({
          success: (res) => {
            if (res && res.privacyContractName) this.setData({ contractName: res.privacyContractName });
          },
        });
      }
    },

    answer(result) {
      const pending = this.pending || [];
      this.pending = [];
      pending.forEach((resolve) => resolve(result));
    },

    onAgree() {
      this.answer({ buttonId: 'agree-btn', event: 'agree' });
      this.setData({ show: false });
      this.triggerEvent('agree');
    },

    onDisagree() {
      this.answer({ event: 'disagree' });
      this.setData({ show: false });
      this.triggerEvent('disagree');
    },

    openContract() {
      if (typeof wx.openPrivacyContract === 'function') wx.openPrivacyContract({});
    },
  },
});
