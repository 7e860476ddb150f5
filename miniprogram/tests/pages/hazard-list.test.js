const simulate = require('miniprogram-simulate');
const { renderPage } = require('../helpers/render');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { CAMPAIGN, hazard } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let page;
let calls;

const ids = (from, to) => Array.from({ length: from - to + 1 }, (v, i) => from - i);
const pageOf = (list, next) => ({ status: 200, body: { hazards: list.map((id) => hazard(id)), next_cursor: next } });

async function open(hazardsRoute) {
  calls = serve(wx, {
    'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN },
    'GET /api/v1/hazards': hazardsRoute,
  });
  page = loadPage('pages/hazards/list', { app: stubApp({}) });
  await page.onLoad();
  await new Promise((resolve) => setTimeout(resolve, 0)); // the area list
}

const listCalls = () => calls.filter((c) => c.key === 'GET /api/v1/hazards');

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('shows the first page as rows: thumbnail, what it is, school, status, deadline', async () => {
  await open({
    status: 200,
    body: {
      hazards: [hazard(9, { status: 'rectifying', overdue: true, deadline: '2024-04-05' }), hazard(8, { thumb_url: null })],
      next_cursor: null,
    },
  });
  expect(listCalls()[0].query).toEqual({ limit: '20' });
  expect(page.data.rows[0]).toMatchObject({
    id: 9, thumb: 'https://oss.example/thumb/9.jpg', title: '教学楼二楼东侧灭火器过期', category: '消防安全 · 消防安全问题2', school: '城东第一小学',
    statusText: '整改中', overdue: true, deadline: '整改期限 2024年4月5日',
  });
  expect(page.data.rows[1].thumb).toBe('');
  expect(page.data.areas.map((a) => a.name)).toEqual(['全部领域', '消防安全', '食品安全', '校车安全', '防溺水', '防欺凌', '校园周边']);
});

test('infinite scroll follows next_cursor until it is null', async () => {
  await open((req) => {
    if (!req.query.cursor) return pageOf(ids(60, 41), 'QA');
    if (req.query.cursor === 'QA') return pageOf(ids(40, 21), 'QB');
    return pageOf(ids(20, 15), null);
  });
  expect(page.data.rows).toHaveLength(20);
  await page.onReachBottom();
  expect(listCalls()[1].query).toEqual({ cursor: 'QA', limit: '20' });
  await page.onReachBottom();
  expect(page.data.rows.map((r) => r.id)).toEqual(ids(60, 15));
  expect(page.data.nextCursor).toBeNull();
  await page.onReachBottom(); // the end: nothing more is asked
  expect(listCalls()).toHaveLength(3);
});

test('two reach-bottom events at once load the next page once', async () => {
  await open((req) => (req.query.cursor ? pageOf(ids(40, 21), null) : pageOf(ids(60, 41), 'QA')));
  await Promise.all([page.onReachBottom(), page.onReachBottom()]);
  expect(listCalls()).toHaveLength(2);
  expect(page.data.rows).toHaveLength(40);
});

test('filter chips: status, overdue, severity and area each narrow the query and start over', async () => {
  await open((req) => pageOf(req.query.cursor ? [] : [5], req.query.cursor ? null : 'QA'));
  await page.onReachBottom();

  await page.onStatusChip(tapEvent({ value: 'fix_submitted' }));
  expect(listCalls().pop().query).toEqual({ status: 'fix_submitted', limit: '20' });
  await page.toggleOverdue();
  expect(listCalls().pop().query).toEqual({ status: 'fix_submitted', overdue: 'true', limit: '20' });
  await page.onSeverityChip(tapEvent({ value: 'major' }));
  expect(listCalls().pop().query).toEqual({ status: 'fix_submitted', overdue: 'true', severity: 'major', limit: '20' });
  await page.onAreaChange({ detail: { value: '1' } });
  expect(listCalls().pop().query).toEqual({
    status: 'fix_submitted', overdue: 'true', severity: 'major', area: 'area1', limit: '20',
  });

  await page.onSeverityChip(tapEvent({ value: 'major' })); // tapped again: cleared
  await page.toggleOverdue();
  await page.onStatusChip(tapEvent({ value: '' }));
  expect(listCalls().pop().query).toEqual({ area: 'area1', limit: '20' });
  expect(page.data.nextCursor).toBe('QA'); // the cursor started over
});

test('a slow answer for old filters does not overwrite the new ones', async () => {
  const pending = [];
  await open(pageOf([1], null));
  wx.request.mockImplementation((req) => pending.push(req));
  const first = page.onStatusChip(tapEvent({ value: 'reported' }));
  const second = page.onStatusChip(tapEvent({ value: 'verified' }));
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(pending.map((r) => r.url)).toEqual([expect.stringContaining('status=reported'), expect.stringContaining('status=verified')]);
  pending[1].success({ statusCode: 200, data: { hazards: [hazard(2, { status: 'verified' })], next_cursor: null } });
  pending[0].success({ statusCode: 200, data: { hazards: [hazard(3)], next_cursor: null } });
  await Promise.all([first, second]);
  expect(page.data.rows.map((r) => r.id)).toEqual([2]);
});

test('pull-down refresh reloads from the first page and stops the spinner', async () => {
  await open((req) => pageOf(ids(60, 41), req.query.cursor ? null : 'QA'));
  await page.onReachBottom();
  await page.onPullDownRefresh();
  expect(listCalls().pop().query).toEqual({ limit: '20' });
  expect(page.data.rows).toHaveLength(20);
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});

test('errors show in Chinese; a row opens the detail', async () => {
  await open(apiError(403, 'forbidden'));
  expect(page.data).toMatchObject({ state: 'error', error: '你没有权限进行这个操作', offline: false });
  page.openHazard(tapEvent({ id: 9 }));
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/hazards/detail?id=9' });
});

test('rows name a fix on the spot and a closed report, and flag an old photo', async () => {
  await open({
    status: 200,
    body: {
      hazards: [
        hazard(9, { status: 'fixed_on_spot', old_photo: true }),
        hazard(8, { status: 'closed' }),
      ],
      next_cursor: null,
    },
  });
  expect(page.data.rows.map((r) => [r.statusText, r.oldPhoto])).toEqual([
    ['已当场整改', true],
    ['已关闭（非隐患）', false],
  ]);
});

describe('filters from the link that opened the list', () => {
  test.each([
    [{ status: 'fix_submitted' }, { status: 'fix_submitted', limit: '20' }, '筛选：待验收', '没有待验收的隐患'],
    [{ overdue: '1' }, { overdue: 'true', limit: '20' }, '筛选：已逾期', '没有逾期的隐患'],
    [{ school_id: '3' }, { school_id: '3', limit: '20' }, '筛选：所选学校', '没有符合条件的隐患'],
    [{ todo: 'verify' }, { todo: 'verify', limit: '20' }, '筛选：我的待办：待验收', '没有待验收的隐患，待办已全部处理'],
    [{ status: 'nonsense', overdue: '0' }, { limit: '20' }, '', '还没有隐患'],
  ])('options %j -> query %j, summary %j, empty %j', async (options, query, summary, empty) => {
    calls = serve(wx, {
      'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN },
      'GET /api/v1/hazards': pageOf([], null),
    });
    page = loadPage('pages/hazards/list', { app: stubApp({}) });
    await page.onLoad(options);
    expect(listCalls()[0].query).toEqual(query);
    expect(page.data.filterText).toBe(summary ? summary.replace('筛选：', '') : '');
    expect(page.data).toMatchObject({ state: 'empty', emptyText: empty });
  });

  test('the school filter is named after the school of its rows; clearing starts over unfiltered', async () => {
    calls = serve(wx, {
      'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN },
      'GET /api/v1/hazards': pageOf([4], null),
    });
    page = loadPage('pages/hazards/list', { app: stubApp({}) });
    await page.onLoad({ school_id: '3', overdue: '1' });
    expect(page.data.filterText).toBe('已逾期 · 城东第一小学');
    await page.clearFilters();
    expect(listCalls().pop().query).toEqual({ limit: '20' });
    expect(page.data.filterText).toBe('');
  });
});

describe('rendered', () => {
  let comp;
  afterEach(() => comp && comp.detach());

  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));

  async function render(routes, options = {}) {
    calls = serve(wx, { 'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN }, ...routes });
    global.getApp = () => stubApp({});
    comp = renderPage('pages/hazards/list');
    const loading = comp.instance.onLoad(options);
    return loading;
  }

  test('loading shows the spinner words', async () => {
    wx.request.mockImplementation(() => {}); // never answers
    global.getApp = () => stubApp({});
    comp = renderPage('pages/hazards/list');
    comp.instance.onLoad({});
    await simulate.sleep(0);
    expect(texts('.van-loading')).toEqual(['正在加载隐患…']);
    expect(comp.dom.querySelector('.row')).toBeNull();
  });

  test('a row reads: first line, place and school, reporter and time, tags, category, deadline', async () => {
    const year = new Date().getFullYear();
    await render({
      'GET /api/v1/hazards': {
        status: 200,
        body: {
          hazards: [
            hazard(9, {
              description: '\n  二楼东侧走廊灭火器压力不足\n已经过期三个月',
              place: '教学楼二楼',
              status: 'rectifying',
              overdue: true,
              severity: 'major',
              deadline: `${year}-12-03`,
              reported_at: `${year}-11-20T02:05:00Z`,
            }),
            hazard(8, { focus_problem: null, area: null, place: null, description: '操场边的围栏松了' }),
          ],
          next_cursor: null,
        },
      },
    });
    await simulate.sleep(0);
    expect(texts('.row-title')).toEqual(['二楼东侧走廊灭火器压力不足', '操场边的围栏松了']);
    expect(texts('.row-place')).toEqual(['教学楼二楼 · 城东第一小学', '城东第一小学']);
    expect(texts('.row-reporter')[0]).toMatch(/^李老师 11月20日 \d\d:05 上报$/);
    expect(texts('.row')[0]).toContain('整改中已逾期重大隐患');
    expect(texts('.row-category')).toEqual(['消防安全 · 消防安全问题2']); // the unclassified one has a tag instead
    expect(texts('.row-deadline')).toEqual(['整改期限 12月3日', '未定整改期限']);
    expect(comp.dom.querySelectorAll('.row-deadline-late')).toHaveLength(1);
    expect(texts('.row')[1]).toContain('待制定方案未分类');
    expect(texts('.list-end')).toEqual(['没有更多了']);
  });

  test('an error offers a retry that reloads; an empty filter says what was looked for', async () => {
    await render({ 'GET /api/v1/hazards': [apiError(500, 'internal_error'), pageOf([], null)] }, { status: 'fix_submitted' });
    await simulate.sleep(0);
    expect(texts('.van-empty')).toEqual(['服务器出错了，请稍后再试重试']);
    expect(texts('.filter-text')).toEqual(['筛选：待验收']);
    comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
    await simulate.sleep(0);
    await simulate.sleep(0);
    expect(listCalls()).toHaveLength(2);
    expect(texts('.van-empty')).toEqual(['没有待验收的隐患']);
  });

  test('loading more, and a failed next page with its retry', async () => {
    await render({
      'GET /api/v1/hazards': [pageOf(ids(60, 41), 'QA'), apiError(500, 'internal_error'), pageOf(ids(40, 39), null)],
    });
    await simulate.sleep(0);
    comp.instance.onReachBottom();
    await simulate.sleep(0);
    expect(texts('.list-end')).toEqual(['服务器出错了，请稍后再试重试']);
    comp.querySelector('.more-retry').querySelector('.van-button').dispatchEvent('tap');
    await simulate.sleep(0);
    await simulate.sleep(0);
    expect(texts('.row-title')).toHaveLength(22);
    expect(texts('.list-end')).toEqual(['没有更多了']);
  });

  test('while the next page loads, the end of the list says so', async () => {
    await render({ 'GET /api/v1/hazards': pageOf(ids(60, 41), 'QA') });
    await simulate.sleep(0);
    wx.request.mockImplementation(() => {}); // the next page never answers
    comp.instance.onReachBottom();
    await simulate.sleep(0);
    expect(texts('.list-end')).toEqual(['正在加载更多…']);
  });
});

test('no network: the error says so, with the hint to check the phone', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
  try {
    calls = serve(wx, { 'GET /api/v1/campaigns/active': { status: 200, body: CAMPAIGN }, 'GET /api/v1/hazards': { network: true } });
    page = loadPage('pages/hazards/list', { app: stubApp({}) });
    const loading = page.onLoad({});
    await jest.advanceTimersByTimeAsync(2000); // the client's own retries
    await loading;
  } finally {
    jest.useRealTimers();
  }
  expect(page.data).toMatchObject({ state: 'error', offline: true, error: '网络不可用，请检查网络后重试' });
});
