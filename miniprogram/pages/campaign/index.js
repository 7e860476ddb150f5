/**
 * The active campaign: its phases (the current one highlighted) and its six areas, each expandable
 * to its five focus problems.
 */
const api = require('../../api/client');
const { campaignView } = require('../../utils/campaign');

Page({
  data: {
    loading: true,
    error: '',
    noCampaign: false,
    campaign: null,
    openAreas: [],
  },

  onLoad() {
    return this.load();
  },

  load() {
    return api.call('campaignActive')
      .then((campaign) => this.setData({ loading: false, campaign: campaignView(campaign) }))
      .catch((err) => this.setData({
        loading: false,
        noCampaign: err.code === 'no_active_campaign',
        error: err.message,
      }));
  },

  onAreasChange(event) {
    this.setData({ openAreas: event.detail });
  },
});
