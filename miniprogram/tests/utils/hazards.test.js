const { installWx } = require('../helpers/wx');
const { hazard, EVENTS } = require('../helpers/fixtures');
const {
  hazardRow, hazardView, eventView, actionButtons, listQuery, statusTag,
} = require('../../utils/hazards');
const { validatePlan, fundsProblem, planErrorsFromApi, todayString, planFormFrom } = require('../../utils/plan-form');
const { validateFix, fixErrorMessage } = require('../../utils/fix-form');
const {
  validateReport, reportErrorsFromApi, nearbyDialogText, nearbyQuery,
} = require('../../utils/hazard-report');
const location = require('../../utils/location');
const { messageFor } = require('../../api/messages');

let wx;
beforeEach(() => { wx = installWx(); });

describe('hazard views', () => {
  test('status names, overdue and severity in Chinese', () => {
    expect(['reported', 'planned', 'rectifying', 'fix_submitted', 'verified'].map((status) => statusTag({ status }).text))
      .toEqual(['待制定方案', '已制定方案', '整改中', '待验收', '已验收']);
    const row = hazardRow(hazard(3, { status: 'rectifying', overdue: true, severity: 'major', deadline: '2024-04-30' }));
    expect(row).toMatchObject({
      id: 3, focus: '消防安全问题2', school: '城东第一小学', statusText: '整改中', overdue: true, major: true,
      deadline: '整改期限 2024年4月30日', thumb: 'https://oss.example/thumb/3.jpg',
    });
    expect(hazardRow(hazard(4)).deadline).toBe('未定整改期限');
  });

  test('the detail splits photos by stage and flags a report made off campus', () => {
    const view = hazardView(hazard(5, {
      inside_campus: false,
      photos: [
        { id: 1, stage: 'before', url: 'b.jpg', thumb_url: 'b-t.jpg' },
        { id: 2, stage: 'after', url: 'a.jpg', thumb_url: 'a-t.jpg' },
      ],
      plan: { responsible_person: '张明', deadline: '2024-05-01', measures: '更换', funds_yuan: '1200.00', contingency: '值守' },
    }, { detail: true }));
    expect(view.offCampus).toBe(true);
    expect(view.before).toEqual([{ id: 1, url: 'b.jpg', thumb: 'b-t.jpg', old: false, underReview: false, refused: false }]);
    expect(view.after).toEqual([{ id: 2, url: 'a.jpg', thumb: 'a-t.jpg', old: false, underReview: false, refused: false }]);
    const held = hazardView(hazard(7, { photos: [{ id: 3, stage: 'before', url: null, thumb_url: null, under_review: true }] }, { detail: true }));
    expect(held.before).toEqual([{ id: 3, url: '', thumb: '', old: false, underReview: true, refused: false }]);
    const refused = hazardView(hazard(7, { photos: [{ id: 4, stage: 'after', url: null, thumb_url: null, under_review: false, refused: true }] }, { detail: true }));
    expect(refused.after).toEqual([{ id: 4, url: '', thumb: '', old: false, underReview: false, refused: true }]);
    expect(view.plan).toEqual({ responsiblePerson: '张明', deadline: '2024年5月1日', measures: '更换', funds: '1200.00 元', contingency: '值守' });
    expect(hazardView(hazard(6, { inside_campus: null }, { detail: true })).offCampus).toBe(false);
  });

  test('buttons only for the allowed actions, in a fixed order', () => {
    expect(actionButtons(['duplicate', 'plan'], 'reported').map((b) => b.label)).toEqual(['制定整改方案', '标记重复']);
    expect(actionButtons(['plan', 'start'], 'planned').map((b) => b.label)).toEqual(['修改整改方案', '开始整改']);
    expect(actionButtons(['verify', 'reject'], 'fix_submitted').map((b) => b.action)).toEqual(['verify', 'reject']);
    expect(actionButtons([], 'verified')).toEqual([]);
    expect(actionButtons(['something_new'], 'reported')).toEqual([]);
  });

  test('history entries name the actor and the step in Chinese', () => {
    expect(eventView(EVENTS[0])).toMatchObject({ actor: '李老师', text: '上报了隐患', status: '待制定方案' });
    // The server records classifying as kind 'classify' (server/services/rectification.py).
    expect(eventView({ ...EVENTS[0], kind: 'classify', to_status: null, from_status: null }).text).toBe('确定了隐患类别');
    expect(eventView({ ...EVENTS[1], kind: 'rejected', note: '照片不清楚', to_status: 'rectifying' }))
      .toMatchObject({ actor: '赵校长', text: '驳回了整改', note: '驳回原因：照片不清楚', status: '整改中' });
    expect(eventView({ ...EVENTS[1], kind: 'escalated', actor: null, to_status: 'planned', from_status: 'planned' }))
      .toMatchObject({ actor: '系统', status: '' });
    expect(eventView({ ...EVENTS[1], kind: 'escalated', changes: { level: 2, days_overdue: 9 } }).text)
      .toBe('隐患逾期未整改，已提醒上级督办（逾期9天，已通知中心校/集团校）');
    expect(eventView({ ...EVENTS[1], kind: 'marked_duplicate', changes: { duplicate_of: 12 } }).text).toBe('标记为重复隐患（与 #12 重复）');
  });

  test('listQuery leaves unset filters out', () => {
    expect(listQuery({ status: '', overdue: false, severity: '', area: '' })).toEqual({ limit: 20 });
    expect(listQuery({ status: 'planned', overdue: true, severity: 'major', area: 'fire' }, 'MTI', 10))
      .toEqual({ status: 'planned', overdue: true, severity: 'major', area: 'fire', cursor: 'MTI', limit: 10 });
  });
});

describe('plan form', () => {
  const TODAY = '2024-04-10';
  const valid = {
    responsibleUserId: 21, deadline: '2024-04-10', measures: '更换灭火器', funds: '1200.5', contingency: '安排专人值守',
  };

  test('a valid plan gives the body with funds as the typed string', () => {
    expect(validatePlan(valid, TODAY)).toEqual({
      ok: true,
      errors: {},
      body: {
        responsible_user_id: 21, deadline: '2024-04-10', measures: '更换灭火器', funds_yuan: '1200.5', contingency: '安排专人值守',
      },
    });
    expect(validatePlan({ ...valid, funds: '0' }, TODAY).ok).toBe(true);
  });

  test.each([
    ['responsibleUserId', null, '请从本校人员中选择整改责任人'],
    ['measures', '', '请填写整改措施'],
    ['measures', '换', '整改措施应为 2-2000 个字'],
    ['contingency', '  ', '请填写应急预案'],
    ['deadline', '', '请选择整改期限'],
    ['deadline', '2024-04-09', '整改期限不能早于今天'],
    ['funds', '', '请填写整改资金（没有可填 0）'],
    ['funds', '-1', '整改资金不能为负数'],
    ['funds', '1.234', '整改资金应为金额，最多两位小数'],
    ['funds', 'abc', '整改资金应为金额，最多两位小数'],
    ['funds', '100000000.01', '整改资金不能超过 1 亿元'],
  ])('%s = %j -> %s', (field, value, message) => {
    const result = validatePlan({ ...valid, [field]: value }, TODAY);
    expect(result.ok).toBe(false);
    expect(result.body).toBeNull();
    expect(result.errors[field]).toBe(message);
  });

  test('the body never carries a typed name, only the picked person', () => {
    const { body } = validatePlan({ ...valid, responsiblePerson: '王强' }, TODAY);
    expect(body).not.toHaveProperty('responsible_person');
    expect(body.responsible_user_id).toBe(21);
  });

  test('funds: non-negative, at most two decimals', () => {
    ['0', '0.5', '12.34', '100000000'].forEach((v) => expect(fundsProblem(v)).toBe(''));
    ['-0.01', '1.', '.5', '1e3', '1,000'].forEach((v) => expect(fundsProblem(v)).not.toBe(''));
  });

  test('server 422 details map to the fields, in Chinese', () => {
    expect(planErrorsFromApi({ code: 'validation_error', details: { deadline: ['Must be today or later.'], funds_yuan: ['x'] } }))
      .toEqual({ deadline: '整改期限不能早于今天', funds: '整改资金应为不小于 0 的金额，最多两位小数' });
    expect(planErrorsFromApi({ code: 'forbidden', details: null })).toEqual({});
  });

  test('today is the local date; an existing plan prefills the form', () => {
    expect(todayString(new Date(2024, 0, 5, 23, 59))).toBe('2024-01-05');
    expect(planFormFrom({ responsible_person: '张明', deadline: '2024-05-01', measures: 'm', funds_yuan: '10.00', contingency: 'c' }))
      .toEqual({
        responsiblePerson: '张明', responsibleUserId: null, deadline: '2024-05-01', measures: 'm', funds: '10.00', contingency: 'c',
      });
    expect(planFormFrom({ responsible_person: '张明', responsible_user_id: 8 }).responsibleUserId).toBe(8);
  });
});

describe('fix form', () => {
  test('needs photos and a 2-1000 character note', () => {
    expect(validateFix({ photos: [], note: '' }).errors).toEqual({ photos: '请拍摄整改后的现场照片', note: '请说明整改情况' });
    expect(validateFix({ photos: ['a'], note: '好' }).errors.note).toBe('整改说明应为 2-1000 个字');
    expect(validateFix({ photos: ['a'], note: ' 已更换 ' })).toEqual({ ok: true, errors: {}, note: '已更换' });
  });

  test('fix_too_far tells the distance; after_photo_invalid names the photos', () => {
    expect(fixErrorMessage({ code: 'fix_too_far', details: { distance_m: 236.4, limit_m: 100 }, message: 'x' }))
      .toBe('请在隐患现场拍照提交，当前距离约 236 米（须在 100 米以内）');
    expect(fixErrorMessage({ code: 'after_photo_invalid', details: { 702: ['old'], 700: ['old'] }, message: 'x' }, [700, 701, 702]))
      .toBe('第 1、3 张照片不符合要求：整改后的照片须在隐患上报之后于现场拍摄，请删除后重新拍摄');
    expect(fixErrorMessage({ code: 'invalid_transition', message: '隐患状态已经变化，请刷新后重试' })).toBe('隐患状态已经变化，请刷新后重试');
  });
});

describe('report form', () => {
  const form = {
    photos: ['http://tmp/a.jpg'],
    position: { lat: 33.1, lng: 116.2, accuracy: 15, coord_system: 'gcj02' },
    choice: { key: 'fire', label: '消防器材、通道', focus_problem: 'fire.patrol' },
    description: ' 灭火器过期 ',
    severity: 'major',
    schools: [],
    schoolIndex: -1,
  };

  test('a valid form gives the body; school_id only when chosen among several', () => {
    expect(validateReport(form).body).toEqual({
      focus_problem: 'fire.patrol', description: '灭火器过期', severity: 'major', lat: 33.1, lng: 116.2, accuracy: 15, coord_system: 'gcj02',
    });
    const schools = [{ id: 3, name: 'A' }, { id: 5, name: 'B' }];
    expect(validateReport({ ...form, schools }).errors.school).toBe('请选择隐患所在的学校');
    expect(validateReport({ ...form, schools, schoolIndex: 1 }).body.school_id).toBe(5);
  });

  test('"不确定" sends no focus_problem; the place is trimmed, optional and at most 60 characters', () => {
    const unsure = validateReport({ ...form, choice: { key: 'unsure', focus_problem: null }, place: ' 教学楼三楼东侧走廊 ' });
    expect(unsure.ok).toBe(true);
    expect(unsure.body).not.toHaveProperty('focus_problem');
    expect(unsure.body.place).toBe('教学楼三楼东侧走廊');
    expect(validateReport({ ...form, place: '   ' }).body).not.toHaveProperty('place');
    expect(validateReport({ ...form, place: '走'.repeat(60) }).ok).toBe(true);
    expect(validateReport({ ...form, place: '走'.repeat(61) }).errors.place).toBe('地点最多 60 个字');
    expect(nearbyQuery(unsure.body)).toBeNull();
    expect(nearbyQuery(validateReport(form).body)).toMatchObject({ focus_problem: 'fire.patrol', lat: 33.1 });
  });

  test('each missing piece has its Chinese message', () => {
    const { ok, errors } = validateReport({ photos: [], position: null, choice: null, description: '灭', severity: 'x' });
    expect(ok).toBe(false);
    expect(errors).toEqual({
      photos: '请至少拍一张隐患照片',
      position: '还没有获取到隐患的位置',
      focus: '请选择隐患属于哪一类（拿不准就选“不确定”）',
      description: '隐患描述应为 2-1000 个字',
      severity: '请选择隐患等级',
    });
    expect(validateReport({ ...form, description: '灭'.repeat(1001) }).errors.description).toBe('隐患描述应为 2-1000 个字');
  });

  test('server errors map to the fields; the nearby dialog lists the hazards', () => {
    expect(reportErrorsFromApi({ code: 'school_required' })).toEqual({ school: '请选择隐患所在的学校' });
    expect(reportErrorsFromApi({ code: 'validation_error', details: { photo_ids: ['unknown photo 9'] } }))
      .toEqual({ photos: '照片已失效，请删除后重新拍摄' });
    const text = nearbyDialogText([hazard(12, { distance_m: 8.4 }), hazard(13, { distance_m: 30, status: 'planned' })]);
    expect(text).toContain('#12 消防安全问题2，约 8 米，待制定方案');
    expect(text).toContain('#13 消防安全问题2，约 30 米，已制定方案');
  });

  test('the new error codes have Chinese messages', () => {
    ['photo_too_large', 'photo_too_many_pixels', 'photo_unsupported_type', 'photo_type_mismatch', 'photo_damaged',
      'photo_empty', 'storage_unavailable', 'uuid_conflict', 'school_required', 'invalid_transition', 'fix_too_far',
      'after_photo_invalid'].forEach((code) => expect(messageFor(code, 422)).toMatch(/^[^（]*[\u4e00-\u9fa5][^（]*$/));
  });
});

describe('location', () => {
  test('asks for GCJ-02 with high accuracy and answers the API position fields', async () => {
    wx.getLocation.mockImplementation(({ success }) => success({ latitude: 33.5, longitude: 117.1, accuracy: 0 }));
    const { position } = await location.locate();
    expect(wx.getLocation.mock.calls[0][0]).toMatchObject({ type: 'gcj02', isHighAccuracy: true });
    expect(position).toEqual({ lat: 33.5, lng: 117.1, accuracy: 1, coord_system: 'gcj02' }); // the API wants > 0
    expect(location.normalizeAccuracy(65.44)).toBe(65.4);
    expect(location.normalizeAccuracy(50000)).toBe(10000);
  });

  test.each([
    ['getLocation:fail auth deny', 'denied'],
    ['getLocation:fail:auth denied', 'denied'],
    ['getLocation:fail authorize no response', 'denied'],
    ['getLocation:fail privacy permission is not authorized', 'privacy'],
    ['getLocation:fail system permission denied', 'system'],
    ['getLocation:fail:ERROR_NOCELL&WIFI_LOCATIONSWITCHOFF', 'off'],
    ['getLocation:fail timeout', 'failed'],
  ])('%s is a "%s" failure', (errMsg, kind) => {
    expect(location.failureKind(errMsg)).toBe(kind);
  });
});

describe('rows, filters and the detail steps', () => {
  const { firstLine, categoryText, candidateRow } = require('../../utils/hazards');
  const { filtersFromOptions, filterSummary, emptyText } = require('../../utils/hazard-filters');
  const {
    actionLayout, classifyPicker, classifyChoice, candidateRows,
  } = require('../../utils/hazard-actions');
  const { CAMPAIGN } = require('../helpers/fixtures');

  test('a row leads with the first line of the description; 未分类 when reported without a category', () => {
    expect(firstLine('\n  \n 灭火器过期 \n第二行')).toBe('灭火器过期');
    expect(firstLine(null)).toBe('');
    const row = hazardRow(hazard(3, { description: '围栏松动\n两根立柱倾斜', place: '操场东侧', focus_problem: null, area: null }));
    expect(row).toMatchObject({
      title: '围栏松动', place: '操场东侧', category: '未分类', unclassified: true, reporter: '李老师', statusType: 'warning',
    });
    expect(row.reportedAt).toMatch(/^2024年4月2日 \d\d:30$/);
    expect(categoryText(hazard(4))).toBe('消防安全 · 消防安全问题2');
    expect(hazardRow(hazard(5, { place: null })).place).toBe('');
    expect(candidateRow(hazard(6, { distance_m: 34.5 })).distance).toBe('约 35 米');
  });

  test('the list filters come from the link and are named', () => {
    expect(filtersFromOptions({ status: 'fix_submitted', overdue: '1', school_id: '3' }))
      .toEqual({ status: 'fix_submitted', overdue: true, severity: '', area: '', schoolId: 3, todo: '' });
    // A to-do group ("查看全部" on 待办): named as the user's own, sent as todo=<group>.
    const mine = filtersFromOptions({ todo: 'fix' });
    expect([filterSummary(mine), emptyText(mine), listQuery(mine)])
      .toEqual(['我的待办：待整改', '没有待整改的隐患，待办已全部处理', { todo: 'fix', limit: 20 }]);
    expect(filtersFromOptions({ todo: 'everything' }).todo).toBe('');
    expect(filtersFromOptions({ status: 'drop table', school_id: 'x' })).toMatchObject({ status: '', schoolId: null });
    const filters = filtersFromOptions({ status: 'reported', overdue: 'true' });
    expect(filterSummary(filters)).toBe('待制定方案 · 已逾期');
    expect(emptyText(filters)).toBe('没有逾期待制定方案的隐患');
    expect(listQuery({ ...filters, schoolId: 3 })).toEqual({ status: 'reported', overdue: true, school_id: 3, limit: 20 });
  });

  test('one primary step, chosen by what this person most likely must do; the rest beside it or in 更多', () => {
    const labels = (layout) => ({
      primary: layout.primary && layout.primary.label,
      buttons: layout.buttons.map((b) => b.label),
      more: layout.more.map((b) => b.label),
    });
    expect(labels(actionLayout(['verify', 'reject'], { status: 'fix_submitted' })))
      .toEqual({ primary: '验收通过', buttons: ['驳回'], more: [] });
    expect(labels(actionLayout(['classify', 'plan', 'duplicate'], { status: 'reported', unclassified: true })))
      .toEqual({ primary: '确定隐患类别', buttons: ['更多操作'], more: ['制定整改方案', '标记重复'] });
    expect(labels(actionLayout(['classify', 'plan'], { status: 'reported', unclassified: false })))
      .toEqual({ primary: '制定整改方案', buttons: ['确定隐患类别'], more: [] });
    expect(labels(actionLayout([], { status: 'verified' }))).toEqual({ primary: null, buttons: [], more: [] });
    expect(labels(actionLayout(['duplicate', 'close', 'reject']))).toEqual({ primary: null, buttons: ['驳回', '更多操作'], more: ['标记重复', '不是隐患'] });
    expect(actionLayout(['reject']).buttons[0]).toMatchObject({ type: 'danger', plain: true });
  });

  test('the category picker: areas, then the chosen area\'s problems; starts at the current category', () => {
    expect(classifyPicker(CAMPAIGN, null).index).toEqual([0, 0]);
    const current = classifyPicker(CAMPAIGN, 'area3.p4');
    expect(current.index).toEqual([2, 3]);
    expect(current.columns[1][3]).toBe('校车安全问题4');
    expect(classifyChoice(CAMPAIGN, [2, 3])).toEqual({ code: 'area3.p4', text: '校车安全 · 校车安全问题4' });
    expect(classifyChoice(CAMPAIGN, [9, 0])).toBeNull();
    expect(candidateRows([hazard(1, { distance_m: 90 }), hazard(2, { distance_m: 0 }), hazard(3, { distance_m: 5 })], 2).map((r) => r.id)).toEqual([3, 1]);
  });

  test('planning an unclassified hazard is refused with words a teacher understands', () => {
    expect(messageFor('needs_category', 409)).toBe('请先确定隐患类别，再制定整改方案');
  });
});
