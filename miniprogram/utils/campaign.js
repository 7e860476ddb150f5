/**
 * The active campaign (GET /campaigns/active): kept on the phone for the report page offline
 * (fetchCampaign), and as the campaign page shows it (campaignView).
 */
const api = require('../api/client');
const cache = require('./cache');
const { formatDate } = require('./format');

/** GET /campaigns/active, saved: `{value, savedAt}` (the saved copy when the network failed). */
function fetchCampaign() {
  return cache.fetch('campaign', () => api.call('campaignActive'));
}

/** The saved campaign `{value, savedAt}`, or null. */
const cachedCampaign = () => cache.load('campaign');

function campaignView(campaign) {
  const phases = campaign.phases.map((phase, index) => ({
    code: phase.code,
    number: index + 1,
    name: phase.name,
    dates: `${formatDate(phase.starts_on)} 至 ${formatDate(phase.ends_on)}`,
    description: phase.description || '',
    current: Boolean(phase.current),
  }));
  const areas = campaign.areas.map((area, index) => ({
    code: area.code,
    title: `${index + 1}. ${area.name}`,
    problems: area.focus_problems.map((problem) => ({ code: problem.code, name: problem.name })),
  }));
  const current = phases.find((phase) => phase.current);
  return {
    name: campaign.name,
    year: campaign.year,
    phases,
    currentPhase: current ? current.name : '',
    areas,
  };
}

module.exports = { campaignView, fetchCampaign, cachedCampaign };
