/** 待办 (pages/todo/index and utils/todo.js): each state, the order and counts, where items lead. */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { hazard } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');
const todo = require('../../utils/todo');

const group = (count, items = []) => ({ count, items });
const h = (id, extra) => hazard(id, { place: null, ...extra });

/** A full answer, with its groups given out of the page's order on purpose. */
function fullAnswer() {
  return {
    notices: {
      count: 2,
      items: [
        { id: 41, title: '五一假期安全告家长书', sent_at: '2024-04-28T02:00:00Z', unit: { id: 3, name: '城东第一小学' }, children_pending: 2 },
        { id: 40, title: '防溺水告家长书', sent_at: '2024-04-20T02:00:00Z', unit: { id: 3, name: '城东第一小学' }, children_pending: 1 },
      ],
    },
    hazards: {
      classify: group(1, [h(15, { focus_problem: null, area: null, description: '楼梯扶手松动\n三楼到四楼之间' })]),
      plan: group(7, [h(14), h(13), h(12), h(11), h(10)]),
      fix: group(0),
      verify: group(1, [h(9, { status: 'fix_submitted', place: '教学楼二楼东侧', old_photo: true })]),
      overdue: group(1, [h(8, { status: 'rectifying', overdue: true, deadline: '2024-04-10', severity: 'major' })]),
    },
    total: 12,
  };
}
const EMPTY = {
  hazards: { overdue: group(0), verify: group(0), fix: group(0), plan: group(0), classify: group(0) },
  notices: group(0),
  total: 0,
};

let wx;
beforeEach(() => {
  wx = installWx();
  wx.switchTab = jest.fn();
  wx.setTabBarBadge = jest.fn();
  wx.removeTabBarBadge = jest.fn();
  wx.storage.set(TOKEN_KEY, 'tok');
});

function open(routes) {
  const calls = serve(wx, routes);
  const page = loadPage('pages/todo/index', { app: stubApp({}) });
  page.onLoad();
  return { page, calls };
}

describe('utils/todo.js', () => {
  test('groups in table order with their counts; empty groups hidden; 查看全部 when more than shown', () => {
    const sections = todo.sectionsOf(fullAnswer());
    expect(sections.map((s) => [s.title, s.count, s.rows.length, s.moreText])).toEqual([
      ['已逾期', 1, 1, ''],
      ['待验收', 1, 1, ''],
      ['待制定方案', 7, 5, '查看全部 7 条'],
      ['待分类', 1, 1, ''],
      ['待确认的家长通知', 2, 2, ''],
    ]);
    expect(sections[2].listUrl).toBe('/pages/hazards/list?todo=plan');
    expect(todo.sectionsOf(EMPTY)).toEqual([]);
    expect(todo.totalOf(fullAnswer())).toBe(12);
    expect(todo.totalOf({ hazards: { plan: group(2) }, notices: group(1) })).toBe(3);
  });

  test('a hazard row says what it is first; the category is secondary', () => {
    const [overdue, verify, , classify] = todo.sectionsOf(fullAnswer());
    expect(overdue.rows[0]).toMatchObject({
      title: '教学楼二楼东侧灭火器过期',
      statusText: '整改中',
      statusType: 'primary',
      overdue: true,
      overdueType: 'danger',
      major: true,
      deadline: expect.stringMatching(/^整改期限 (2024年)?4月10日$/),
      category: '消防安全问题2',
    });
    expect(overdue.rows[0].meta).toMatch(/^城东第一小学 · 李老师 · (2024年)?4月2日 \d{2}:30$/);
    expect(verify.rows[0]).toMatchObject({ place: '教学楼二楼东侧', statusText: '待验收', statusType: 'warning', oldPhoto: true });
    expect(overdue.rows[0].oldPhoto).toBe(false);
    expect(classify.rows[0]).toMatchObject({ title: '楼梯扶手松动', category: '未分类', statusText: '待分类', statusType: 'warning' });
  });

  test('each item opens where the action is', () => {
    const sections = todo.sectionsOf(fullAnswer());
    const first = (key) => sections.find((s) => s.key === key).rows[0].url;
    expect(first('overdue')).toBe('/pages/hazards/detail?id=8');
    expect(first('verify')).toBe('/pages/hazards/detail?id=9');
    expect(first('plan')).toBe('/pages/hazards/plan?id=14');
    expect(first('classify')).toBe('/pages/hazards/detail?id=15');
    expect(first('notices')).toBe('/pages/notices/detail?id=41');
    const fix = todo.sectionsOf({ hazards: { fix: group(1, [h(3, { status: 'planned' })]) } })[0];
    expect(fix).toMatchObject({ title: '待整改', rows: [expect.objectContaining({ url: '/pages/hazards/detail?id=3' })] });
    const lists = Object.fromEntries(todo.GROUPS.map((g) => [g.key, g.listUrl]));
    // "查看全部" opens exactly the group (GET /hazards?todo=<group>), not a status that only
    // approximates it (待整改 holds planned and rectifying hazards).
    expect(lists).toMatchObject({
      overdue: '/pages/hazards/list?todo=overdue',
      verify: '/pages/hazards/list?todo=verify',
      fix: '/pages/hazards/list?todo=fix',
      plan: '/pages/hazards/list?todo=plan',
      classify: '/pages/hazards/list?todo=classify',
    });
  });

  test('a notice row names how many children wait', () => {
    const notices = todo.sectionsOf(fullAnswer()).pop();
    expect(notices.rows.map((r) => [r.title, r.pendingText])).toEqual([
      ['五一假期安全告家长书', '2 个孩子待确认'],
      ['防溺水告家长书', '待确认'],
    ]);
    expect(notices.rows[0].meta).toMatch(/^城东第一小学 · /);
  });

  test('the patrols group: open slots today, each opening 今日巡查, due now or soon', () => {
    const now = new Date();
    const at = (minutes) => new Date(now.getTime() + minutes * 60000).toISOString();
    const slot = (id, opens, closes) => ({
      id, plan: { id: 1, name: '每日防火巡查' }, checkpoint: { id: 5, name: '食堂后厨' },
      school: { id: 3, name: '城东第一小学' }, opens_at: at(opens), closes_at: at(closes), status: 'open', patrol_id: null,
    });
    const sections = todo.sectionsOf({ patrols: group(2, [slot(1, -10, 20), slot(2, 30, 60)]) });
    expect(sections.map((s) => s.title)).toEqual(['待巡查']);
    const [patrols] = sections;
    expect(patrols.kind).toBe('slot');
    expect(patrols.rows.map((r) => [r.title, r.url])).toEqual([
      ['食堂后厨', '/pages/patrol/today'], ['食堂后厨', '/pages/patrol/today'],
    ]);
    expect(patrols.rows[0].pendingText).toBe('现在该巡查');
    expect(patrols.rows[1].pendingText).toMatch(/^\d\d:\d\d 开始$/);
    expect(patrols.rows[0].meta).toMatch(/^\d\d:\d\d–\d\d:\d\d · 每日防火巡查 · 城东第一小学$/);
    expect(patrols.rows[0].statusType).toBe('warning');
    expect(todo.summaryOf({ patrols: group(2, []) })).toEqual([{ key: 'patrols', title: '待巡查', count: 2 }]);
  });
});

describe('the page', () => {
  test('loading first, then the groups in order with their counts, and the total', async () => {
    const { page, calls } = open({ 'GET /api/v1/todo': { status: 200, body: fullAnswer() } });
    const loading = page.onShow();
    expect(page.data.state).toBe('loading');
    await loading;
    expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/todo']);
    expect(page.data.state).toBe('');
    expect(page.data.total).toBe(12);
    expect(page.data.sections.map((s) => `${s.title} ${s.count}`)).toEqual([
      '已逾期 1', '待验收 1', '待制定方案 7', '待分类 1', '待确认的家长通知 2',
    ]);
    expect(page.data.savedAt).toBe('');
  });

  test('all clear: the empty state', async () => {
    const { page } = open({ 'GET /api/v1/todo': { status: 200, body: EMPTY } });
    await page.onShow();
    expect(page.data.state).toBe('empty');
    expect(page.data.sections).toEqual([]);
  });

  test('an error with nothing saved: the message and a retry that reloads', async () => {
    const { page, calls } = open({
      'GET /api/v1/todo': [apiError(403, 'forbidden'), { status: 200, body: fullAnswer() }],
    });
    await page.onShow();
    expect(page.data).toMatchObject({ state: 'error', error: '你没有权限进行这个操作', offline: false });
    await page.retry();
    expect(calls).toHaveLength(2);
    expect(page.data.state).toBe('');
    expect(page.data.sections).toHaveLength(5);
  });

  test('offline: the last saved to-do with the stale banner', async () => {
    wx.storage.set('offline_cache:todo', { value: fullAnswer(), savedAt: 1700000000000 });
    const { page } = open({ 'GET /api/v1/todo': { network: true } });
    expect(page.data.sections).toHaveLength(5); // at once, from the phone
    jest.useFakeTimers();
    const loading = page.onShow();
    await jest.runAllTimersAsync();
    await loading;
    jest.useRealTimers();
    expect(page.data.state).toBe('');
    expect(page.data.savedAt).toBe(1700000000000);
    expect(page.data.sections).toHaveLength(5);
  });

  test('offline with nothing saved: the network error, with retry', async () => {
    const { page } = open({ 'GET /api/v1/todo': { network: true } });
    jest.useFakeTimers();
    const loading = page.onShow();
    await jest.runAllTimersAsync();
    await loading;
    jest.useRealTimers();
    expect(page.data).toMatchObject({ state: 'error', offline: true, error: '网络不可用，请检查网络后重试' });
  });

  test('pull to refresh reloads and stops the spinner; the answer is saved', async () => {
    const { page, calls } = open({ 'GET /api/v1/todo': { status: 200, body: fullAnswer() } });
    await page.onPullDownRefresh();
    expect(calls).toHaveLength(1);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
    expect(wx.storage.get('offline_cache:todo').value.total).toBe(12);
  });

  test('items open their pages; a tab page by switchTab', () => {
    const { page } = open({});
    page.open(tapEvent({ url: '/pages/hazards/plan?id=14' }));
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/hazards/plan?id=14' });
    page.open(tapEvent({ url: '/pages/inbox/index' }));
    expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/inbox/index' });
  });
});

describe('rendered', () => {
  let comp;
  afterEach(() => comp && comp.detach());

  async function render(routes, before) {
    serve(wx, routes);
    global.getApp = () => stubApp({});
    if (before) before();
    comp = renderPage('pages/todo/index');
    comp.instance.onLoad();
    await comp.instance.onShow();
    await simulate.sleep(0);
  }
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim());

  test('full: headings with counts, rows with what, where, who and when', async () => {
    await render({ 'GET /api/v1/todo': { status: 200, body: fullAnswer() } });
    expect(texts('.section-name')).toEqual(['已逾期', '待验收', '待制定方案', '待分类', '待确认的家长通知']);
    expect(texts('.section-count')).toEqual(['1', '1', '7', '1', '2']);
    expect(texts('.summary')).toEqual(['共 12 项待办']);
    expect(texts('.more')).toEqual(['查看全部 7 条 ›']);
    expect(texts('.row-place')).toEqual(['教学楼二楼东侧']);
    expect(texts('.row-category')).toContain('未分类');
    // The report sent with an old photo (待验收 #9) is tagged as in the hazard list; only it.
    const rowTags = [...comp.querySelectorAll('.row')].map((row) => [...row.dom.querySelectorAll('.row-foot .van-tag')].map((n) => n.textContent.trim()));
    expect(rowTags[1]).toEqual(['旧照片']);
    expect(rowTags.filter((tags) => tags.includes('旧照片'))).toHaveLength(1);
    expect(comp.dom.querySelector('.stale-banner')).toBeNull();

    comp.querySelectorAll('.row')[0].dispatchEvent('tap');
    await simulate.sleep(0);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/hazards/detail?id=8' });
  });

  test('empty: says there is nothing to do', async () => {
    await render({ 'GET /api/v1/todo': { status: 200, body: EMPTY } });
    expect(comp.dom.querySelector('.page-state--empty').textContent).toBe('暂无待办事项：隐患、巡查和通知都已处理');
  });

  test('error: the message and 重试', async () => {
    await render({ 'GET /api/v1/todo': [apiError(500, 'internal_error'), { status: 200, body: EMPTY }] });
    expect(comp.dom.querySelector('.page-state--error').textContent).toContain('重试');
    comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
    await simulate.sleep(10);
    expect(comp.dom.querySelector('.page-state--empty')).not.toBeNull();
  });

  test('stale: the banner over the saved to-do', async () => {
    await render({ 'GET /api/v1/todo': apiError(503, 'unavailable') }, () => {
      wx.storage.set('offline_cache:todo', { value: fullAnswer(), savedAt: new Date(2026, 2, 3, 9, 15).getTime() });
    });
    await simulate.sleep(10);
    expect(texts('.stale-banner__text')[0]).toMatch(/^网络不可用 · 显示的是 (2026年)?3月3日 09:15 保存的内容$/);
    expect(texts('.section-name')).toHaveLength(5);
  });
});
