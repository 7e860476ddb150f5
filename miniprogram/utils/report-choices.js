/**
 * What a reporter picks instead of the inspectors' taxonomy: a short list of plain choices with
 * examples, each filed under one focus problem of the campaign (server/data/campaigns/*.json; a
 * test checks every code there). The last choice, "不确定", sends no focus problem: the school's
 * safety officer classifies the report later.
 */
const CHOICES = [
  { key: 'fire', label: '消防器材、通道', examples: '灭火器过期、安全出口堵塞、应急灯不亮', focus_problem: 'fire.patrol' },
  { key: 'utilities', label: '用电用火用气', examples: '私拉电线、插座烧焦、燃气泄漏', focus_problem: 'fire.utilities' },
  { key: 'canteen', label: '食堂、食品', examples: '食材过期、生熟不分、餐具未消毒', focus_problem: 'food.procedure' },
  { key: 'hygiene', label: '饮用水、卫生', examples: '饮水机不洁、水质异常、厕所卫生差', focus_problem: 'food.hygiene' },
  { key: 'bus', label: '校车', examples: '校车故障、超员、安全锤缺失', focus_problem: 'bus.maintenance' },
  { key: 'water', label: '水边、防溺水', examples: '池塘无护栏、警示牌缺失、救生圈损坏', focus_problem: 'drowning.water_management' },
  { key: 'gate', label: '校门、保安', examples: '保安不在岗、大门未关、防护器械缺失', focus_problem: 'surroundings.guards' },
  { key: 'traffic', label: '校门口交通', examples: '车辆乱停、缺少减速带、无人护导', focus_problem: 'surroundings.traffic' },
  { key: 'bullying', label: '欺凌、打架', examples: '学生被欺负、打架斗殴、勒索财物', focus_problem: 'bullying.screening' },
  { key: 'unsure', label: '不确定，由学校安全负责人分类', examples: '先上报，负责人会归入正确的类别', focus_problem: null },
];

/**
 * The choices offered under a campaign: those whose focus problem the campaign has (and "不确定").
 * Without a campaign (never loaded, offline) all of them.
 */
function choicesFor(campaign, choices = CHOICES) {
  if (!campaign || !Array.isArray(campaign.areas)) return choices;
  const codes = new Set();
  campaign.areas.forEach((area) => (area.focus_problems || []).forEach((p) => codes.add(p.code)));
  return choices.filter((choice) => choice.focus_problem === null || codes.has(choice.focus_problem));
}

module.exports = { CHOICES, choicesFor };
