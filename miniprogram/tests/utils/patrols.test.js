const P = require('../../utils/patrols');
const A = require('../../utils/patrol-admin');
const { messageFor, MESSAGES } = require('../../api/messages');
const { fromResponse } = require('../../api/errors');
const { tagType } = require('../../utils/tone');
const { tilesFor, contextOf, TILES } = require('../../utils/tiles');
const { TEMPLATE, TOKEN, slot, patrol } = require('../helpers/patrols');

describe('reading a scanned code', () => {
  test('SAFETY-CP:<token> gives the token', () => {
    expect(P.parseScan({ result: `SAFETY-CP:${TOKEN}` })).toEqual({ token: TOKEN });
    expect(P.parseScan({ result: ` SAFETY-CP:${TOKEN}\n` })).toEqual({ token: TOKEN });
  });

  test('anything else is refused with what to scan instead', () => {
    ['https://example.com/x', '12345', '', `SAFETY-CP:`, 'SAFETY-CP:short', `SAFETY-CP:${TOKEN}<script>`, `safety-cp:${TOKEN}`]
      .forEach((text) => expect(P.parseScan({ result: text })).toEqual({ error: P.NOT_A_CHECKPOINT }));
    expect(P.parseScan(null)).toEqual({ error: P.NOT_A_CHECKPOINT });
    expect(P.NOT_A_CHECKPOINT).toMatch(/不是巡查点的二维码/);
  });
});

describe("today's slots", () => {
  const now = new Date('2026-11-29T08:00:00');
  const slots = [
    slot(1, '配电室', -300, -240, 'done', 11, now),
    slot(2, '食堂后厨', -10, 20, 'open', null, now),
    slot(3, '教学楼', 60, 90, 'open', null, now),
    slot(4, '宿舍楼', -400, -350, 'missed', null, now),
    slot(5, '图书馆', -200, -150, 'late', 12, now),
    slot(6, '操场', -120, -60, 'open', null, now),
  ];

  test('are grouped due now / upcoming / done / missed, by opening time', () => {
    const sections = P.slotSections(slots, now);
    expect(sections.map((s) => [s.title, s.rows.map((r) => r.title)])).toEqual([
      ['现在该巡查', ['操场', '食堂后厨']],
      ['稍后', ['教学楼']],
      ['已完成', ['配电室', '图书馆']],
      ['已错过', ['宿舍楼']],
    ]);
  });

  test('a row shows its window, its status tag and opens the round when done', () => {
    const [due, , done, missed] = P.slotSections(slots, now);
    expect(due.rows[1]).toMatchObject({
      window: '11月29日 07:50 – 08:20', statusText: '待巡查', statusType: 'warning', url: '', meta: '每日防火巡查 · 城东第一小学',
    });
    // Still open after its window (the job has not marked it yet): said so, in orange.
    expect(due.rows[0]).toMatchObject({ statusText: '已过时限', statusType: 'warning' });
    expect(done.rows.map((r) => [r.statusText, r.statusType, r.url])).toEqual([
      ['已完成', 'success', '/pages/patrol/detail?id=11'],
      ['逾时完成', 'warning', '/pages/patrol/detail?id=12'],
    ]);
    expect(missed.rows[0]).toMatchObject({ statusText: '已错过', statusType: 'danger' });
  });

  test('the counts line', () => {
    expect(P.countsText({ open: 2, done: 3, late: 1, missed: 1 })).toBe('待巡查 2 · 已完成 4 · 其中逾时 1 · 已错过 1');
    expect(P.countsText({ open: 0, done: 0, late: 0, missed: 0 })).toBe('待巡查 0');
  });

  test('slot tags: open waiting, done done, late orange, missed alert', () => {
    expect(['open', 'done', 'late', 'missed'].map((s) => tagType('slot', s))).toEqual(['warning', 'success', 'warning', 'danger']);
    expect(['pass', 'fail', 'na'].map((s) => tagType('answer', s))).toEqual(['success', 'danger', 'default']);
  });
});

describe('the checklist of a round', () => {
  const answered = (patches) => P.roundItems(TEMPLATE).map((item, i) => ({ ...item, ...(patches[i] || {}) }));

  test('starts unanswered, with the progress 已检查 0/3', () => {
    const items = P.roundItems(TEMPLATE);
    expect(items.map((i) => [i.id, i.answer, i.focus])).toEqual([[1, '', '消防器材'], [2, '', '疏散通道'], [3, '', '应急照明']]);
    expect(P.progressOf(items)).toEqual({ answered: 0, total: 3, text: '已检查 0/3', percent: 0, fails: 0 });
    expect(P.progressOf(answered([{ answer: 'pass' }, { answer: 'fail' }])))
      .toEqual({ answered: 2, total: 3, text: '已检查 2/3', percent: 67, fails: 1 });
  });

  test('every item needs an answer; a fail needs a note AND a photo', () => {
    const check = P.validateRound(answered([
      { answer: 'fail' },
      { answer: 'fail', note: '通道堆物' },
      {},
    ]));
    expect(check).toEqual({
      ok: false, first: 0, errors: ['不合格须写明情况并拍照', '不合格须至少拍一张照片', '请选择检查结果'], photoError: '',
    });
    expect(P.itemError({ answer: 'fail', note: '  ', photos: ['a.jpg'] })).toBe('不合格须写明情况');
    expect(P.itemError({ answer: 'fail', note: '堆物', photos: ['a.jpg'] })).toBe('');
    expect(P.itemError({ answer: 'na', note: '', photos: [] })).toBe('');
    expect(P.validateRound(answered([{ answer: 'pass' }, { answer: 'fail', note: '堆物', photos: ['a.jpg'] }, { answer: 'na' }])).ok).toBe(true);
  });

  test('the outbox entry and the POST body: photo ids go to their answers, sent_at at send', () => {
    const items = answered([
      { answer: 'pass', note: 'ignored' },
      { answer: 'fail', note: ' 通道堆物 ', photos: ['p1.jpg', 'p2.jpg'] },
      { answer: 'na', note: '无应急照明' },
    ]);
    const position = { lat: 33.1, lng: 116.2, accuracy: 12, coord_system: 'gcj02' };
    const entry = P.roundEntry({
      clientUuid: 'u-1', token: TOKEN, templateId: 7, position, scannedAt: '2026-11-29T00:05:00Z', items, checkpoint: { name: '食堂后厨', school: { name: '城东第一小学' } },
    });
    expect(entry).toMatchObject({ clientUuid: 'u-1', photos: ['p1.jpg', 'p2.jpg'], photoCounts: [0, 2, 0], title: '食堂后厨', school: '城东第一小学' });
    expect(P.patrolBody(entry, [41, 42], '2026-11-29T00:09:00Z')).toEqual({
      client_uuid: 'u-1',
      token: TOKEN,
      template_id: 7,
      lat: 33.1,
      lng: 116.2,
      accuracy: 12,
      coord_system: 'gcj02',
      scanned_at: '2026-11-29T00:05:00Z',
      sent_at: '2026-11-29T00:09:00Z',
      answers: [
        { item_id: 1, answer: 'pass' },
        { item_id: 2, answer: 'fail', note: '通道堆物', photo_ids: [41, 42] },
        { item_id: 3, answer: 'na', note: '无应急照明' },
      ],
    });
  });
});

describe('the refusals in words', () => {
  test('too_far says how far and how near, from details', () => {
    const err = fromResponse(422, { error: { code: 'too_far', message: 'too far', details: { distance_m: 312.4, radius_m: 50 } } });
    expect(err.message).toBe('你不在巡查点附近（距离约 312 米，需在 50 米内），请到巡查点后再提交');
    expect(messageFor('too_far', 422)).toBe('你不在巡查点附近，请到巡查点后再提交');
    expect(messageFor('too_far', 422, { distance_m: 'x' })).toBe('你不在巡查点附近，请到巡查点后再提交');
  });

  test('each refusal has its own words, with what to do', () => {
    expect(messageFor('checkpoint_unknown', 404)).toBe('这个二维码不是本系统的巡查点，请确认后重新扫码');
    expect(messageFor('checkpoint_replaced', 410)).toBe('这个巡查点的二维码已更换，请扫描新贴的二维码');
    expect(messageFor('checkpoint_inactive', 410)).toMatch(/已停用/);
    expect(messageFor('slot_already_done', 409)).toBe('这一轮巡查你已经提交过了');
    expect(messageFor('photo_too_old', 422)).toBe('照片是扫码之前拍的，请现场重新拍照');
    ['too_far', 'checkpoint_unknown', 'checkpoint_replaced', 'checkpoint_inactive', 'slot_already_done', 'photo_too_old']
      .forEach((code) => expect(MESSAGES[code]).toMatch(/[\u4e00-\u9fa5]/));
    // The hazard wording of uuid_conflict is replaced for a round.
    expect(P.refusalText({ code: 'uuid_conflict', message: MESSAGES.uuid_conflict })).toBe('这一轮巡查已用不同的内容提交过，请重新扫码巡查');
    expect(P.refusalText({ code: 'too_far', message: '你不在巡查点附近（距离约 80 米，需在 30 米内），请到巡查点后再提交' }))
      .toMatch(/80 米/);
  });
});

describe('a round summary', () => {
  test('answers with their hazards and photos, times, 补传', () => {
    const view = P.patrolView(patrol(11, { late_submission: true }));
    expect(view.answers.map((a) => [a.text, a.answerText, a.answerType, a.hazardUrl])).toEqual([
      ['灭火器在位', '合格', 'success', ''],
      ['安全出口畅通', '不合格', 'danger', '/pages/hazards/detail?id=77'],
      ['应急照明完好', '合格', 'success', ''],
    ]);
    expect(view.answers[1].photos).toEqual([{ id: 4, url: 'http://x/4.jpg', thumb: 'http://x/4t.jpg' }]);
    expect(view.times.map((t) => t.label)).toEqual(['扫码', '提交', '服务器收到']);
    expect(view).toMatchObject({ late: true, counts: '合格 2 · 不合格 1 · 不适用 0', distance: '距巡查点约 8 米（定位精度 12 米）' });
  });

  test('flags only for supervisors', () => {
    const flagged = patrol(11, { flags: [{ kind: 'photo_reused', photo_id: 4, detail: '与 11月20日 的照片相同' }, { kind: 'new_kind', detail: '' }] });
    expect(P.patrolView(flagged).flags).toEqual([]);
    expect(P.patrolView(flagged, { supervisor: true }).flags).toEqual([
      { name: '照片疑似重复使用', detail: '与 11月20日 的照片相同', photoId: 4 },
      { name: '需要核查', detail: '', photoId: null },
    ]);
  });
});

describe('tiles', () => {
  const titles = (capabilities) => tilesFor(capabilities, TILES, {}, contextOf({ capabilities, grants: [{}] })).map((t) => t.title);

  test('a patrol person has the home page 今日巡查 card, no tile; a safety officer finds it after the hazard tiles', () => {
    expect(titles(['patrol.do', 'hazard.report'])).toEqual(['上报隐患']);
    expect(titles(['patrol.do', 'patrol.plan', 'patrol.view', 'checkpoint.manage', 'hazard.report', 'hazard.view', 'hazard.plan'])).toEqual([
      '上报隐患', '隐患整改', '今日巡查', '巡查点与二维码', '巡查计划', '巡查统计', '水域巡查', '水域巡查统计',
    ]);
    expect(titles(['patrol.do', 'patrol.plan', 'hazard.report'])).toEqual(['上报隐患', '巡查计划']);
    expect(titles(['patrol.view'])).toEqual(['巡查统计', '水域巡查', '水域巡查统计']);
    // A water patrol (water.manage, patrol.do) finds 水域巡查, not the statistics.
    expect(titles(['patrol.do', 'water.manage', 'hazard.report'])).toEqual(['上报隐患', '水域巡查']);
  });
});

describe('the officer pages', () => {
  test('a checkpoint needs a name, a radius of 10-500 m, a checklist and a position', () => {
    const bad = A.validateCheckpoint({ schoolId: 3, name: ' ', radius: 5, templateCodes: [], position: null });
    expect(Object.keys(bad.errors).sort()).toEqual(['name', 'position', 'radius', 'templates']);
    const good = A.validateCheckpoint({
      schoolId: 3, name: ' 食堂后厨 ', radius: 30, templateCodes: ['fire_daily'], position: { lat: 1, lng: 2, accuracy: 9, coord_system: 'gcj02' },
    });
    expect(good.body).toEqual({
      school_id: 3, name: '食堂后厨', lat: 1, lng: 2, coord_system: 'gcj02', radius_m: 30, template_codes: ['fire_daily'],
    });
  });

  test('a plan: who, which days, a window that ends after it starts, a season as MM-DD', () => {
    const form = {
      schoolId: 3, name: '防火', templateCode: 'fire_daily', checkpointIds: ['1', '2'], assignee: 'role', role: '',
      recurrence: 'weekdays', weekdays: [], windowStart: '08:30', windowEnd: '07:30', seasonOn: true, seasonStart: '5-1', seasonEnd: '09-30',
      remindMinutes: 30, escalateAfter: 2,
    };
    expect(Object.keys(A.validatePlan(form).errors).sort()).toEqual(['season', 'weekdays', 'who', 'window']);
    const good = A.validatePlan({
      ...form, assignee: 'person', userId: '9', weekdays: ['5', '1'], windowStart: '07:30', windowEnd: '08:30', seasonStart: '05-01',
    });
    expect(good.body).toEqual({
      school_id: 3, name: '防火', template_code: 'fire_daily', checkpoint_ids: [1, 2], assignee_user_id: 9, recurrence: 'weekdays',
      weekdays: [1, 5], window_start: '07:30', window_end: '08:30', season_start: '05-01', season_end: '09-30',
      remind_minutes_before: 30, escalate_after_misses: 2,
    });
    expect(A.validatePlan({ ...form, role: 'teacher', recurrence: 'daily', windowStart: '07:30', windowEnd: '08:30', seasonOn: false }).body)
      .toMatchObject({ assignee_role: 'teacher', weekdays: [], season_start: null, season_end: null });
    expect(A.planWhen({ recurrence: 'weekdays', weekdays: [7, 1], window_start: '16:00', window_end: '18:00', season_start: '05-01', season_end: '09-30' }))
      .toBe('每周一、日 16:00–18:00（05-01 至 09-30）');
  });

  test('compliance rows: the rate as a bar, none when nothing was due', () => {
    const row = A.complianceRow({ key: { id: 5, name: '食堂后厨' }, due: 10, done_on_time: 7, done_late: 1, missed: 2, late_submissions: 1, rate: 0.7 });
    expect(row).toMatchObject({
      name: '食堂后厨', figures: '应巡 10 · 按时 7 · 逾时 1 · 错过 2', lateSubmissions: '其中补传 1 次', percent: 70, rateText: '70%', level: 'fair',
    });
    expect(A.complianceRow({ key: { id: 6, name: '旧楼' }, due: 0, done_on_time: 0, done_late: 0, missed: 0, late_submissions: 0, rate: null }))
      .toMatchObject({ hasRate: false, rateText: '无应巡', percent: 0 });
    expect(A.complianceRow({ key: { id: 6, name: 'x' }, due: 2, done_on_time: 2, done_late: 0, missed: 0, rate: 1 }).level).toBe('good');
  });
});

describe('the home page counts the rounds waiting', () => {
  test('a 待发送 card of its own, opening 今日巡查', () => {
    const { patrolOutboxCard, meView } = require('../../utils/home');
    expect(patrolOutboxCard({ total: 0 })).toBeNull();
    expect(patrolOutboxCard({ total: 3, waiting: 2, sending: 0, failed: 1 })).toEqual({
      title: '3 轮巡查还没有发送', detail: '等待联网 2', failedText: '1 轮发送失败，点此查看原因',
    });
    const view = meView({ capabilities: ['patrol.do', 'hazard.plan'], grants: [{ id: 1, role_name: '学校安全负责人', unit: { id: 3, name: '城东第一小学', kind: 'school' } }] }, { patrolOutboxCount: 2 });
    expect(view.tiles[0]).toMatchObject({ title: '今日巡查', url: '/pages/patrol/today', badge: 2, badgeText: '待发送 2 轮' });
  });

  test('the home page shows it and opens 今日巡查', async () => {
    const { installWx } = require('../helpers/wx');
    const { loadPage, stubApp } = require('../helpers/page');
    const wx = installWx();
    wx.storage.set('patrol_outbox', [{ id: 'a', clientUuid: 'a', title: '食堂后厨', photos: [], status: 'pending', error: '' }]);
    const page = loadPage('pages/index/index', { app: stubApp({ capabilities: ['patrol.do'], grants: [], children: [], user: { id: 1 } }) });
    page.showMe({ capabilities: ['patrol.do'], grants: [], children: [], user: { id: 1 } });
    expect(page.data.patrolOutbox).toMatchObject({ title: '1 轮巡查还没有发送' });
    expect(page.data.outbox).toBeNull();
    page.openPatrolOutbox();
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/patrol/today' });
  });
});
