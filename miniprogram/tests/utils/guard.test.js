/**
 * utils/guard.js: the rows of the shift page, the body of a log entry, what stops an entry, the
 * Chinese words of the refusals; the 门卫值班 tile for guard.duty only; the guard outbox sends an
 * entry with its photos uploaded first.
 */
const { installWx, serve, apiError } = require('../helpers/wx');
const guard = require('../../utils/guard');
const { tilesFor } = require('../../utils/tiles');

beforeEach(() => {
  installWx();
});

const ENTRY = {
  clientUuid: '00000000-0000-4000-8000-000000000009',
  kind: 'traffic',
  note: '',
  position: { lat: 33.77, lng: 116.96, accuracy: 8, coord_system: 'gcj02' },
  occurredAt: '2026-11-29T07:30:00.000Z',
  raiseHazard: true,
  photos: [],
};

test('the six kinds of the contract, each named once', () => {
  expect(guard.KINDS.map((k) => k.code)).toEqual(['traffic', 'vendors', 'loitering', 'fence_gate', 'visitor_refused', 'other']);
  expect(guard.KIND_NAMES.fence_gate).toBe('围墙校门损坏');
});

test('a log row: kind, time, thumbnail, and raised or handled in their tones', () => {
  const raised = guard.logRow({
    id: 3, kind: 'loitering', kind_name: '可疑人员', note: null, status: 'raised', hazard_id: 8,
    occurred_at: '2026-11-29T07:05:00Z', photos: [{ id: 1, thumb_url: 't.jpg', url: 'u.jpg' }],
  });
  expect(raised).toMatchObject({
    kindName: '可疑人员', thumb: 't.jpg', statusText: '已上报隐患', statusType: 'warning', hazardId: 8, note: '',
  });
  expect(raised.time).toMatch(/^\d\d:\d\d$/);
  const handled = guard.logRow({ id: 4, kind: 'vendors', status: 'handled', photos: [] });
  expect(handled).toMatchObject({ kindName: '流动摊贩', thumb: '', statusText: '已处理', statusType: 'success', hazardId: null });
});

test('the hand-over card: none without a note; who and when with one', () => {
  expect(guard.handoverView(null)).toBeNull();
  expect(guard.handoverView({ note: '', from: { name: 'A' } })).toBeNull();
  const card = guard.handoverView({ note: '门锁坏了', from: { id: 1, name: '吴师傅' }, ended_at: '2026-11-29T10:00:00Z' });
  expect(card.note).toBe('门锁坏了');
  expect(card.meta).toMatch(/^吴师傅 · \d+月\d+日 \d\d:\d\d 交班$/);
});

test('the body of an entry: the contract fields, note null when empty', () => {
  expect(guard.logBody(ENTRY, [5, 6])).toEqual({
    client_uuid: ENTRY.clientUuid, kind: 'traffic', photo_ids: [5, 6], lat: 33.77, lng: 116.96, accuracy: 8,
    coord_system: 'gcj02', note: null, occurred_at: ENTRY.occurredAt, raise_hazard: true,
  });
});

test('what stops an entry: a kind, a photo, a note for 其他, at most 200 characters', () => {
  expect(guard.entryProblem({ kind: '', photos: ['a'] })).toBe('请先选择情况类型');
  expect(guard.entryProblem({ kind: 'traffic', photos: [] })).toBe('请至少拍一张照片');
  expect(guard.entryProblem({ kind: 'other', photos: ['a'], note: ' ' })).toBe('选择“其他”时请写明情况');
  expect(guard.entryProblem({ kind: 'other', photos: ['a'], note: '长'.repeat(201) })).toBe('说明最多 200 字');
  expect(guard.entryProblem({ kind: 'other', photos: ['a'], note: '漏水' })).toBe('');
});

test('refusals in Chinese; anything else keeps the client message', () => {
  expect(guard.refusalText({ code: 'not_a_gate' })).toMatch(/校门/);
  expect(guard.refusalText({ code: 'no_open_shift' })).toMatch(/上岗/);
  expect(guard.refusalText({ code: 'content_risky', message: '内容违规' })).toBe('内容违规');
  expect(guard.refusalText(null)).toBe('发送失败，请稍后重试');
});

test('the 门卫值班 tile is for guard.duty only', () => {
  const titles = (caps) => tilesFor(caps).map((t) => t.title);
  expect(titles(['patrol.do', 'guard.duty'])).toContain('门卫值班');
  expect(titles(['patrol.do'])).not.toContain('门卫值班');
  expect(tilesFor(['guard.duty']).find((t) => t.title === '门卫值班').url).toBe('/pages/guard/shift');
});

test('the outbox sends an entry: photos first, then the entry; a refusal is worded for a guard', async () => {
  const wx = global.wx;
  wx.storage.set(require('../../utils/session').TOKEN_KEY, 'tok');
  const calls = serve(wx, {
    'POST /api/v1/photos': { status: 201, body: { id: 12 } },
    'POST /api/v1/guard/logs': [apiError(409, 'shift_ended'), { status: 201, body: { id: 3 } }],
  });
  const { sendLog } = require('../../utils/guard-outbox');
  wx.fs.files.set('wxfile://usr/a.jpg', 'jpeg');
  const entry = { ...ENTRY, photos: ['wxfile://usr/a.jpg'] };
  await expect(sendLog(entry)).rejects.toMatchObject({ message: '这一班已经交班了' });
  await expect(sendLog(entry)).resolves.toMatchObject({ id: 3 });
  expect(calls.map((c) => c.key)).toEqual([
    'POST /api/v1/photos', 'POST /api/v1/guard/logs', 'POST /api/v1/photos', 'POST /api/v1/guard/logs',
  ]);
  expect(calls[3].data.photo_ids).toEqual([12]);
});
