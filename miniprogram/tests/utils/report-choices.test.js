/** The plain choices of the report form, against the real campaign file. */
const { CHOICES, choicesFor } = require('../../utils/report-choices');
const CAMPAIGN = require('../../../server/data/campaigns/2023-qiangjichu.json');

const codes = new Set();
CAMPAIGN.areas.forEach((area) => area.focus_problems.forEach((p) => codes.add(p.code)));

test('every choice names a focus problem of the campaign, except the last, "不确定"', () => {
  const filed = CHOICES.slice(0, -1);
  expect(filed.length).toBeGreaterThanOrEqual(8);
  filed.forEach((choice) => expect(codes.has(choice.focus_problem)).toBe(true));
  expect(CHOICES[CHOICES.length - 1]).toMatchObject({ key: 'unsure', label: '不确定，由学校安全负责人分类', focus_problem: null });
});

test('each choice is plain words with examples, and keys are unique', () => {
  CHOICES.forEach((choice) => {
    expect(choice.label).toMatch(/[\u4e00-\u9fa5]/);
    expect(choice.label).not.toMatch(/[a-z]/);
    expect(choice.examples).toMatch(/、|，/);
  });
  expect(new Set(CHOICES.map((c) => c.key)).size).toBe(CHOICES.length);
});

test('under a campaign only its codes are offered; without one, all', () => {
  expect(choicesFor(CAMPAIGN)).toEqual(CHOICES);
  expect(choicesFor(null)).toEqual(CHOICES);
  const other = { areas: [{ code: 'x', focus_problems: [{ code: 'x.y' }] }] };
  expect(choicesFor(other).map((c) => c.key)).toEqual(['unsure']);
});
