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

test('shows the first page as rows: thumbnail, focus problem, school, status, deadline', async () => {
  await open({
    status: 200,
    body: {
      hazards: [hazard(9, { status: 'rectifying', overdue: true, deadline: '2024-04-05' }), hazard(8, { thumb_url: null })],
      next_cursor: null,
    },
  });
  expect(listCalls()[0].query).toEqual({ limit: '20' });
  expect(page.data.rows[0]).toMatchObject({
    id: 9, thumb: 'https://oss.example/thumb/9.jpg', focus: '消防安全问题2', school: '城东第一小学',
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
  expect(page.data.error).toBe('你没有权限进行这个操作');
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
