/**
 * The evaluation utils: scores without trailing zeros, the hazard evidence as the hazard's page
 * (the other kinds: no link), the ranks in words, the hand score checked before the PUT; and the
 * 年终考评 tile for figures.view holders.
 */
const E = require('../../utils/evaluation');
const { BUREAU, CENTER, SCHOOL_A, grant } = require('../helpers/fixtures');
const { SCHOOL } = require('../helpers/evaluation');
const { TILES, tilesFor, contextOf } = require('../../utils/tiles');

test('scores: "87.50" -> "87.5", "8.00" -> "8", nothing -> ""', () => {
  expect(['87.50', '8.00', '0.00', '6.25', 7, null, undefined, ''].map(E.scoreText))
    .toEqual(['87.5', '8', '0', '6.25', '7', '', '', '']);
});

test('the years offered: the phone\'s and the last', () => {
  expect(E.yearChoices(new Date(2027, 0, 5, 10, 0))).toEqual([
    { value: 2027, label: '2027年度' }, { value: 2026, label: '2026年度' },
  ]);
});

test('evidence: a hazard (by id, or by its console link) opens the hazard; the other kinds nothing', () => {
  expect(E.evidenceUrl({ kind: 'hazard', id: 7, href: '/console/hazards/7' })).toBe('/pages/hazards/detail?id=7');
  expect(E.evidenceUrl({ kind: 'hazard', id: null, href: '/console/hazards/12' })).toBe('/pages/hazards/detail?id=12');
  expect(E.evidenceUrl({ kind: 'hazard', id: null, href: '' })).toBe('');
  expect(E.evidenceUrl({ kind: 'visit', id: 4, href: '/console/visits/4' })).toBe('');
  expect(E.evidenceUrl({ kind: 'notice', id: 5, href: '/console/notices/5?unit_id=3' })).toBe('');
  expect(E.evidenceUrl(null)).toBe('');
  expect(E.lineRow({ text: '未评分', points_lost: '0.00', evidence: null }, 2)).toEqual({ key: 2, text: '未评分', lost: '', url: '' });
});

test('ranks: the center school rank only when the school has one', () => {
  expect(E.schoolView({ ...SCHOOL, rank_in_group: null, group_size: null, group: null }).ranks.map((r) => r.text))
    .toEqual(['区排名 3/400']);
  expect(E.schoolView(null)).toMatchObject({ ranks: [], criteria: [], school: '' });
  expect(E.rankingRow({ school: { id: 5, name: '区直实验学校' }, group: null, rank_in_district: 1, rank_in_group: null, score: '90.00', complete: true }, 2026))
    .toMatchObject({ groupText: '', rank: 1, url: '/pages/supervision/evaluation-school?id=5&year=2026' });
});

test('a hand score: 0..points in steps of 0.5, a number or its text; the note trimmed, at most 500', () => {
  expect(E.scoreBody(2026, '6', ' ', 6)).toEqual({ ok: true, error: '', body: { year: 2026, score: '6.0', note: '' } });
  expect(E.scoreBody(2026, 0, '缺演练记录', 6).body).toEqual({ year: 2026, score: '0.0', note: '缺演练记录' });
  expect(E.scoreBody(2026, 2.5, 'x'.repeat(500), 8).ok).toBe(true);
  ['', null, 'abc', -0.5, 6.5, 2.25, '1.2'].forEach((bad) => {
    expect(E.scoreBody(2026, bad, '', 6)).toMatchObject({ ok: false, error: '请填写 0 到 6 之间的分数（以 0.5 分为单位）' });
  });
  expect(E.scoreBody(2026, 1, 'x'.repeat(501), 6)).toMatchObject({ ok: false, error: '说明最多 500 个字' });
});

describe('the 年终考评 tile', () => {
  const titles = (capabilities, grants) => tilesFor(capabilities, TILES, {}, contextOf({ capabilities, grants }))
    .filter((t) => t.title === '年终考评');

  test('figures.view holders: above schools and a school\'s managers; opens the ranking', () => {
    expect(titles(['figures.view'], [grant(1, 'supervisor', 's', CENTER)])).toEqual([
      expect.objectContaining({ icon: 'medal-o', url: '/pages/supervision/evaluation' }),
    ]);
    expect(titles(['figures.view', 'evaluation.score'], [grant(1, 'inspector', 'i', BUREAU)])).toHaveLength(1);
    expect(titles(['figures.view'], [grant(1, 'school_admin', 'a', SCHOOL_A)])).toHaveLength(1);
  });

  test('without figures.view: no tile', () => {
    expect(titles(['hazard.view', 'patrol.do'], [grant(1, 'teacher', 't', SCHOOL_A)])).toEqual([]);
    expect(titles(['evaluation.score'], [grant(1, 'inspector', 'i', BUREAU)])).toEqual([]);
  });
});
