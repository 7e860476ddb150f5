/**
 * 需关注单位: the caller's unit above schools, the rows with their counts against the thresholds
 * (逾期 opens those hazards), the actions taken; 约谈 / 通报 only for accountability.record, the
 * reason checked, the POST body with the row's evidence, refusals in words; empty, error; rendered.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const { renderPage } = require('../helpers/render');
const { CENTER, SCHOOL_A, grant } = require('../helpers/fixtures');
const { LAGGARDS } = require('../helpers/supervision');
const { TOKEN_KEY } = require('../../utils/session');

const SUPERVISOR = {
  user: { id: 2, display_name: '王督导' },
  grants: [grant(1, 'school_admin', '学校安全负责人', SCHOOL_A), grant(2, 'supervisor', '督导', CENTER)],
  children: [],
  capabilities: ['figures.view', 'accountability.record'],
};
const STAFF = { ...SUPERVISOR, capabilities: ['figures.view'] };
const KEY = 'GET /api/v1/supervision/laggards';
const POST = 'POST /api/v1/units/3/accountability';

let wx;
let page;
let calls;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

async function open(routes = {}, me = SUPERVISOR) {
  calls = serve(wx, { [KEY]: { status: 200, body: LAGGARDS }, ...routes });
  page = loadPage('pages/supervision/laggards', { app: stubApp(me) });
  await page.onLoad();
}

test('the unit above schools; rows with counts over the thresholds, the actions taken', async () => {
  await open();
  expect(calls[0].query).toEqual({ unit_id: '2' });
  expect(page.data).toMatchObject({ state: '', mayAct: true });
  expect(page.data.view.rule).toBe('逾期隐患 ≥ 3 条，或漏巡 ≥ 5 次');
  expect(page.data.view.rows.map((r) => [r.name, r.overdue, r.overdueAlert, r.missed, r.missedAlert, r.overdueUrl])).toEqual([
    ['城东第一小学', 4, true, 6, true, '/pages/hazards/list?school_id=3&overdue=1'],
    ['城东幼儿园', 0, false, 5, true, ''],
  ]);
  expect(page.data.view.rows[0].actions).toEqual([{ id: 7, text: '约谈 11月10日', type: 'danger' }]);
  page.openOverdue(tapEvent({ url: page.data.view.rows[0].overdueUrl }));
  expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/hazards/list?school_id=3&overdue=1' });
});

test('约谈: the reason is required; the body carries the row\'s evidence; then the list again', async () => {
  await open({ [POST]: { status: 201, body: {} } });
  page.ask(tapEvent({ id: 3, name: '城东第一小学', kind: 'interview' }));
  expect(page.data.dialog).toMatchObject({ show: true, kindName: '约谈', school: '城东第一小学' });
  await page.confirm();
  expect(page.data.dialog.error).toBe('请写明原因（2-2000 个字）');
  page.onReason({ detail: { value: ' 逾期隐患长期不整改 ' } });
  await page.confirm();
  const post = calls.find((c) => c.key === POST);
  expect(post.data).toEqual({
    kind: 'interview',
    reason: '逾期隐患长期不整改',
    evidence: {
      from: '2026-10-31', to: '2026-11-29', overdue: LAGGARDS.laggards[0].overdue, missed_patrols: LAGGARDS.laggards[0].missed_patrols,
    },
  });
  expect(page.data.dialog.show).toBe(false);
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已记录约谈', icon: 'success' });
  expect(calls.filter((c) => c.key === KEY)).toHaveLength(2);
});

test('通报 refused (own unit: 403): said in a dialog, the reason kept; 取消 closes', async () => {
  await open({ [POST]: apiError(403, 'forbidden') });
  page.ask(tapEvent({ id: 3, name: '城东第一小学', kind: 'notice' }));
  page.onReason({ detail: '多次漏巡' });
  await page.confirm();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '没有记录通报' }));
  expect(page.data.dialog).toMatchObject({ show: true, reason: '多次漏巡', sending: false });
  page.cancel();
  expect(page.data.dialog.show).toBe(false);
});

test('without accountability.record: no buttons; none to watch: empty; a failure: the error, 重试', async () => {
  await open({ [KEY]: [{ status: 200, body: { ...LAGGARDS, laggards: [] } }, apiError(500, 'internal')] }, STAFF);
  expect(page.data).toMatchObject({ state: 'empty', mayAct: false });
  await page.retry();
  expect(page.data.state).toBe('error');
  await open({}, { ...STAFF, grants: [grant(1, 'school_admin', '学校安全负责人', SCHOOL_A)] });
  expect(page.data.state).toBe('empty');
  expect(calls).toHaveLength(0);
});

test('as rendered: counts in red at the thresholds, the actions taken, 约谈 / 通报, the dialog', async () => {
  serve(wx, { [KEY]: { status: 200, body: LAGGARDS } });
  global.getApp = () => stubApp(SUPERVISOR);
  const comp = renderPage('pages/supervision/laggards');
  await comp.instance.onLoad();
  await simulate.sleep(0);
  const texts = (selector) => [...comp.dom.querySelectorAll(selector)].map((n) => n.textContent.trim().replace(/\s+/g, ' '));
  expect(texts('.laggard .name')).toEqual(['城东第一小学', '城东幼儿园']);
  expect(texts('.count--alert')).toEqual(['逾期隐患 4 条 ›', '漏巡 6 次', '漏巡 5 次']);
  expect(texts('.taken')).toEqual(['约谈 11月10日']);
  expect(texts('.interview')).toHaveLength(2);
  expect(comp.dom.querySelector('.dialog')).toBeNull();
  comp.instance.ask(tapEvent({ id: 3, name: '城东第一小学', kind: 'notice' }));
  await simulate.sleep(0);
  expect(texts('.dialog-title')).toEqual(['通报：城东第一小学']);
  expect(texts('.confirm')).toEqual(['确认通报']);
  comp.detach();
});
