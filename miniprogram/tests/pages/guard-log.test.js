/**
 * 记录情况, as rendered from its WXML: the six kinds; a kind opens the camera at once and the
 * position is taken in the background; 已现场处理 uploads the photos and posts the entry with its
 * client_uuid; 上报隐患 posts raise_hazard; 其他 needs a note; a refusal keeps the entry with its
 * reason and 重试 (the same client_uuid) or 删除; without signal it waits on the phone.
 */
const simulate = require('miniprogram-simulate');
const { installWx, serve, apiError } = require('../helpers/wx');
const { renderPage } = require('../helpers/render');
const { TOKEN_KEY } = require('../../utils/session');
const { STORAGE_KEY } = require('../../utils/guard-outbox');

let wx;
let comp;

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  global.getApp = () => ({});
});
afterEach(() => {
  if (comp) comp.detach();
  comp = null;
});

const settle = () => simulate.sleep(0);
const all = (selector) => [...comp.dom.querySelectorAll(selector)];
const texts = (selector) => all(selector).map((node) => node.textContent.trim().replace(/\s+/g, ' '));
const text = (selector) => {
  const node = comp.dom.querySelector(selector);
  return node ? node.textContent.trim().replace(/\s+/g, ' ') : null;
};
const tapButton = (selector) => comp.querySelector(selector).querySelector('.van-button').dispatchEvent('tap');
const kept = () => wx.storage.get(STORAGE_KEY) || [];

const LOG = {
  id: 7, client_uuid: 'x', shift_id: 5, school: { id: 3, name: '符离中心小学' }, user: { id: 10, name: '王师傅' },
  kind: 'vendors', kind_name: '流动摊贩', note: null, position: {}, photos: [], occurred_at: '', created_at: '',
  status: 'handled', hazard_id: null,
};

/** Render, load, and serve these routes. */
async function open(routes = {}) {
  const calls = serve(wx, { 'POST /api/v1/photos': { status: 201, body: { id: 41 } }, ...routes });
  comp = renderPage('pages/guard/log');
  comp.instance.onLoad();
  await settle();
  return calls;
}

/** Tap a kind of the grid, by its name. */
async function pick(name) {
  const index = texts('.kind-name').indexOf(name);
  comp.querySelectorAll('.kind')[index].dispatchEvent('tap');
  await settle();
  await settle();
}

test('the six kinds as big tiles, and the position asked for at once', async () => {
  await open();
  expect(texts('.kind-name')).toEqual(['交通拥堵', '流动摊贩', '可疑人员', '围墙校门损坏', '拒绝来访', '其他']);
  expect(wx.getLocation).toHaveBeenCalledWith(expect.objectContaining({ type: 'gcj02' }));
  expect(comp.dom.querySelector('.handled')).toBeNull();
});

test('a kind opens the camera at once; the photos, the note and the two buttons show', async () => {
  await open();
  await pick('流动摊贩');
  expect(wx.chooseMedia).toHaveBeenCalledWith(expect.objectContaining({ sourceType: ['camera'], count: 3 }));
  expect(text('.chosen-name')).toBe('流动摊贩');
  expect(all('.photo-image')).toHaveLength(2);
  expect(text('.photo-add-text')).toBe('拍照');
  expect(text('.handled')).toBe('已现场处理');
  expect(text('.raise')).toBe('上报隐患');
  expect(text('.where')).toBe('位置将随记录一起保存');
});

test('已现场处理: photos uploaded, the entry posted with its client_uuid, then back', async () => {
  const calls = await open({ 'POST /api/v1/guard/logs': { status: 201, body: LOG } });
  await pick('流动摊贩');
  comp.instance.onNote({ detail: { value: ' 占道经营 ' } });
  tapButton('.handled');
  await simulate.sleep(10);
  expect(calls.filter((c) => c.key === 'POST /api/v1/photos')).toHaveLength(2);
  const post = calls.find((c) => c.key === 'POST /api/v1/guard/logs');
  expect(post.data).toMatchObject({
    kind: 'vendors', photo_ids: [41, 41], note: '占道经营', raise_hazard: false, coord_system: 'gcj02', lat: 33.6461,
  });
  expect(post.data.client_uuid).toMatch(/^[0-9a-f-]{36}$/);
  expect(Date.parse(post.data.occurred_at)).not.toBeNaN();
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已记录' }));
  expect(wx.navigateBack).toHaveBeenCalled();
  expect(kept()).toEqual([]);
});

test('上报隐患: the entry posted with raise_hazard', async () => {
  const calls = await open({ 'POST /api/v1/guard/logs': { status: 201, body: { ...LOG, status: 'raised', hazard_id: 9 } } });
  await pick('围墙校门损坏');
  tapButton('.raise');
  await simulate.sleep(10);
  const post = calls.find((c) => c.key === 'POST /api/v1/guard/logs');
  expect(post.data).toMatchObject({ kind: 'fence_gate', raise_hazard: true, note: null });
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已上报隐患' }));
});

test('其他 needs a note: nothing is sent without one', async () => {
  const calls = await open();
  await pick('其他');
  await comp.instance.handled();
  await settle();
  expect(text('.log-error')).toBe('选择“其他”时请写明情况');
  expect(calls).toHaveLength(0);
  expect(kept()).toEqual([]);
});

test('without a photo nothing is sent', async () => {
  wx.chooseMedia.mockImplementation(({ fail }) => fail({ errMsg: 'chooseMedia:fail cancel' }));
  const calls = await open();
  await pick('交通拥堵');
  await comp.instance.handled();
  await settle();
  expect(text('.log-error')).toBe('请至少拍一张照片');
  expect(calls).toHaveLength(0);
});

test('a refusal keeps the entry with its reason; 重试 sends the same client_uuid', async () => {
  const calls = await open({
    'POST /api/v1/guard/logs': [apiError(409, 'no_open_shift'), { status: 200, body: LOG }],
  });
  await pick('可疑人员');
  tapButton('.handled');
  await simulate.sleep(10);
  expect(text('.log-error')).toBe('你还没有上岗（或已经交班），请先扫码上岗');
  expect(text('.retry')).toBe('重试');
  expect(text('.discard')).toBe('删除');
  expect(kept()).toHaveLength(1);
  expect(wx.navigateBack).not.toHaveBeenCalled();
  tapButton('.retry');
  await simulate.sleep(10);
  const posts = calls.filter((c) => c.key === 'POST /api/v1/guard/logs');
  expect(posts).toHaveLength(2);
  expect(posts[1].data.client_uuid).toBe(posts[0].data.client_uuid);
  expect(posts[1].data).toEqual(posts[0].data);
  expect(kept()).toEqual([]);
  expect(wx.navigateBack).toHaveBeenCalled();
});

test('删除 a refused entry forgets it and goes back', async () => {
  await open({ 'POST /api/v1/guard/logs': apiError(422, 'validation_error') });
  await pick('拒绝来访');
  await comp.instance.handled();
  expect(kept()).toHaveLength(1);
  await comp.instance.discard();
  expect(kept()).toEqual([]);
  expect(wx.navigateBack).toHaveBeenCalled();
});

test('without signal the entry waits on the phone with its photos', async () => {
  const calls = await open();
  wx.setOnline(false);
  await pick('交通拥堵');
  await comp.instance.raise();
  expect(calls.filter((c) => c.key === 'POST /api/v1/guard/logs')).toHaveLength(0);
  const [entry] = kept();
  expect(entry).toMatchObject({ kind: 'traffic', raiseHazard: true, status: 'pending' });
  entry.photos.forEach((path) => expect(wx.fs.files.has(path)).toBe(true));
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存，联网后自动发送' }));
  expect(wx.navigateBack).toHaveBeenCalled();
});
