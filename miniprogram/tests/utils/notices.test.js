const { installWx } = require('../helpers/wx');
const {
  BUREAU, CENTER, SCHOOL_A, KINDER, DIRECT_SCHOOL, CLASSES, grant, childStatus, notice,
} = require('../helpers/fixtures');
const {
  noticeRow, noticeView, ackBar, classProgress, issuedRow, writerUnits, teacherClasses, mayOpenClass, markReceived, hasReceived,
} = require('../../utils/notices');
const { percent, notReached, completionView } = require('../../utils/notice-completion');
const { tagType } = require('../../utils/tone');
const {
  levelRows, toggleTarget, targetsBody, validateNotice, noticeErrorsFromApi, previewText,
} = require('../../utils/notice-form');
const { PAGES, messageUrl, messageRow } = require('../../utils/inbox');
const { tilesFor } = require('../../utils/tiles');
const { messageIn } = require('../../api/messages');

beforeEach(() => installWx());

describe('parents\' notices', () => {
  test('each child gets its own tag: 未确认 (waiting) or 已确认 (done) with the time', () => {
    const row = noticeRow(notice(7, {
      children: [
        childStatus(11, '王小明'),
        childStatus(12, '王小红', { read: true }),
        childStatus(13, '王小刚', { read: true, acknowledged: true, acknowledged_at: '2024-06-01T03:04:00Z' }),
      ],
    }));
    expect(row.children.map((c) => [c.name, c.text, c.status, c.type])).toEqual([
      ['王小明', '未确认', 'unread', 'warning'],
      ['王小红', '未确认', 'read', 'warning'],
      ['王小刚', '已确认', 'acknowledged', 'success'],
    ]);
    expect(row.children[2].type).toBe(tagType('noticeChild', 'acknowledged'));
    expect(row.children[2].acknowledgedAt).toMatch(/^2024年6月1日 \d{2}:04$/);
    expect(row).toMatchObject({ unit: '埇桥区教体局', pending: true });
  });

  test('the detail view carries the text and the attachment', () => {
    const view = noticeView(notice(7, { attachment_url: 'https://oss/a.jpg' }));
    expect(view).toMatchObject({ body: expect.stringContaining('暑期将至'), attachment: 'https://oss/a.jpg', pending: false });
    expect(noticeView(notice(8)).attachment).toBe('');
  });

  test('the acknowledge bar: who is left, a note for several, the done line once none is', () => {
    const kids = (states) => states.map((done, i) => ({ childId: 11 + i, name: ['王小明', '王小红', '王小刚'][i], acknowledged: done }));
    expect(ackBar(kids([false]))).toEqual({
      pendingIds: [11], several: false, note: '', done: false, doneText: '已确认阅读并知晓',
    });
    expect(ackBar(kids([true, false, false]))).toMatchObject({
      pendingIds: [12, 13], several: true, note: '将为 王小红、王小刚 共 2 个孩子确认', done: false,
    });
    expect(ackBar(kids([true, false]))).toMatchObject({ pendingIds: [12], several: false, note: '为王小红确认' });
    expect(ackBar(kids([true, true]))).toMatchObject({ pendingIds: [], done: true, doneText: '已为全部 2 个孩子确认' });
    expect(ackBar([])).toMatchObject({ done: false, pendingIds: [] });
  });

  test('the received flag is kept on the phone', () => {
    expect(hasReceived()).toBe(false);
    markReceived();
    expect(hasReceived()).toBe(true);
  });
});

describe('writers and class teachers', () => {
  const grants = [
    grant(1, 'bureau_staff', '安全办工作人员', BUREAU),
    grant(2, 'inspector', '督查专家', BUREAU),
    grant(3, 'bureau_admin', '安全办管理员', BUREAU),
    grant(4, 'school_admin', '学校安全负责人', SCHOOL_A),
    grant(5, 'teacher', '巡查教师', KINDER),
    grant(6, 'class_teacher', '班主任', DIRECT_SCHOOL, { id: 51, name: '三年级2班' }),
  ];

  test('issuing units: one per unit, only from notice-writing roles', () => {
    expect(writerUnits(grants).map((u) => u.id)).toEqual([BUREAU.id, SCHOOL_A.id]);
    expect(writerUnits([])).toEqual([]);
  });

  test('class teachers\' classes', () => {
    expect(teacherClasses(grants)).toEqual([{ id: 51, name: '三年级2班', school: '区直实验学校' }]);
  });

  test('a class\'s parents: its class teacher or the school\'s own staff, nobody above', () => {
    expect(mayOpenClass(grants, DIRECT_SCHOOL.id, 51)).toBe(true);
    expect(mayOpenClass(grants, DIRECT_SCHOOL.id, 52)).toBe(false); // another class of that school
    expect(mayOpenClass(grants, SCHOOL_A.id, 31)).toBe(true); // school admin
    expect(mayOpenClass(grants, KINDER.id, 41)).toBe(true); // a teacher of the kindergarten
    expect(mayOpenClass([grant(3, 'bureau_admin', '安全办管理员', BUREAU)], SCHOOL_A.id, 31)).toBe(false);
  });

  test('issued rows say whether the notice was sent', () => {
    expect(issuedRow(notice(7))).toMatchObject({ id: 7, sent: true, unitId: BUREAU.id, time: expect.stringMatching(/发送$/) });
    expect(issuedRow(notice(8, { sent_at: null }))).toMatchObject({ sent: false, underReview: false, draftType: 'warning', time: expect.stringMatching(/未发送$/) });
    expect(issuedRow(notice(9, { sent_at: null, under_review: true }))).toMatchObject({ sent: false, underReview: true, draftType: 'primary' });
  });
});

describe('completion', () => {
  test.each([
    [0.8571, 85.7, '85.7%'],
    [1, 100, '100%'],
    [0.6667, 66.7, '66.7%'],
    [0.99996, 99.9, '99.9%'], // never "100%" unless everyone
    [0.0004, 0.1, '0.1%'], // nor "0%" when someone did
    [0, 0, '0%'],
    [0.5, 50, '50%'],
    [null, 0, '—'],
  ])('rate %p -> %p (%s)', (rate, value, text) => {
    expect(percent(rate)).toEqual({ percent: value, text });
  });

  test('a school\'s breakdown by class; only allowed class rows open', () => {
    const view = completionView({
      unit: { id: SCHOOL_A.id, name: SCHOOL_A.name },
      totals: { reached: 4, read: 3, acknowledged: 1, read_rate: 0.75, ack_rate: 0.25 },
      breakdown: [
        { kind: 'class', id: 31, name: '一年级1班', reached: 3, read: 3, acknowledged: 1, read_rate: 1, ack_rate: 0.3333 },
        { kind: 'class', id: 32, name: '一年级2班', reached: 1, read: 0, acknowledged: 0, read_rate: 0, ack_rate: 0 },
      ],
    }, [grant(8, 'class_teacher', '班主任', SCHOOL_A, { id: 32, name: '一年级2班' })]);
    expect(view.totals).toMatchObject({ readText: '75%', ackText: '25%', ackPercent: 25 });
    expect(view.byClass).toBe(true);
    expect(view.rows.map((r) => [r.name, r.ackText, r.canOpen])).toEqual([['一年级1班', '33.3%', false], ['一年级2班', '0%', true]]);
  });

  test('a class the notice reached nobody in reads 未送达, never 0/0 or 0%, and does not open', () => {
    const view = completionView({
      unit: { id: SCHOOL_A.id, name: SCHOOL_A.name },
      totals: { reached: 3, read: 3, acknowledged: 1, read_rate: 1, ack_rate: 0.3333 },
      breakdown: [
        { kind: 'class', id: 31, name: '一年级1班', reached: 3, read: 3, acknowledged: 1, read_rate: 1, ack_rate: 0.3333 },
        { kind: 'class', id: 32, name: '一年级2班', reached: false, read: 0, acknowledged: 0, read_rate: null, ack_rate: null },
        { kind: 'class', id: 33, name: '一年级3班', reached: 0, read: 0, acknowledged: 0, read_rate: null, ack_rate: null },
      ],
    }, [grant(8, 'school_admin', '学校安全负责人', SCHOOL_A)]);
    expect(view.rows.map((r) => [r.name, r.notReached, r.canOpen])).toEqual([
      ['一年级1班', false, true], ['一年级2班', true, false], ['一年级3班', true, false],
    ]);
    expect(view.rows[1].notReachedText).toBe('未送达：该班暂无已绑定的家长');
    expect(view.totals.notReached).toBe(false);
    expect([notReached({ reached: 2, children: 0 }), notReached({ reached: 2 }), notReached(undefined)]).toEqual([true, false, true]);
  });

  test('unit rows always drill down', () => {
    const view = completionView({
      unit: { id: CENTER.id, name: CENTER.name },
      totals: { reached: 0, read: 0, acknowledged: 0, read_rate: null, ack_rate: null },
      breakdown: [{ kind: 'unit', id: SCHOOL_A.id, name: SCHOOL_A.name, reached: 0, read: 0, acknowledged: 0, read_rate: null, ack_rate: null }],
    }, []);
    expect(view.byClass).toBe(false);
    expect(view.rows[0]).toMatchObject({ canOpen: true, readText: '—', notReached: true });
    expect(view.rows[0].notReachedText).toBe('未送达：该单位暂无收到通知的家长');
    expect(view.totals.notReached).toBe(true);
  });
});

describe('a class\'s acknowledged x/y on the class list', () => {
  test('x/y and the percentage from class_children and class_acknowledged', () => {
    expect(classProgress({ class_children: 30, class_acknowledged: 12 })).toEqual({
      reached: true, text: '已确认 12/30', percent: 40, done: false,
    });
    expect(classProgress({ class_children: 3, class_acknowledged: 3 })).toMatchObject({ text: '已确认 3/3', percent: 100, done: true });
    expect(classProgress({ class_children: 3 })).toMatchObject({ text: '已确认 0/3', percent: 0 });
  });

  test('no child reached reads as not reached; an older server\'s answer shows no figure', () => {
    expect(classProgress({ class_children: 0, class_acknowledged: 0 })).toMatchObject({
      reached: false, text: '未送达：该班暂无已绑定的家长',
    });
    expect(classProgress({})).toBeNull();
    expect(issuedRow(notice(5, { class_children: 30, class_acknowledged: 12 })).classAck.text).toBe('已确认 12/30');
    expect(issuedRow(notice(5)).classAck).toBeNull();
  });
});

describe('writing a notice', () => {
  const form = (extra) => ({ issuer: BUREAU, scope: 'all', selected: [], title: '防溺水', body: '请注意安全', ...extra });

  test('the whole issuing unit, or the picked units and classes', () => {
    expect(validateNotice(form()).body).toEqual({ unit_id: 1, title: '防溺水', body: '请注意安全', unit_ids: [1], class_ids: [] });
    const units = levelRows([CENTER, DIRECT_SCHOOL], 'unit', []);
    const classes = levelRows(CLASSES, 'class', []);
    let selected = toggleTarget([], units[1]);
    selected = toggleTarget(selected, classes[0]);
    selected = toggleTarget(selected, units[0]);
    selected = toggleTarget(selected, units[0]); // tapped twice: off again
    expect(targetsBody(BUREAU, 'pick', selected)).toEqual({ unit_ids: [5], class_ids: [31] });
    expect(levelRows([CENTER, DIRECT_SCHOOL], 'unit', selected).map((r) => [r.name, r.checked, r.school])).toEqual([
      ['城东中心校', false, false], ['区直实验学校', true, true],
    ]);
    expect(validateNotice(form({ scope: 'pick', selected, attachmentId: 9 })).body).toMatchObject({
      unit_ids: [5], class_ids: [31], attachment_photo_id: 9,
    });
  });

  test('checks mirror the server: title 2-60, text 2-5000, at least one target', () => {
    expect(validateNotice(form({ title: ' 防', body: 'x'.repeat(5001) })).errors).toEqual({
      title: '标题应为 2-60 个字', body: '内容应为 2-5000 个字',
    });
    expect(validateNotice(form({ title: '', body: '' })).errors).toEqual({ title: '请输入通知标题', body: '请输入通知内容' });
    expect(validateNotice(form({ scope: 'pick' })).errors).toEqual({ targets: '请选择通知发送的范围' });
    expect(validateNotice(form({ issuer: null })).errors).toEqual({ issuer: '请选择发布单位' });
    expect(validateNotice(form({ title: '😀'.repeat(60) })).ok).toBe(true); // characters, not UTF-16 units
  });

  test('server field errors and the preview in Chinese', () => {
    expect(noticeErrorsFromApi({ code: 'validation_error', details: { unit_ids: ['At least one target is required.'] } }))
      .toEqual({ targets: '所选范围不在发布单位之内，请重新选择' });
    expect(previewText({ parents: 12, children: 10, classes: 2, pairs: 13 })).toBe('将发送给 12 位家长（10 名学生）');
  });
});

describe('inbox', () => {
  test('the page list is the app\'s pages', () => {
    expect([...PAGES].sort()).toEqual([...require('../../app.json').pages].sort());
  });

  test.each([
    ['pages/notices/detail?id=7', '/pages/notices/detail?id=7'],
    ['/pages/hazards/detail?id=3', '/pages/hazards/detail?id=3'],
    ['pages/index/index', ''],
    ['pages/notices/detail?id=', ''],
    ['pages/other/page?id=1', ''],
    ['https://evil.example/x', ''],
    [null, ''],
  ])('message page %p opens %p', (page, url) => {
    expect(messageUrl(page)).toBe(url);
  });

  test('message rows', () => {
    expect(messageRow({
      id: 3, kind: 'hazard_overdue', title: '隐患整改逾期', body: 'b', page: 'pages/hazards/detail?id=3', created_at: '2024-06-01T02:00:00Z', read: true,
    })).toMatchObject({ id: 3, kind: '隐患逾期', read: true, url: '/pages/hazards/detail?id=3' });
  });
});

describe('tiles and messages', () => {
  test('tiles follow capabilities; 家长通知 only for parents; no tile for a tab (消息, 我的)', () => {
    const caps = ['inbox.view', 'notice.read', 'notice.write', 'notice.completion', 'notice.class_pending'];
    expect(tilesFor(caps, undefined, {}, {}).map((t) => t.title)).toEqual(['发布通知', '班级通知确认']);
    const tiles = tilesFor(caps, undefined, {}, { parent: true });
    expect(tiles.map((t) => t.title)).toEqual(['家长通知', '发布通知', '班级通知确认']);
    expect(tiles[1].url).toBe('/pages/notices/compose');
    expect(tiles[2].url).toBe('/pages/notices/issued?mode=class');
    expect(tilesFor(['notice.read'], undefined, {}, { parent: true }).map((t) => t.title)).toEqual(['家长通知']);
    // Completion counts alone (a bureau writer) do not make a class teacher's tile.
    expect(tilesFor(['notice.completion'], undefined, {}, {}).map((t) => t.title)).toEqual([]);
  });

  test('notice error codes have Chinese texts, clearer in context', () => {
    const { messageFor } = require('../../api/messages');
    expect(messageFor('already_sent', 409)).toBe('这份通知已经发送过了');
    expect(messageFor('already_reminded_today', 409)).toMatch(/今天已经提醒过/);
    expect(messageIn('notice', { code: 'not_found', message: 'x' })).toBe('这份通知不存在，或不是发给你的');
    expect(messageIn('noticeClass', { code: 'forbidden', message: 'x' })).toMatch(/班主任/);
    expect(messageIn('notice', { code: 'rate_limited', message: '操作太频繁，请稍后再试' })).toBe('操作太频繁，请稍后再试');
  });
});
