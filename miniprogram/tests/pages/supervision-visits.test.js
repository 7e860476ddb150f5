/**
 * 督导检查 list and a visit: rows (date, title, schools, team size, 未公开, status), paging by
 * next_offset, 记录督导检查 only for those who record at a unit above schools, empty and error; a
 * visit's team, schools, report and findings (a tap opens the hazard), 编辑 / 记录问题 for the
 * visiting side only; a bad id; and both pages rendered.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { CENTER, SCHOOL_A, grant, hazard } = require('../helpers/fixtures');
const { visit } = require('../helpers/supervision');
const { TOKEN_KEY } = require('../../utils/session');

const SUPERVISOR = {
  user: { id: 2, display_name: '王督导' },
  grants: [grant(2, 'supervisor', '督导', CENTER)],
  children: [],
  capabilities: ['figures.view', 'visit.record', 'hazard.view'],
};
const SCHOOL_STAFF = {
  user: { id: 5, display_name: '张老师' },
  grants: [grant(5, 'school_admin', '学校安全负责人', SCHOOL_A)],
  children: [],
  capabilities: ['hazard.view'],
};
const SECRET = visit(8, {
  visit_date: '2026-11-25', title: '食堂暗访', announced: false, status: 'done', status_name: '已完成', findings_count: 2,
  schools: [{ id: 3, name: '城东第一小学' }, { id: 4, name: '城东幼儿园' }, { id: 6, name: '城西小学' }],
});

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

/** The list page, loaded. */
async function openList(answer, me = SUPERVISOR) {
  calls = serve(wx, { 'GET /api/v1/visits': answer });
  page = loadPage('pages/supervision/visits', { app: stubApp(me) });
  await page.onLoad();
}

test('the list: rows with date, schools, team size, 未公开 and status; a tap opens the visit', async () => {
  await openList({ status: 200, body: { visits: [SECRET, visit(7)], next_offset: null } });
  expect(calls[0].query).toEqual({ limit: '20', offset: '0' });
  expect(page.data).toMatchObject({ state: '', mayRecord: true, nextOffset: null });
  expect(page.data.rows.map((r) => [r.date, r.title, r.schools, r.team, r.unannounced, r.statusText, r.statusType, r.findings])).toEqual([
    ['11月25日', '食堂暗访', '城东第一小学、城东幼儿园 等 3 所', '检查组 2 人', true, '已完成', 'success', 2],
    ['11月20日', '秋季消防专项督查', '城东第一小学、城东幼儿园', '检查组 2 人', false, '计划中', 'warning', 0],
  ]);
  page.openVisit(tapEvent({ id: 8 }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/supervision/visit?id=8' });
  page.create();
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/supervision/visit-edit' });
});

test('paging: the next offset on scroll, until there is none; a failed page offers 重试', async () => {
  await openList([
    { status: 200, body: { visits: [visit(9)], next_offset: 20 } },
    { network: true }, { network: true }, { network: true },
    { status: 200, body: { visits: [visit(9), visit(3)], next_offset: null } },
  ]);
  await page.onReachBottom();
  expect(page.data.moreError).toBeTruthy();
  await page.loadMore();
  expect(calls[calls.length - 1].query).toEqual({ limit: '20', offset: '20' });
  expect(page.data.rows.map((r) => r.id)).toEqual([9, 3]);
  expect(page.data.nextOffset).toBeNull();
  const before = calls.length;
  await page.onReachBottom();
  expect(calls).toHaveLength(before);
}, 15000);

test('a school\'s staff: no 记录督导检查; none yet: empty; a refusal: the error, 重试', async () => {
  await openList([{ status: 200, body: { visits: [], next_offset: null } }, apiError(500, 'internal')], SCHOOL_STAFF);
  expect(page.data).toMatchObject({ state: 'empty', mayRecord: false });
  await page.onPullDownRefresh();
  expect(page.data.state).toBe('error');
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
});

/** The visit page, loaded. */
async function openVisit(answer, id = '8') {
  calls = serve(wx, { 'GET /api/v1/visits/8': answer });
  page = loadPage('pages/supervision/visit', { app: stubApp(SUPERVISOR) });
  await page.onLoad({ id });
}

const FINDINGS = [hazard(21, { overdue: true, status: 'planned' }), hazard(22, { status: 'verified' })];

test('a visit: team with organisations, schools, checks, report, findings opening their hazards', async () => {
  await openVisit({ status: 200, body: { ...SECRET, report: '食堂留样不全。', findings: FINDINGS } });
  const { view } = page.data;
  expect(view.team.map((m) => m.text)).toEqual(['李督导（教育局 · 组长）', '王警官（公安）']);
  expect(view.schoolList.map((s) => s.name)).toEqual(['城东第一小学', '城东幼儿园', '城西小学']);
  expect(view).toMatchObject({ whatChecked: '消防通道、灭火器、食堂燃气', report: '食堂留样不全。', canEdit: true, unannounced: true });
  expect(view.findings.map((f) => [f.id, f.overdue])).toEqual([[21, true], [22, false]]);
  page.openHazard(tapEvent({ id: 21 }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/hazards/detail?id=21' });
  page.addFinding();
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/hazards/report?visit_id=8' });
  page.edit();
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/supervision/visit-edit?id=8' });
});

test('a visit out of reach: the error with 重试; a bad id asks nothing', async () => {
  await openVisit([apiError(404, 'not_found'), { status: 200, body: { ...visit(8), findings: [] } }]);
  expect(page.data.state).toBe('error');
  await page.retry();
  expect(page.data.state).toBe('');
  await openVisit({ status: 200, body: visit(8) }, 'abc');
  expect(page.data).toMatchObject({ state: 'error', error: '没有找到这次督导检查' });
  expect(calls).toHaveLength(0);
});

test('as rendered: 未公开 tag, 编辑 and 记录问题 for the visiting side, none for a school', async () => {
  serve(wx, {
    'GET /api/v1/visits/8': [
      { status: 200, body: { ...SECRET, findings: FINDINGS } },
      { status: 200, body: { ...SECRET, can_edit: false, findings: [] } },
    ],
  });
  global.getApp = () => stubApp(SUPERVISOR);
  let comp = renderPage('pages/supervision/visit');
  await comp.instance.onLoad({ id: '8' });
  await simulate.sleep(0);
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
  expect(texts('.head .van-tag')).toEqual(['未公开', '已完成']);
  expect(texts('.member')).toEqual(['李督导（教育局 · 组长）', '王警官（公安）']);
  expect(texts('.finding')).toHaveLength(2);
  expect(texts('.finding-add')).toEqual(['记录问题']);
  comp.detach();
  comp = renderPage('pages/supervision/visit');
  await comp.instance.onLoad({ id: '8' });
  await simulate.sleep(0);
  expect(comp.dom.querySelector('.finding-add')).toBeNull();
  expect(comp.dom.querySelector('.report')).toBeNull();
  expect(texts('.muted')).toEqual(['尚未填写', '没有记录问题']);
  comp.detach();
});
