/**
 * The active campaign: its phases (the current one highlighted) and its six areas, each expandable
 * to its five focus problems. No campaign under way reads as an empty page, not as an error.
 */
const api = require('../../api/client');
const { campaignView } = require('../../utils/campaign');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  data: {
    state: 'loading',
    error: '',
    offline: false,
    noCampaign: false,
    campaign: null,
    openAreas: [],
  },

  /** Open the page. */
  onLoad() {
    return this.load();
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

  /** The active campaign; "no active campaign" is the empty state. */
  load() {
    return api.call('campaignActive')
      .then((campaign) => this.setData({ ...readyState(1), noCampaign: false, campaign: campaignView(campaign) }))
      .catch((err) => {
        if (err.code === 'no_active_campaign') this.setData({ ...readyState(0), noCampaign: true, error: err.message });
        else this.setData({ ...errorState(err), noCampaign: false });
      });
  },

  /** An area opened or closed. */
  onAreasChange(event) {
    this.setData({ openAreas: event.detail });
  },
});
