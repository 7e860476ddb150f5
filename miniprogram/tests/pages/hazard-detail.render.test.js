/**
 * The hazard detail as rendered: what it is and where, the steps at the bottom (one primary, the
 * others beside it or behind 更多操作, only the allowed ones), the category picker for a hazard
 * reported as "不确定", and the duplicate picker of nearby open hazards.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError, POSITION } = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { hazard, EVENTS, CAMPAIGN } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

const HERE = { lat: POSITION.latitude, lng: POSITION.longitude, accuracy: 12, coord_system: 'gcj02' };
const detail = (overrides) => hazard(5, overrides, { detail: true });
const UNCLASSIFIED = { focus_problem: null, area: null, description: '操场东侧围栏松动\n有两根立柱已经倾斜', place: '操场东侧' };

let wx;
let comp;
let calls;

const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
const text = (selector) => texts(selector)[0];
const settle = async () => {
  for (let i = 0; i < 6; i += 1) await simulate.sleep(0);
};
/** Tap the van-button with class `cls` (the stand-in emits click on tap, as Vant's does). */
const tapButton = (cls) => comp.querySelector(`.${cls}`).querySelector('.van-button').dispatchEvent('tap');
const answerModal = (...answers) => answers.forEach((answer) => {
  wx.showModal.mockImplementationOnce(({ success }) => success({ cancel: !answer.confirm, content: '', ...answer }));
});
const posted = (key) => calls.filter((c) => c.key === key);

async function open(answer, extra = {}) {
  calls = serve(wx, {
    'GET /api/v1/hazards/5': answer,
    'GET /api/v1/hazards/5/events': { status: 200, body: { events: EVENTS } },
    ...extra,
  });
  global.getApp = () => stubApp({});
  comp = renderPage('pages/hazards/detail');
  comp.instance.onLoad({ id: '5' });
  await settle();
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});
afterEach(() => comp && comp.detach());

test('loading: the spinner with its words, no content and no action bar', async () => {
  wx.request.mockImplementation(() => {});
  global.getApp = () => stubApp({});
  comp = renderPage('pages/hazards/detail');
  comp.instance.onLoad({ id: '5' });
  await simulate.sleep(0);
  expect(texts('.van-loading')).toEqual(['正在加载隐患…']);
  expect(comp.dom.querySelector('.card')).toBeNull();
  expect(comp.dom.querySelector('.action-bar')).toBeNull();
});

test('an error says what happened; 重试 loads again', async () => {
  await open([apiError(404, 'not_found'), { status: 200, body: detail() }]);
  expect(text('.van-empty')).toBe('要找的内容不存在或已被删除重试');
  comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
  await settle();
  expect(text('.hazard-title')).toBe('教学楼二楼东侧灭火器过期');
});

test('photos: one refused by the content check reads 未通过审核 instead of the image, one held 审核中', async () => {
  const photos = [
    { id: 1, stage: 'before', url: 'b.jpg', thumb_url: 'b-t.jpg', under_review: false, refused: false },
    { id: 2, stage: 'before', url: null, thumb_url: null, under_review: false, refused: true },
    { id: 3, stage: 'before', url: null, thumb_url: null, under_review: true, refused: false },
  ];
  await open({ status: 200, body: detail({ photos }) });
  const boxes = [...comp.dom.querySelectorAll('.photo-box')];
  expect(boxes.map((box) => box.textContent.trim())).toEqual(['', '未通过审核', '审核中']);
  expect(boxes.map((box) => box.querySelectorAll('.photo-held').length)).toEqual([0, 1, 1]);
  expect(boxes[1].querySelector('.photo-refused')).not.toBeNull();
});

test('reported without a category: what and where, 未分类, and 确定隐患类别 as the primary step', async () => {
  await open({ status: 200, body: detail({ ...UNCLASSIFIED, allowed_actions: ['fix_on_spot', 'classify', 'plan', 'duplicate', 'close'] }) });
  expect(text('.hazard-title')).toBe('操场东侧围栏松动');
  expect(text('.description')).toBe('有两根立柱已经倾斜');
  expect(texts('.tags .van-tag')).toEqual(['待制定方案', '未分类']);
  expect(text('.fact-place')).toBe('操场东侧 · 城东第一小学');
  expect(text('.fact-category')).toBe('未分类，待学校安全负责人确定');
  expect(text('.fact-reporter')).toMatch(/^李老师 2024年4月2日 \d\d:30 · 定位精度约 12 米$/);
  expect(text('.action-primary')).toBe('确定隐患类别');
  expect(texts('.action-bar .van-button')).toEqual(['更多操作', '确定隐患类别']);
  expect(comp.dom.querySelector('.page').classList.contains('with-action-bar')).toBe(true);
});

test('更多操作 offers the other allowed steps in order, and runs the one picked', async () => {
  await open({ status: 200, body: detail({ ...UNCLASSIFIED, allowed_actions: ['fix_on_spot', 'classify', 'plan', 'duplicate', 'close'] }) });
  wx.showActionSheet.mockImplementationOnce(({ success }) => success({ tapIndex: 0 }));
  tapButton('action-more');
  await settle();
  expect(wx.showActionSheet.mock.calls[0][0].itemList).toEqual(['当场整改', '制定整改方案', '标记重复', '不是隐患']);
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/hazards/fix?id=5&mode=spot' });
});

test.each([
  ['classified, plan allowed', { allowed_actions: ['plan', 'duplicate'] }, '制定整改方案', ['标记重复', '制定整改方案']],
  ['planned', { status: 'planned', allowed_actions: ['plan', 'start'] }, '开始整改', ['修改整改方案', '开始整改']],
  ['rectifying', { status: 'rectifying', allowed_actions: ['fix'] }, '提交整改', ['提交整改']],
  ['fix submitted', { status: 'fix_submitted', allowed_actions: ['verify', 'reject', 'duplicate'] }, '验收通过', ['驳回', '更多操作', '验收通过']],
  ['only secondary steps', { allowed_actions: ['duplicate', 'close'] }, null, ['标记重复', '不是隐患']],
])('%s: primary %j, bar %j', async (name, overrides, primary, bar) => {
  await open({ status: 200, body: detail(overrides) });
  expect(comp.dom.querySelector('.action-primary') ? text('.action-primary') : null).toBe(primary);
  expect(texts('.action-bar .van-button')).toEqual(bar);
});

test('fix submitted: 驳回 is a red plain button, asks for a reason and posts it', async () => {
  await open({ status: 200, body: detail({ status: 'fix_submitted', allowed_actions: ['verify', 'reject'] }) }, {
    'POST /api/v1/hazards/5/reject': { status: 200, body: detail({ status: 'rectifying', allowed_actions: [] }) },
  });
  expect(texts('.action-bar .van-button')).toEqual(['驳回', '验收通过']);
  answerModal({ confirm: true, content: '照片看不清' });
  tapButton('action-reject');
  await settle();
  expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '驳回整改', confirmColor: '#d4001a' });
  expect(posted('POST /api/v1/hazards/5/reject')[0].data).toEqual({ reason: '照片看不清', position: HERE });
  expect(texts('.tags .van-tag')).toEqual(['整改中']);
  expect(comp.dom.querySelector('.action-bar')).toBeNull();
});

test('verified: no steps, no action bar; the deadline and plan are shown', async () => {
  await open({
    status: 200,
    body: detail({
      status: 'verified',
      deadline: '2024-04-30',
      place: '教学楼二楼',
      plan: { responsible_person: '张明', deadline: '2024-04-30', measures: '更换灭火器', funds_yuan: '1200.00', contingency: '专人值守' },
    }),
  });
  expect(texts('.tags .van-tag')).toEqual(['已验收']);
  expect(text('.fact-category')).toBe('消防安全 · 消防安全问题2');
  expect(text('.fact-deadline')).toBe('2024年4月30日');
  expect(comp.dom.querySelector('.action-bar')).toBeNull();
  expect(comp.dom.querySelector('.page').classList.contains('with-action-bar')).toBe(false);
});

describe('classify', () => {
  const routes = (campaign) => ({
    'GET /api/v1/campaigns/active': campaign,
    'POST /api/v1/hazards/5/classify': {
      status: 200,
      body: detail({
        ...UNCLASSIFIED, area: { code: 'area2', name: '食品安全' }, focus_problem: { code: 'area2.p3', name: '食品安全问题3' }, allowed_actions: ['plan'],
      }),
    },
  });

  test('area then focus problem in the picker, saved with the code; the page shows the new category', async () => {
    await open({ status: 200, body: detail({ ...UNCLASSIFIED, allowed_actions: ['classify', 'plan'] }) }, routes({ status: 200, body: CAMPAIGN }));
    tapButton('action-classify');
    await settle();
    expect(text('.sheet-title')).toBe('确定隐患类别');
    expect(text('.classify-cell .van-cell__value')).toBe('请选择');
    expect(comp.instance.data.classify.columns[0]).toEqual(['消防安全', '食品安全', '校车安全', '防溺水', '防欺凌', '校园周边']);

    // The area column turned to 食品安全: the second column lists its problems.
    comp.instance.onClassifyColumn({ detail: { column: 0, value: 1 } });
    expect(comp.instance.data.classify.columns[1]).toEqual(['食品安全问题1', '食品安全问题2', '食品安全问题3', '食品安全问题4', '食品安全问题5']);
    comp.instance.onClassifyPick({ detail: { value: [1, 2] } });
    await simulate.sleep(0);
    expect(text('.classify-cell .van-cell__value')).toBe('食品安全 · 食品安全问题3');

    tapButton('classify-save');
    await settle();
    expect(posted('POST /api/v1/hazards/5/classify')[0].data).toEqual({ focus_problem: 'area2.p3', position: HERE });
    expect(comp.dom.querySelector('.sheet')).toBeNull();
    expect(text('.fact-category')).toBe('食品安全 · 食品安全问题3');
    expect(texts('.tags .van-tag')).toEqual(['待制定方案']);
    expect(texts('.action-bar .van-button')).toEqual(['制定整改方案']);
  });

  test('the categories could not load: the sheet says so and retries', async () => {
    await open(
      { status: 200, body: detail({ ...UNCLASSIFIED, allowed_actions: ['classify'] }) },
      routes([apiError(500, 'internal_error'), { status: 200, body: CAMPAIGN }]),
    );
    tapButton('action-classify');
    await settle();
    expect(text('.sheet .van-empty')).toBe('服务器出错了，请稍后再试重试');
    comp.querySelector('#classify-state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
    await settle();
    expect(text('.classify-cell .van-cell__value')).toBe('请选择');
  });
});

describe('duplicate', () => {
  const nearby = (id, distance, overrides = {}) => hazard(id, { distance_m: distance, ...overrides });

  test('nearby open hazards as rows with distance; tap, confirm, and the original id is sent', async () => {
    await open({ status: 200, body: detail({ allowed_actions: ['plan', 'duplicate'] }) }, {
      'GET /api/v1/hazards/5/duplicate-candidates': {
        status: 200,
        body: {
          hazards: [
            nearby(12, 120.4, { description: '二楼灭火器过期\n详见照片', place: '教学楼二楼', status: 'planned' }),
            nearby(9, 34.6, { description: '东侧楼梯灭火器失效', place: null }),
          ],
        },
      },
      'POST /api/v1/hazards/5/duplicate': { status: 200, body: detail({ duplicate_of_id: 9 }) },
    });
    tapButton('action-duplicate');
    await settle();
    expect(text('.sheet-title')).toBe('标记为重复隐患');
    expect(texts('.candidate-title')).toEqual(['东侧楼梯灭火器失效', '二楼灭火器过期']); // nearest first
    expect(texts('.candidate-where')).toEqual(['约 35 米', '教学楼二楼 · 约 120 米']);
    expect(texts('.candidate-tags')).toEqual(['待制定方案', '已制定方案']);
    expect(texts('.candidate-who')[0]).toMatch(/^李老师 2024年4月2日 \d\d:30 上报$/);
    expect(comp.dom.querySelectorAll('.candidate-thumb')).toHaveLength(2);

    answerModal({ confirm: false });
    comp.querySelector('.candidate').dispatchEvent('tap');
    await settle();
    expect(wx.showModal.mock.calls[0][0].content).toBe('确定这条隐患与“东侧楼梯灭火器失效”（约 35 米）是同一处问题吗？标记后这条隐患将关闭。');
    expect(posted('POST /api/v1/hazards/5/duplicate')).toEqual([]);

    answerModal({ confirm: true });
    comp.querySelector('.candidate').dispatchEvent('tap');
    await settle();
    expect(posted('POST /api/v1/hazards/5/duplicate')[0].data).toEqual({ original_id: 9, position: HERE });
    expect(comp.dom.querySelector('.sheet')).toBeNull();
    expect(text('.link')).toBe('已标记为隐患 #9 的重复隐患 ›');
  });

  test('none nearby: it says so', async () => {
    await open({ status: 200, body: detail({ allowed_actions: ['duplicate'] }) }, {
      'GET /api/v1/hazards/5/duplicate-candidates': { status: 200, body: { hazards: [] } },
    });
    tapButton('action-duplicate');
    await settle();
    expect(text('.sheet .van-empty')).toBe('附近 200 米内没有其他未整改的隐患');
    expect(comp.dom.querySelector('.candidate')).toBeNull();
  });

  test('the search failed: the error with a retry that searches again', async () => {
    await open({ status: 200, body: detail({ allowed_actions: ['duplicate'] }) }, {
      'GET /api/v1/hazards/5/duplicate-candidates': [apiError(403, 'forbidden'), { status: 200, body: { hazards: [nearby(9, 10)] } }],
    });
    tapButton('action-duplicate');
    await settle();
    expect(text('.sheet .van-empty')).toBe('你没有权限进行这个操作重试');
    comp.querySelector('#candidates-state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
    await settle();
    expect(texts('.candidate-title')).toEqual(['教学楼二楼东侧灭火器过期']);
    comp.querySelector('.sheet-cancel').dispatchEvent('tap');
    await simulate.sleep(0);
    expect(comp.dom.querySelector('.sheet')).toBeNull();
  });
});

test('pull to refresh shows what changed meanwhile and stops the spinner', async () => {
  await open([
    { status: 200, body: detail({ status: 'rectifying', allowed_actions: ['fix'] }) },
    { status: 200, body: detail({ status: 'fix_submitted', allowed_actions: [] }) },
  ]);
  expect(texts('.action-bar .van-button')).toEqual(['提交整改']);
  await comp.instance.onPullDownRefresh();
  await settle();
  expect(texts('.tags .van-tag')).toEqual(['待验收']);
  expect(comp.dom.querySelector('.action-bar')).toBeNull();
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});
