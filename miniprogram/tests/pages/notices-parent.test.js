const { installWx, serve, apiError, allowSubscribe, flush } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { notice, childStatus, TEMPLATES } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let page;
let calls;

const keyed = (key) => calls.filter((c) => c.key === key);
const TWO_CHILDREN = [childStatus(11, '王小明'), childStatus(12, '王小红', { class_name: '三年级2班' })];
const acked = (id, name) => childStatus(id, name, { read: true, acknowledged: true, acknowledged_at: '2024-06-01T03:04:00Z' });

async function open(pagePath, routes, options) {
  calls = serve(wx, {
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    'POST /api/v1/subscriptions': { status: 200, body: TEMPLATES },
    ...routes,
  });
  page = loadPage(pagePath, { app: stubApp({}) });
  await page.onLoad(options);
  await flush(); // the templates
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

describe('the parent\'s list', () => {
  test('each notice with a status chip per child; a notice opens its detail', async () => {
    await open('pages/notices/index', {
      'GET /api/v1/notices/mine': {
        status: 200,
        body: { notices: [notice(8, { children: [acked(11, '王小明'), childStatus(12, '王小红', { read: true })] }), notice(7, { children: [acked(11, '王小明')] })] },
      },
    });
    expect(page.data.rows.map((r) => [r.id, r.children.map((c) => `${c.name}${c.text}`), r.pending])).toEqual([
      [8, ['王小明已确认', '王小红未确认'], true],
      [7, ['王小明已确认'], false],
    ]);
    expect(wx.storage.get('notices_received')).toBe(true);
    page.openNotice(tapEvent({ id: 8 }));
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/detail?id=8' });
  });

  test('older notices load page by page as the list scrolls', async () => {
    const page1 = { notices: [notice(9, { children: [acked(11, '王小明')] })], next_before_id: 9 };
    const page2 = { notices: [notice(4, { children: [acked(11, '王小明')] })], next_before_id: null };
    await open('pages/notices/index', {
      'GET /api/v1/notices/mine': (req) => ({ status: 200, body: req.query.before_id ? page2 : page1 }),
    });
    expect(keyed('GET /api/v1/notices/mine')[0].query).toEqual({ limit: '20' });
    await page.onReachBottom();
    await flush();
    expect(keyed('GET /api/v1/notices/mine')[1].query).toEqual({ before_id: '9', limit: '20' });
    expect(page.data.rows.map((r) => r.id)).toEqual([9, 4]);
    await page.onReachBottom(); // no next page: nothing more is asked
    expect(keyed('GET /api/v1/notices/mine')).toHaveLength(2);
  });

  test('coming back reloads the states', async () => {
    await open('pages/notices/index', { 'GET /api/v1/notices/mine': { status: 200, body: { notices: [] } } });
    page.onShow();
    await flush();
    expect(keyed('GET /api/v1/notices/mine')).toHaveLength(2);
  });

  test('订阅通知提醒 asks for the notice and reminder templates in the tap and reports the answers', async () => {
    allowSubscribe(wx, 'accept');
    await open('pages/notices/index', { 'GET /api/v1/notices/mine': { status: 200, body: { notices: [] } } });
    const tapped = page.subscribeReminders();
    expect(wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['tpl-notice', 'tpl-reminder'] }));
    await tapped;
    await flush();
    expect(keyed('POST /api/v1/subscriptions')[0].data).toEqual({ results: { 'tpl-notice': 'accept', 'tpl-reminder': 'accept' } });
    expect(wx.showToast).toHaveBeenCalledWith({ title: '已开启通知提醒', icon: 'success' });
  });

  test('订阅通知提醒 on an old WeChat says the client must be upgraded', async () => {
    await open('pages/notices/index', { 'GET /api/v1/notices/mine': { status: 200, body: { notices: [] } } });
    await page.subscribeReminders();
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '无法开启提醒' }));
    expect(keyed('GET /api/v1/subscriptions/templates')).toEqual([]);
  });

  test('a refusal is reported and explained', async () => {
    allowSubscribe(wx, 'reject');
    await open('pages/notices/index', { 'GET /api/v1/notices/mine': { status: 200, body: { notices: [] } } });
    await page.subscribeReminders();
    await flush();
    expect(keyed('POST /api/v1/subscriptions')[0].data.results).toEqual({ 'tpl-notice': 'reject', 'tpl-reminder': 'reject' });
    expect(wx.showToast.mock.calls[0][0].title).toMatch(/没有开启提醒/);
  });
});

describe('what is on, and asking again when a one-time grant is used up', () => {
  const templatesWith = (change) => ({
    templates: TEMPLATES.templates.map((t) => ({ ...t, ...(change[t.key] || {}) })),
  });
  const openWith = async (answer, posted = answer) => {
    calls = serve(wx, {
      'GET /api/v1/subscriptions/templates': { status: 200, body: answer },
      'POST /api/v1/subscriptions': { status: 200, body: posted },
      'GET /api/v1/notices/mine': { status: 200, body: { notices: [] } },
    });
    jest.resetModules();
    page = loadPage('pages/notices/index', { app: stubApp({}) });
    await page.onLoad();
    await flush();
  };

  test('both reminders granted: shown as on, nothing to ask', async () => {
    allowSubscribe(wx, 'accept');
    await openWith(templatesWith({ notice: { remaining: 2 }, reminder: { remaining: 1 } }));
    expect(page.data.push).toBe('on');
  });

  test('a spent grant: shown as used up; the tap asks for just that one and shows it on again', async () => {
    allowSubscribe(wx, 'accept');
    const spent = templatesWith({ notice: { remaining: 1 }, reminder: { used_up: true } });
    const after = templatesWith({ notice: { remaining: 1 }, reminder: { remaining: 1 } });
    await openWith(spent, after);
    expect(page.data.push).toBe('used_up');
    const tapped = page.subscribeReminders();
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['tpl-reminder']);
    await tapped;
    await flush();
    expect(keyed('POST /api/v1/subscriptions')[0].data).toEqual({ results: { 'tpl-reminder': 'accept' } });
    expect(page.data.push).toBe('on');
  });

  test('not a parent (no template applies): nothing claimed', async () => {
    allowSubscribe(wx, 'accept');
    await openWith(templatesWith({ notice: { applies: false }, reminder: { applies: false } }));
    expect(page.data.push).toBe('');
  });
});

describe('the parent\'s detail', () => {
  const detailRoutes = (extra) => ({
    'GET /api/v1/notices/7': { status: 200, body: notice(7, { children: TWO_CHILDREN, attachment_url: 'https://oss/7.jpg' }) },
    'POST /api/v1/notices/7/acknowledge': (req) => ({ status: 200, body: acked(req.data.child_id, req.data.child_id === 11 ? '王小明' : '王小红') }),
    ...extra,
  });

  test('opening shows the notice, each child\'s state and the bar for both; the image previews', async () => {
    await open('pages/notices/detail', detailRoutes(), { id: '7' });
    const view = page.data.notice;
    expect(view).toMatchObject({ title: '防溺水安全致家长的一封信', unit: '埇桥区教体局', attachment: 'https://oss/7.jpg' });
    expect(view.body).toContain('暑期将至');
    expect(view.children.map((c) => [c.name, c.className, c.text])).toEqual([
      ['王小明', '一年级1班', '未确认'],
      ['王小红', '三年级2班', '未确认'],
    ]);
    expect(view.bar).toMatchObject({ pendingIds: [11, 12], several: true, note: '将为 王小明、王小红 共 2 个孩子确认' });
    page.previewAttachment();
    expect(wx.previewImage).toHaveBeenCalledWith({ current: 'https://oss/7.jpg', urls: ['https://oss/7.jpg'] });
  });

  test('acknowledging sends that child\'s id; each child separately; a second tap does nothing', async () => {
    await open('pages/notices/detail', detailRoutes(), { id: '7' });
    await page.acknowledge(tapEvent({ childId: 12 }));
    expect(keyed('POST /api/v1/notices/7/acknowledge').map((c) => c.data)).toEqual([{ child_id: 12 }]);
    expect(page.data.notice.children.map((c) => [c.name, c.acknowledged])).toEqual([['王小明', false], ['王小红', true]]);
    expect(page.data.notice.children[1].acknowledgedAt).toMatch(/^2024年6月1日/);

    await page.acknowledge(tapEvent({ childId: 12 })); // already acknowledged: the button is gone
    expect(keyed('POST /api/v1/notices/7/acknowledge')).toHaveLength(1);

    await page.acknowledge(tapEvent({ childId: 11 }));
    expect(keyed('POST /api/v1/notices/7/acknowledge').map((c) => c.data)).toEqual([{ child_id: 12 }, { child_id: 11 }]);
    expect(page.data.notice.pending).toBe(false);
  });

  test('a double tap acknowledges once (the button is disabled while it is sent)', async () => {
    await open('pages/notices/detail', detailRoutes(), { id: '7' });
    const first = page.acknowledge(tapEvent({ childId: 11 }));
    expect(page.data.acking[11]).toBe(true);
    await Promise.all([first, page.acknowledge(tapEvent({ childId: 11 }))]);
    expect(keyed('POST /api/v1/notices/7/acknowledge')).toHaveLength(1);
    expect(page.data.acking[11]).toBe(false);
  });

  test('the first acknowledgment asks for the notice and reminder pushes in the same tap, once', async () => {
    allowSubscribe(wx, 'accept');
    await open('pages/notices/detail', detailRoutes(), { id: '7' });
    const tapped = page.acknowledge(tapEvent({ childId: 11 }));
    expect(wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['tpl-notice', 'tpl-reminder'] }));
    await tapped;
    await page.acknowledge(tapEvent({ childId: 12 }));
    await flush();
    expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1);
    expect(keyed('POST /api/v1/subscriptions')).toHaveLength(1);
    expect(keyed('POST /api/v1/notices/7/acknowledge')).toHaveLength(2);
  });

  test('acknowledging works when the push grant is refused', async () => {
    allowSubscribe(wx, 'reject');
    await open('pages/notices/detail', detailRoutes(), { id: '7' });
    await page.acknowledge(tapEvent({ childId: 11 }));
    expect(page.data.notice.children[0].acknowledged).toBe(true);
  });

  test('the bar\'s button confirms every child still waiting, one request each, then shows done', async () => {
    await open('pages/notices/detail', detailRoutes(), { id: '7' });
    await page.acknowledgeAll();
    expect(keyed('POST /api/v1/notices/7/acknowledge').map((c) => c.data)).toEqual([{ child_id: 11 }, { child_id: 12 }]);
    expect(page.data.notice.bar).toMatchObject({ done: true, doneText: '已为全部 2 个孩子确认', pendingIds: [] });
    expect(page.data.ackingAll).toBe(false);
    expect(wx.showToast).toHaveBeenCalledWith({ title: '已确认', icon: 'success' });
    await page.acknowledgeAll(); // nothing left: nothing sent
    expect(keyed('POST /api/v1/notices/7/acknowledge')).toHaveLength(2);
  });

  test('confirming all stops at a failure, keeps what went through and explains', async () => {
    let n = 0;
    await open('pages/notices/detail', detailRoutes({
      'POST /api/v1/notices/7/acknowledge': () => { n += 1; return n === 1 ? { status: 200, body: acked(11, '王小明') } : apiError(503, 'service_unavailable'); },
    }), { id: '7' });
    await page.acknowledgeAll();
    expect(page.data.notice.children.map((c) => c.acknowledged)).toEqual([true, false]);
    expect(page.data.notice.bar).toMatchObject({ done: false, pendingIds: [12], note: '为王小红确认' });
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认没有成功', content: '服务暂时不可用，请稍后再试' }));
  });

  test('a notice that did not reach the parent says so; a failed acknowledgment is explained', async () => {
    await open('pages/notices/detail', detailRoutes({ 'GET /api/v1/notices/7': apiError(404, 'not_found') }), { id: '7' });
    expect(page.data).toMatchObject({ state: 'error', error: '这份通知不存在，或不是发给你的' });

    await open('pages/notices/detail', detailRoutes({ 'POST /api/v1/notices/7/acknowledge': apiError(404, 'not_found') }), { id: '7' });
    await page.acknowledge(tapEvent({ childId: 11 }));
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认没有成功', content: '这份通知不存在，或不是发给你的' }));
    expect(page.data.notice.children[0].acknowledged).toBe(false);
    expect(page.data.acking[11]).toBe(false);
  });
});
