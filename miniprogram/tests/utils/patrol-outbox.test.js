/**
 * The patrol outbox: a round made without signal waits on the phone with copies of its photos and
 * is sent when the network returns, with the SAME client_uuid (the server answers 200 with the
 * first one if it had it), and a refusal stays with its words.
 */
const { installWx, serve, apiError, USER_DATA_PATH } = require('../helpers/wx');
const { TOKEN_KEY } = require('../../utils/session');
const { patrol, TOKEN } = require('../helpers/patrols');

const UUID = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';
let wx;
let outbox;

/** An entry as the round page makes it: a fail with two photos, a pass, an na. */
function entry(photos) {
  return {
    clientUuid: UUID,
    round: {
      token: TOKEN, template_id: 7, lat: 33.1, lng: 116.2, accuracy: 12, coord_system: 'gcj02', scanned_at: '2026-11-29T00:05:00Z',
      answers: [{ item_id: 1, answer: 'pass' }, { item_id: 2, answer: 'fail', note: '堆物' }, { item_id: 3, answer: 'na' }],
    },
    photos,
    photoCounts: [0, photos.length, 0],
    title: '食堂后厨',
    school: '城东第一小学',
  };
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
  jest.isolateModules(() => { outbox = require('../../utils/patrol-outbox'); });
  wx.fs.files.set('http://tmp/a.jpg', 'A');
  wx.fs.files.set('http://tmp/b.jpg', 'B');
});

test('a round is kept with copies of its photos, and sent on network return with the same client_uuid', async () => {
  wx.setOnline(false);
  outbox.add(entry(['http://tmp/a.jpg', 'http://tmp/b.jpg']));
  const [kept] = wx.storage.get('patrol_outbox');
  expect(kept.photos).toEqual([`${USER_DATA_PATH}/patrol_outbox/${UUID}-1.jpg`, `${USER_DATA_PATH}/patrol_outbox/${UUID}-2.jpg`]);
  expect(wx.fs.files.get(kept.photos[1])).toBe('B');
  // The camera's temp files may go: the copies stay.
  wx.fs.files.delete('http://tmp/a.jpg');

  let photoId = 40;
  const calls = serve(wx, {
    'POST /api/v1/photos': () => { photoId += 1; return { status: 201, body: { id: photoId } }; },
    'POST /api/v1/patrols': [{ network: true }, { network: true }, { network: true }, { status: 200, body: patrol(11) }],
  });
  expect(await outbox.flush()).toMatchObject({ offline: true, sent: 0 });
  expect(calls).toHaveLength(0);

  outbox.installAutoFlush();
  wx.setOnline(true);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const posts = calls.filter((c) => c.key === 'POST /api/v1/patrols');
  // The client retried twice on its own, then the outbox kept it; nothing was sent twice by mistake.
  expect(posts.map((c) => c.data.client_uuid)).toEqual([UUID, UUID, UUID]);
  expect(posts[0].data.answers[1]).toEqual({ item_id: 2, answer: 'fail', note: '堆物', photo_ids: [41, 42] });
  expect(outbox.count()).toBe(1);
  expect(outbox.list()[0]).toMatchObject({ status: 'pending', error: outbox.WAITING_MESSAGE });

  await outbox.flush();
  const all = calls.filter((c) => c.key === 'POST /api/v1/patrols');
  expect(all).toHaveLength(4);
  expect(new Set(all.map((c) => c.data.client_uuid))).toEqual(new Set([UUID]));
  // sent_at is the first try's: every retry is the same content, so the server answers 200.
  expect(new Set(all.map((c) => c.data.sent_at)).size).toBe(1);
  expect(all[0].data.sent_at > all[0].data.scanned_at).toBe(true);
  expect(outbox.count()).toBe(0);
  expect(wx.fs.files.has(kept.photos[0])).toBe(false);
}, 10000);

test('a round of passes has no photos and is sent as it is', async () => {
  outbox.add({ ...entry([]), photoCounts: [0, 0, 0] });
  const calls = serve(wx, { 'POST /api/v1/patrols': { status: 201, body: patrol(12) } });
  expect(await outbox.flush()).toMatchObject({ sent: 1 });
  expect(calls.map((c) => c.key)).toEqual(['POST /api/v1/patrols']);
});

test('a refusal stays in the outbox, worded for the patrol person', async () => {
  outbox.add(entry(['http://tmp/a.jpg']));
  serve(wx, {
    'POST /api/v1/photos': { status: 201, body: { id: 41 } },
    'POST /api/v1/patrols': apiError(422, 'too_far', { distance_m: 300, radius_m: 50 }),
  });
  expect(await outbox.flush()).toMatchObject({ failed: 1 });
  expect(outbox.list()[0]).toMatchObject({
    status: 'failed', errorCode: 'too_far', error: '你不在巡查点附近（距离约 300 米，需在 50 米内），请到巡查点后再提交',
  });
  expect(outbox.summary()).toEqual({ total: 1, waiting: 0, sending: 0, failed: 1 });
});

test('the hazard outbox keeps its own list', () => {
  let hazards;
  jest.isolateModules(() => { hazards = require('../../utils/outbox'); });
  outbox.add(entry(['http://tmp/a.jpg']));
  expect(hazards.count()).toBe(0);
  expect(outbox.count()).toBe(1);
});
