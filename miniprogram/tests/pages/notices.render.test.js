/** The inbox and notice pages as rendered by miniprogram-simulate from their WXML. */
const simulate = require('miniprogram-simulate');
const { installWx, serve } = require('../helpers/wx');
const { stubApp } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const {
  BUREAU, SCHOOL_A, UNITS_BELOW, grant, notice, childStatus, message,
} = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let comp;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});
afterEach(() => comp && comp.detach());

async function show(pagePath, routes, options, me = { grants: [], children: [] }) {
  serve(wx, routes);
  global.getApp = () => stubApp(me);
  comp = renderPage(pagePath);
  await comp.instance.onLoad(options);
  await simulate.sleep(0);
  return comp;
}

const all = (selector) => [...comp.dom.querySelectorAll(selector)];
const texts = (selector) => all(selector).map((node) => node.textContent.trim());

test('inbox: unread messages carry a dot, and the count shows above', async () => {
  await show('pages/inbox/index', {
    'GET /api/v1/inbox': {
      status: 200,
      body: { messages: [message(9), message(8, { read: true }), message(7)], unread_count: 2, next_before_id: null },
    },
  });
  expect(texts('.message-title')).toEqual(['通知 9', '通知 8', '通知 7']);
  expect(all('.message').map((n) => n.classList.contains('message-unread'))).toEqual([true, false, true]);
  expect(all('.message-dot-read')).toHaveLength(1);
  expect(comp.dom.querySelector('.toolbar-text').textContent).toBe('2 条未读');
});

test('detail: one child left: the bar\'s button confirms for it, the time shows for the other', async () => {
  await show('pages/notices/detail', {
    'GET /api/v1/notices/7': {
      status: 200,
      body: notice(7, {
        children: [
          childStatus(11, '王小明', { read: true, acknowledged: true, acknowledged_at: '2024-06-01T03:04:00Z' }),
          childStatus(12, '王小红'),
        ],
        attachment_url: 'https://oss/7.jpg',
      }),
    },
  }, { id: '7' });
  expect(texts('.van-button')).toEqual(['确认已阅读并知晓']);
  expect(texts('.action-bar__note')).toEqual(['为王小红确认']);
  expect(texts('.van-tag')).toEqual(['已确认', '未确认']);
  expect(texts('.child-done')[0]).toMatch(/^已于 2024年6月1日 \d{2}:04 确认$/);
  expect(comp.dom.querySelector('.attachment')).not.toBeNull();
  expect(comp.dom.querySelector('.detail-title').textContent).toBe('防溺水安全致家长的一封信');
});

test('completion: the rates as percentages on progress bars', async () => {
  await show('pages/notices/completion', {
    'GET /api/v1/notices/21/completion': {
      status: 200,
      body: {
        unit: BUREAU,
        totals: { reached: 8, read: 6, acknowledged: 2, read_rate: 0.75, ack_rate: 0.25 },
        breakdown: [{ kind: 'unit', id: 2, name: '城东中心校', reached: 8, read: 6, acknowledged: 2, read_rate: 0.75, ack_rate: 0.25 }],
      },
    },
  }, { id: '21', unit_id: '1' });
  expect(texts('.count-value')).toEqual(['8', '6', '2']);
  expect(texts('.rate-label')).toEqual(['阅读率 75%', '确认率 25%', '阅读 75% · 确认 25%']);
  expect(all('.van-progress').map((n) => n.dataset.percentage)).toEqual(['75', '25', '25']);
  expect(texts('.row-counts')[0]).toMatch(/^已确认 2\/8\s*›$/);
});

test('compose: picking targets shows the level with check marks and the chosen chips', async () => {
  await show('pages/notices/compose', {
    'GET /api/v1/units': (req) => ({ status: 200, body: { units: UNITS_BELOW[req.query.parent_id] || [] } }),
  }, undefined, { grants: [grant(1, 'bureau_admin', '安全办管理员', BUREAU), grant(2, 'school_admin', '学校安全负责人', SCHOOL_A)] });
  expect(texts('.van-radio')).toEqual(['埇桥区教体局全体家长', '选择下级单位或班级']);
  await comp.instance.onScopeChange({ detail: 'pick' });
  comp.instance.toggleTarget({ currentTarget: { dataset: { key: 'u:5' } } });
  await simulate.sleep(0);
  expect(texts('.target-name')).toEqual(['城东中心校', '区直实验学校']);
  expect(all('.target-check .van-icon').map((n) => n.dataset.name)).toEqual(['circle', 'checked']);
  expect(texts('.target-open')).toEqual(['下一级 ›', '选班级 ›']);
  expect(texts('.selected-chip')).toEqual(['区直实验学校']);
});
