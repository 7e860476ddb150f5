/**
 * The notice pages in each of their states, as rendered from their WXML: loading, an error whose
 * 重试 reloads, empty, full; the parent's acknowledge bar (pending -> confirmed -> done), the class
 * teacher's x/y per notice, the pending page naming the notice, a class the notice did not reach,
 * and pulling to refresh.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const {
  BUREAU, SCHOOL_A, grant, notice, childStatus, TEMPLATES,
} = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let comp;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});
afterEach(() => comp && comp.detach());

const settle = () => simulate.sleep(0);
const keyed = (key) => calls.filter((c) => c.key === key);
const all = (selector) => [...comp.dom.querySelectorAll(selector)];
const texts = (selector) => all(selector).map((node) => node.textContent.trim());
const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? node.textContent.trim().replace(/\s+/g, ' ') : null;
};
/** Tap the 重试 button of the page's <page-state id="state">. */
const tapRetry = () => comp.querySelector('#state').querySelector('.page-state__retry').querySelector('.van-button').dispatchEvent('tap');
/** Tap the Vant button stand-in carrying `cls`. */
const tapButton = (cls) => comp.querySelector(cls).querySelector('.van-button').dispatchEvent('tap');

const NETWORK_DOWN = [{ network: true }, { network: true }, { network: true }]; // a GET tries 3 times

/** Render a page and run its onLoad; the answers come from `routes`. */
async function show(pagePath, routes, options, me = { grants: [], children: [] }) {
  calls = serve(wx, {
    'GET /api/v1/subscriptions/templates': { status: 200, body: TEMPLATES },
    ...routes,
  });
  global.getApp = () => stubApp(me);
  comp = renderPage(pagePath);
  await comp.instance.onLoad(options);
  await settle();
}

/** Render a page whose requests never answer: what shows while it loads. */
async function showLoading(pagePath, options, me = { grants: [], children: [] }) {
  wx.request.mockImplementation(() => {});
  global.getApp = () => stubApp(me);
  comp = renderPage(pagePath);
  comp.instance.onLoad(options);
  await settle();
}

const acked = (id, name) => childStatus(id, name, { read: true, acknowledged: true, acknowledged_at: '2024-06-01T03:04:00Z' });

describe('the parent\'s list', () => {
  const LIST = 'GET /api/v1/notices/mine';
  const full = { status: 200, body: { notices: [notice(8, { title: '暑期防溺水告家长书', children: [acked(11, '王小明'), childStatus(12, '王小红', { read: true })] }), notice(7, { children: [acked(11, '王小明')] })] } };

  test('loading', async () => {
    await showLoading('pages/notices/index');
    expect(text('.van-loading')).toBe('正在加载…');
    expect(all('.notice')).toHaveLength(0);
  });

  test('full: each notice with each child\'s state, the waiting one marked', async () => {
    await show('pages/notices/index', { [LIST]: full });
    expect(texts('.notice-title')).toEqual(['暑期防溺水告家长书', '防溺水安全致家长的一封信']);
    expect(texts('.notice .chip')).toEqual(['王小明已确认', '王小红未确认', '王小明已确认']);
    expect(texts('.notice-hint')).toEqual(['请阅读后确认 ›']);
    expect(all('.notice').map((n) => n.classList.contains('notice-pending'))).toEqual([true, false]);
    expect(comp.dom.querySelector('.page-state')).toBeNull();
  });

  test('empty', async () => {
    await show('pages/notices/index', { [LIST]: { status: 200, body: { notices: [] } } });
    expect(text('.van-empty')).toBe('还没有收到通知');
  });

  test('an error says what happened; 重试 loads again', async () => {
    await show('pages/notices/index', { [LIST]: [...NETWORK_DOWN, full] });
    expect(text('.van-empty')).toContain('网络不可用，请检查网络后重试');
    expect(text('.page-state__hint')).toBe('请检查手机网络后重试');
    tapRetry();
    await settle();
    await settle();
    expect(keyed(LIST)).toHaveLength(4);
    expect(texts('.notice-title')).toHaveLength(2);
  });

  test('offline: the list last seen shows under the stale banner; back online it is fresh', async () => {
    await show('pages/notices/index', { [LIST]: full });
    expect(comp.dom.querySelector('.stale-banner')).toBeNull();
    comp.detach();
    await show('pages/notices/index', { [LIST]: [...NETWORK_DOWN, full] });
    expect(text('.stale-banner__text')).toMatch(/^网络不可用 · 显示的是 .+ 保存的内容$/);
    expect(texts('.notice-title')).toEqual(['暑期防溺水告家长书', '防溺水安全致家长的一封信']);
    await comp.instance.onPullDownRefresh();
    await settle();
    expect(comp.dom.querySelector('.stale-banner')).toBeNull();
  });

  test('offline with nothing kept: the error and its 重试', async () => {
    await show('pages/notices/index', { [LIST]: NETWORK_DOWN });
    expect(comp.dom.querySelector('.stale-banner')).toBeNull();
    expect(text('.van-empty')).toContain('网络不可用，请检查网络后重试');
  });

  test('pulling down loads again and stops the spinner', async () => {
    await show('pages/notices/index', { [LIST]: [{ status: 200, body: { notices: [] } }, full] });
    expect(text('.van-empty')).toBe('还没有收到通知');
    await comp.instance.onPullDownRefresh();
    await settle();
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
    expect(texts('.notice-title')).toHaveLength(2);
  });
});

describe('the parent\'s detail and its acknowledge bar', () => {
  const GET = 'GET /api/v1/notices/7';
  const ACK = 'POST /api/v1/notices/7/acknowledge';
  const names = { 11: '王小明', 12: '王小红' };
  const routes = (children, extra = {}) => ({
    [GET]: { status: 200, body: notice(7, { children }) },
    [ACK]: (req) => ({ status: 200, body: acked(req.data.child_id, names[req.data.child_id]) }),
    ...extra,
  });

  test('loading', async () => {
    await showLoading('pages/notices/detail', { id: '7' });
    expect(text('.van-loading')).toBe('正在加载…');
    expect(comp.dom.querySelector('.action-bar')).toBeNull();
  });

  test('one child: pending -> 确认已阅读并知晓 -> the bar shows it is done', async () => {
    await show('pages/notices/detail', routes([childStatus(11, '王小明')]), { id: '7' });
    expect(texts('.van-tag')).toEqual(['未确认']);
    expect(texts('.child-hint')).toEqual(['还没有确认']);
    expect(texts('.action-bar .van-button')).toEqual(['确认已阅读并知晓']);
    expect(comp.dom.querySelector('.action-bar__note')).toBeNull();

    tapButton('.ack-all');
    await settle();
    await settle();
    expect(keyed(ACK).map((c) => c.data)).toEqual([{ child_id: 11 }]);
    expect(texts('.van-tag')).toEqual(['已确认']);
    expect(texts('.child-done')[0]).toMatch(/^已于 2024年6月1日 \d{2}:04 确认$/);
    expect(all('.action-bar .van-button')).toHaveLength(0);
    expect(text('.ack-done')).toBe('已确认阅读并知晓');
  });

  test('two children waiting: the bar confirms both, each row can confirm its child alone', async () => {
    await show('pages/notices/detail', routes([childStatus(11, '王小明', { read: true }), childStatus(12, '王小红')]), { id: '7' });
    expect(text('.action-bar__note')).toBe('将为 王小明、王小红 共 2 个孩子确认');
    expect(texts('.child-ack')).toEqual(['只为王小明确认', '只为王小红确认']);
    expect(texts('.child-hint')).toEqual(['已读，还没有确认', '还没有确认']);

    tapButton('.child-ack'); // the first row: 王小明 alone
    await settle();
    await settle();
    expect(keyed(ACK).map((c) => c.data)).toEqual([{ child_id: 11 }]);
    expect(texts('.van-tag')).toEqual(['已确认', '未确认']);
    expect(text('.action-bar__note')).toBe('为王小红确认');
    expect(texts('.child-ack')).toEqual([]);

    tapButton('.ack-all');
    await settle();
    await settle();
    expect(keyed(ACK).map((c) => c.data)).toEqual([{ child_id: 11 }, { child_id: 12 }]);
    expect(text('.ack-done')).toBe('已为全部 2 个孩子确认');
  });

  test('offline: a notice opened before shows as kept, with a note that confirming needs the network', async () => {
    await show('pages/notices/detail', routes([childStatus(11, '王小明')]), { id: '7' });
    comp.detach();
    await show('pages/notices/detail', routes([], { [GET]: NETWORK_DOWN }), { id: '7' });
    expect(text('.stale-banner__text')).toMatch(/^网络不可用 · 显示的是 .+ 保存的内容$/);
    expect(text('.detail-title')).toBe('防溺水安全致家长的一封信');
    expect(text('.action-bar__note')).toBe('没有网络：有网络后才能确认');
  });

  test('a confirmation is kept too: offline the notice shows it confirmed', async () => {
    await show('pages/notices/detail', routes([childStatus(11, '王小明')]), { id: '7' });
    await comp.instance.acknowledgeAll();
    comp.detach();
    await show('pages/notices/detail', routes([], { [GET]: NETWORK_DOWN }), { id: '7' });
    expect(texts('.van-tag')).toEqual(['已确认']);
    expect(text('.ack-done')).toBe('已确认阅读并知晓');
  });

  test('all confirmed already: no button, the done line', async () => {
    await show('pages/notices/detail', routes([acked(11, '王小明'), acked(12, '王小红')]), { id: '7' });
    expect(all('.van-button')).toHaveLength(0);
    expect(text('.ack-done')).toBe('已为全部 2 个孩子确认');
  });

  test('an error says what happened; 重试 loads again; pulling down reloads', async () => {
    await show('pages/notices/detail', routes([childStatus(11, '王小明')], {
      [GET]: [apiError(404, 'not_found'), { status: 200, body: notice(7, { children: [childStatus(11, '王小明')] }) }],
    }), { id: '7' });
    expect(text('.van-empty')).toContain('这份通知不存在，或不是发给你的');
    expect(comp.dom.querySelector('.action-bar')).toBeNull();
    tapRetry();
    await settle();
    await settle();
    expect(text('.detail-title')).toBe('防溺水安全致家长的一封信');
    await comp.instance.onPullDownRefresh();
    expect(keyed(GET)).toHaveLength(3);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('the class teacher\'s notices (?mode=class)', () => {
  const FOR_CLASS = 'GET /api/v1/notices/for-class';
  const TEACHER = { grants: [grant(9, 'class_teacher', '班主任', SCHOOL_A, { id: 31, name: '一年级1班' })], children: [] };
  const withCounts = { status: 200,
    body: { notices: [
      notice(22, { title: '暑期防溺水告家长书', class_children: 30, class_acknowledged: 12 }),
      notice(21, { class_children: 28, class_acknowledged: 28 }),
      notice(20, { title: '秋季开学安全提示', class_children: 0, class_acknowledged: 0 }),
    ] } };

  test('each notice shows 已确认 x/y with a progress bar; a class not reached reads so; a tap opens the pending page', async () => {
    await show('pages/notices/issued', { [FOR_CLASS]: withCounts }, { mode: 'class' }, TEACHER);
    expect(text('.section-title')).toBe('城东第一小学 一年级1班');
    expect(texts('.class-ack-text')).toEqual(['已确认 12/30', '已确认 28/28', '未送达：该班暂无已绑定的家长']);
    expect(all('.class-ack .van-progress').map((n) => n.dataset.percentage)).toEqual(['40', '100']);
    expect(all('.class-ack-text').map((n) => n.className.trim())).toEqual(['class-ack-text', 'class-ack-text class-ack-done', 'class-ack-text class-ack-none']);
    expect(all('.row .van-icon')).toHaveLength(2); // the row not reached opens nothing
    comp.instance.openNotice({ currentTarget: { dataset: { id: 20 } } });
    expect(wx.navigateTo).not.toHaveBeenCalled();
    comp.instance.openNotice({ currentTarget: { dataset: { id: 22 } } });
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/class?id=22&class_id=31' });
  });

  test('an older server without the counts: the notices show without figures', async () => {
    await show('pages/notices/issued', { [FOR_CLASS]: { status: 200, body: { notices: [notice(22)] } } }, { mode: 'class' }, TEACHER);
    expect(texts('.row-title')).toEqual(['防溺水安全致家长的一封信']);
    expect(all('.class-ack')).toHaveLength(0);
  });

  test('loading', async () => {
    await showLoading('pages/notices/issued', { mode: 'class' }, TEACHER);
    expect(text('.van-loading')).toBe('正在加载…');
  });

  test('empty, and an error whose 重试 loads again', async () => {
    await show('pages/notices/issued', { [FOR_CLASS]: [apiError(403, 'forbidden'), { status: 200, body: { notices: [] } }] }, { mode: 'class' }, TEACHER);
    expect(text('.van-empty')).toContain('只有本班班主任和本校安全负责人可以查看家长名单');
    tapRetry();
    await settle();
    await settle();
    expect(text('.van-empty')).toBe('还没有发到本班的通知');
  });

  test('not a class teacher: says so', async () => {
    await show('pages/notices/issued', {}, { mode: 'class' }, { grants: [], children: [] });
    expect(text('.van-empty')).toBe('你还不是任何班级的班主任');
  });

  test('pulling down loads the figures again', async () => {
    await show('pages/notices/issued', {
      [FOR_CLASS]: [withCounts, { status: 200, body: { notices: [notice(22, { class_children: 30, class_acknowledged: 13 })] } }],
    }, { mode: 'class' }, TEACHER);
    await comp.instance.onPullDownRefresh();
    await settle();
    expect(texts('.class-ack-text')).toEqual(['已确认 13/30']);
    expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  });
});

describe('the class\'s pending page', () => {
  const PENDING = 'GET /api/v1/notices/21/classes/31/pending';
  const answer = (extra) => ({
    status: 200,
    body: {
      class: { id: 31, name: '一年级1班' },
      pending: [{ child_name: '李小红', read: false, guardians: [{ relation: 'mother', relation_name: '母亲', parent_name: '李女士', read: false }] }],
      reminded_today: false,
      ...extra,
    },
  });

  test('names the notice on top, lists who is left and puts 一键提醒 in the bar', async () => {
    await show('pages/notices/class', { [PENDING]: answer({ notice: { id: 21, title: '暑期防溺水告家长书' } }) }, { id: '21', class_id: '31' });
    expect(text('.summary-notice')).toBe('暑期防溺水告家长书');
    expect(text('.summary-class')).toBe('一年级1班');
    expect(text('.section-title')).toBe('未确认的孩子（1）');
    expect(texts('.van-cell__title')).toEqual(['李小红']);
    expect(texts('.van-cell__label')).toEqual(['母亲（李女士）']);
    expect(texts('.van-tag')).toEqual(['未读']);
    expect(text('.action-bar .van-button')).toBe('一键提醒未确认家长');
    expect(text('.action-bar__note')).toBe('通过微信提醒名单中的家长，每个班级每天一次');
  });

  test('an older server without the notice: the class alone on top', async () => {
    await show('pages/notices/class', { [PENDING]: answer() }, { id: '21', class_id: '31' });
    expect(comp.dom.querySelector('.summary-notice')).toBeNull();
    expect(text('.summary-class')).toBe('一年级1班');
  });

  test('everyone confirmed: said so, no bar', async () => {
    await show('pages/notices/class', { [PENDING]: answer({ pending: [], notice: { id: 21, title: '暑期防溺水告家长书' } }) }, { id: '21', class_id: '31' });
    expect(text('.summary-done')).toBe('全部孩子的家长都已确认');
    expect(comp.dom.querySelector('.action-bar')).toBeNull();
  });

  test('loading', async () => {
    await showLoading('pages/notices/class', { id: '21', class_id: '31' });
    expect(text('.van-loading')).toBe('正在加载…');
  });

  test('an error whose 重试 loads again', async () => {
    await show('pages/notices/class', { [PENDING]: [...NETWORK_DOWN, answer()] }, { id: '21', class_id: '31' });
    expect(text('.van-empty')).toContain('网络不可用');
    tapRetry();
    await settle();
    await settle();
    expect(texts('.van-cell__title')).toEqual(['李小红']);
  });
});

describe('the completion page', () => {
  const COMPLETION = 'GET /api/v1/notices/21/completion';
  const ADMIN = { grants: [grant(2, 'school_admin', '学校安全负责人', SCHOOL_A)], children: [] };
  const counts = (reached, read, acknowledged) => ({
    reached, read, acknowledged, read_rate: reached ? read / reached : null, ack_rate: reached ? acknowledged / reached : null,
  });
  const school = {
    status: 200,
    body: {
      notice: { id: 21, title: '暑期防溺水告家长书' },
      unit: SCHOOL_A,
      totals: counts(4, 3, 1),
      breakdown: [
        { kind: 'class', id: 31, name: '一年级1班', ...counts(4, 3, 1) },
        { kind: 'class', id: 32, name: '一年级2班', ...counts(0, 0, 0), reached: false },
      ],
    },
  };

  test('a class the notice did not reach reads 未送达, not 0/0 or 0%, and does not open', async () => {
    await show('pages/notices/completion', { [COMPLETION]: school }, { id: '21', unit_id: '3' }, ADMIN);
    expect(text('.card-notice')).toBe('暑期防溺水告家长书');
    expect(texts('.row-name')).toEqual(['一年级1班', '一年级2班']);
    expect(texts('.row-counts')).toHaveLength(1);
    expect(texts('.row-counts')[0]).toMatch(/^已确认 1\/4\s*›$/);
    expect(texts('.row-not-reached')).toEqual(['未送达：该班暂无已绑定的家长']);
    expect(texts('.rate-label')).toEqual(['阅读率 75%', '确认率 25%', '阅读 75% · 确认 25%']);
    comp.instance.openRow({ currentTarget: { dataset: { kind: 'class', id: 32 } } });
    expect(wx.navigateTo).not.toHaveBeenCalled();
  });

  test('a unit nobody was reached in: 未送达 instead of the counts', async () => {
    await show('pages/notices/completion', {
      [COMPLETION]: { status: 200, body: { unit: BUREAU, totals: counts(0, 0, 0), breakdown: [] } },
    }, { id: '21' }, ADMIN);
    expect(text('.not-reached')).toBe('未送达：该单位暂无已绑定的家长');
    expect(all('.count-value')).toHaveLength(0);
  });

  test('loading', async () => {
    await showLoading('pages/notices/completion', { id: '21', unit_id: '3' }, ADMIN);
    expect(text('.van-loading')).toBe('正在加载…');
  });

  test('an error whose 重试 loads again', async () => {
    await show('pages/notices/completion', { [COMPLETION]: [apiError(404, 'not_found'), school] }, { id: '21', unit_id: '3' }, ADMIN);
    expect(text('.van-empty')).toContain('这份通知不存在，或不在你的管理范围内');
    tapRetry();
    await settle();
    await settle();
    expect(texts('.count-value')).toEqual(['4', '3', '1']);
  });
});

describe('compose', () => {
  const WRITER = { grants: [grant(1, 'bureau_admin', '安全办管理员', BUREAU)], children: [] };

  test('the bar holds 保存草稿 and one primary 预览并发送', async () => {
    await show('pages/notices/compose', {}, undefined, WRITER);
    expect(texts('.action-bar .van-button')).toEqual(['保存草稿', '预览并发送']);
    expect(comp.querySelector('.send').data.type).toBe('primary');
    expect(comp.querySelector('.save-draft').data.type).toBe('');
    expect(text('.action-bar__note')).toBe('发送前会显示将收到通知的家长人数，确认后才会发送');
  });

  test('保存草稿 saves without sending and opens the issued list', async () => {
    await show('pages/notices/compose', {
      'POST /api/v1/notices': { status: 201, body: notice(21, { sent_at: null }) },
    }, undefined, WRITER);
    comp.instance.onTitleChange({ detail: '防溺水安全致家长的一封信' });
    comp.instance.onBodyChange({ detail: '暑期将至，请加强对孩子的安全教育。' });
    await comp.instance.saveDraft();
    expect(keyed('POST /api/v1/notices')).toHaveLength(1);
    expect(calls.filter((c) => c.path.endsWith('/send') || c.path.endsWith('/preview'))).toEqual([]);
    expect(wx.showToast).toHaveBeenCalledWith({ title: '已保存，未发送', icon: 'success' });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/notices/issued' });
  });

  test('a level of targets that fails to load says so; its 重试 loads it again', async () => {
    await show('pages/notices/compose', {
      'GET /api/v1/units': [apiError(500, 'internal_error'), { status: 200, body: { units: [SCHOOL_A] } }],
    }, undefined, WRITER);
    await comp.instance.onScopeChange({ detail: 'pick' });
    await settle();
    expect(text('.level-error-text')).toBe('服务器出错了，请稍后再试');
    await comp.instance.retryLevel();
    await settle();
    expect(comp.dom.querySelector('.level-error')).toBeNull();
    expect(texts('.target-name')).toEqual(['城东第一小学']);
  });

  test('no unit to write for: said so; /me failing: 重试 asks again', async () => {
    await show('pages/notices/compose', {}, undefined, { grants: [], children: [] });
    expect(text('.van-empty')).toBe('你目前没有可以发布通知的单位');
    comp.detach();
    let fail = true;
    calls = serve(wx, {});
    global.getApp = () => ({
      ready: Promise.resolve(),
      getMe: () => (fail ? Promise.reject(Object.assign(new Error('网络不可用，请检查网络后重试'), { code: 'network_error' })) : Promise.resolve(WRITER)),
    });
    comp = renderPage('pages/notices/compose');
    await comp.instance.onLoad();
    await settle();
    expect(text('.van-empty')).toContain('网络不可用，请检查网络后重试');
    fail = false;
    tapRetry();
    await settle();
    await settle();
    expect(texts('.action-bar .van-button')).toEqual(['保存草稿', '预览并发送']);
  });
});
