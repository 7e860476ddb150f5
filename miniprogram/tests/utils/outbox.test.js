const { installWx, serve, apiError, USER_DATA_PATH } = require('../helpers/wx');
const { hazard } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

const UUID_A = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';
const UUID_B = '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b';
const REPORT = {
  focus_problem: 'area1.p2',
  description: '教学楼二楼东侧灭火器过期',
  severity: 'general',
  lat: 33.6461,
  lng: 116.9647,
  accuracy: 12,
  coord_system: 'gcj02',
};

let wx;
let server; // what the fake server received: reports by client_uuid, photos by content

/** A fresh copy of the outbox (and of the API client below it), as after a restart. */
function loadOutbox() {
  let outbox;
  jest.isolateModules(() => { outbox = require('../../utils/outbox'); });
  return outbox;
}

/** Temp photos as wx.chooseMedia leaves them. */
function tempPhotos(...names) {
  return names.map((name) => {
    const path = `http://tmp/${name}`;
    wx.fs.files.set(path, `bytes of ${name}`);
    return path;
  });
}

/** The server: photos deduplicated by content; a repeated client_uuid answers 200 with the first. */
function routes(overrides = {}) {
  server = { reports: {}, posts: [], uploads: [] };
  const photoIds = {};
  return {
    'POST /api/v1/photos': (req) => {
      const content = wx.fs.files.get(req.filePath);
      if (content === undefined) return { network: true };
      server.uploads.push(req.filePath);
      const known = content in photoIds;
      if (!known) photoIds[content] = 500 + Object.keys(photoIds).length;
      return { status: known ? 200 : 201, body: { id: photoIds[content], stage: null } };
    },
    'POST /api/v1/hazards': (req) => {
      server.posts.push(req.data);
      const first = server.reports[req.data.client_uuid];
      if (first) return { status: 200, body: first };
      server.reports[req.data.client_uuid] = hazard(Object.keys(server.reports).length + 1);
      return { status: 201, body: server.reports[req.data.client_uuid] };
    },
    ...overrides,
  };
}

/** Run `work` with fake timers so the client's retry pauses (300 ms, 900 ms) pass at once. */
async function withFakeTimers(work) {
  jest.useFakeTimers();
  try {
    const promise = work();
    await jest.runAllTimersAsync();
    return await promise;
  } finally {
    jest.useRealTimers();
  }
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('add copies the temp photos into USER_DATA_PATH and stores the report with its client_uuid', () => {
  const outbox = loadOutbox();
  const photos = tempPhotos('a.jpg', 'b.png');
  const entry = outbox.add({ clientUuid: UUID_A, report: REPORT, photos, title: '消防安全问题2' });

  expect(entry.photos).toEqual([
    `${USER_DATA_PATH}/hazard_outbox/${UUID_A}-1.jpg`,
    `${USER_DATA_PATH}/hazard_outbox/${UUID_A}-2.png`,
  ]);
  entry.photos.forEach((saved, i) => {
    expect(saved.startsWith(`${USER_DATA_PATH}/`)).toBe(true);
    expect(wx.fs.files.get(saved)).toBe(wx.fs.files.get(photos[i]));
  });
  const stored = wx.storage.get('hazard_outbox');
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ clientUuid: UUID_A, report: REPORT, status: 'pending', photos: entry.photos });
  expect(stored[0].photos.some((p) => p.startsWith('http://tmp/'))).toBe(false);
  expect(outbox.count()).toBe(1);
});

test('falls back to saveFileSync where copyFileSync is missing', () => {
  delete wx.fs.copyFileSync;
  const outbox = loadOutbox();
  const entry = outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  expect(wx.fs.saveFileSync).toHaveBeenCalledWith('http://tmp/a.jpg', entry.photos[0]);
  expect(wx.fs.files.has(entry.photos[0])).toBe(true);
});

test('a photo that cannot be saved leaves nothing behind and says so in Chinese', () => {
  const outbox = loadOutbox();
  const photos = [...tempPhotos('a.jpg'), 'http://tmp/gone.jpg'];
  expect(() => outbox.add({ clientUuid: UUID_A, report: REPORT, photos })).toThrow('无法把照片保存到手机，请检查手机存储空间');
  expect(outbox.count()).toBe(0);
  expect([...wx.fs.files.keys()].filter((p) => p.startsWith(USER_DATA_PATH))).toEqual([]);
});

test('the queue survives a restart and is sent by the new instance', async () => {
  const before = loadOutbox();
  before.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  before.add({ clientUuid: UUID_B, report: { ...REPORT, severity: 'major' }, photos: tempPhotos('b.jpg') });

  const after = loadOutbox(); // same storage and files, new module state
  expect(after.list().map((e) => e.clientUuid)).toEqual([UUID_A, UUID_B]);
  expect(after.list()[1].report.severity).toBe('major');

  serve(wx, routes());
  const result = await after.flush();
  expect(result).toEqual({ sent: 2, failed: 0, pending: 0, offline: false });
  expect(server.posts.map((p) => p.client_uuid)).toEqual([UUID_A, UUID_B]);
  expect(after.count()).toBe(0);
});

test('flush sends each entry once even when called twice at the same time', async () => {
  const outbox = loadOutbox();
  outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a1.jpg', 'a2.jpg') });
  outbox.add({ clientUuid: UUID_B, report: REPORT, photos: tempPhotos('b.jpg') });
  serve(wx, routes());

  const [first, second] = await Promise.all([outbox.flush(), outbox.flush()]);
  expect(server.posts.map((p) => p.client_uuid).sort()).toEqual([UUID_A, UUID_B].sort());
  expect(server.uploads).toHaveLength(3);
  expect(first.sent).toBe(2);
  expect(second).toEqual(first);
  expect(outbox.isFlushing()).toBe(false);
  expect(outbox.count()).toBe(0);
});

test('an entry added during a flush is sent by that flush, once', async () => {
  const outbox = loadOutbox();
  outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  serve(wx, routes());
  const running = outbox.flush();
  outbox.add({ clientUuid: UUID_B, report: REPORT, photos: tempPhotos('b.jpg') });
  const joined = outbox.flush();
  await Promise.all([running, joined]);
  expect(server.posts.map((p) => p.client_uuid)).toEqual([UUID_A, UUID_B]);
  expect(outbox.count()).toBe(0);
});

test('after a network failure the retry sends the SAME client_uuid, and the 200 removes the entry', async () => {
  const outbox = loadOutbox();
  const entry = outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  const base = routes();
  let postCount = 0;
  serve(wx, {
    ...base,
    // The first report arrives but every answer is lost (the client tries 3 times); later ones answer.
    'POST /api/v1/hazards': (req) => {
      postCount += 1;
      const res = base['POST /api/v1/hazards'](req);
      return postCount <= 3 ? { network: true } : res;
    },
  });

  const failed = await withFakeTimers(() => outbox.flush());
  expect(failed).toMatchObject({ sent: 0, offline: true });
  expect(outbox.list()[0]).toMatchObject({ status: 'pending', error: outbox.WAITING_MESSAGE, attempts: 1 });
  expect(entry.photos.every((p) => wx.fs.files.has(p))).toBe(true);

  const sent = await outbox.flush();
  expect(sent.sent).toBe(1);
  const uuids = server.posts.map((p) => p.client_uuid);
  expect(uuids).toEqual([UUID_A, UUID_A, UUID_A, UUID_A]);
  expect(new Set(server.posts.map((p) => JSON.stringify(p))).size).toBe(1); // same content, same photo ids
  expect(Object.keys(server.reports)).toEqual([UUID_A]); // one report on the server
  expect(outbox.count()).toBe(0);
});

test('a 200 (the server already had the report) removes the entry and deletes its saved photos', async () => {
  const outbox = loadOutbox();
  const entry = outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg', 'b.jpg') });
  serve(wx, routes({ 'POST /api/v1/hazards': { status: 200, body: hazard(41) } }));
  await outbox.flush();
  expect(outbox.count()).toBe(0);
  expect(wx.storage.get('hazard_outbox')).toEqual([]);
  entry.photos.forEach((p) => expect(wx.fs.files.has(p)).toBe(false));
  expect(wx.fs.unlinkSync).toHaveBeenCalledTimes(2);
});

test('a 422 marks the entry failed with the Chinese message and keeps it until retried', async () => {
  const outbox = loadOutbox();
  const entry = outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  const calls = serve(wx, routes({ 'POST /api/v1/hazards': apiError(422, 'school_required', { school_id: ['Required.'] }) }));
  const posted = () => calls.filter((c) => c.key === 'POST /api/v1/hazards').length;
  const result = await outbox.flush();
  expect(result).toMatchObject({ sent: 0, failed: 1, pending: 0 });
  expect(outbox.list()[0]).toMatchObject({ status: 'failed', error: '请选择隐患所在的学校', errorCode: 'school_required' });
  expect(wx.fs.files.has(entry.photos[0])).toBe(true);

  expect(posted()).toBe(1);
  await outbox.flush(); // failed entries wait for the user
  expect(posted()).toBe(1);

  serve(wx, routes());
  await outbox.retry(UUID_A);
  expect(server.posts).toHaveLength(1);
  expect(server.posts[0].client_uuid).toBe(UUID_A);
  expect(outbox.count()).toBe(0);
});

test.each([
  [409, 'uuid_conflict', '这条隐患已用不同的内容上报过，请重新填写后上报'],
  [403, 'forbidden', '你没有权限进行这个操作'],
])('a %i %s is not retried: failed with its message', async (status, code, message) => {
  const outbox = loadOutbox();
  outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  serve(wx, routes({ 'POST /api/v1/hazards': apiError(status, code) }));
  await outbox.flush();
  expect(outbox.list()[0]).toMatchObject({ status: 'failed', error: message });
});

test('a photo the server refuses marks the entry failed without posting the report', async () => {
  const outbox = loadOutbox();
  outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  serve(wx, routes({ 'POST /api/v1/photos': apiError(415, 'photo_unsupported_type') }));
  await outbox.flush();
  expect(outbox.list()[0]).toMatchObject({ status: 'failed', error: '照片格式不支持，请使用 JPG、PNG、WebP 或 HEIC 照片' });
  expect(server.posts).toEqual([]);
});

test('a server error stays pending for the next flush', async () => {
  const outbox = loadOutbox();
  outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  serve(wx, routes({ 'POST /api/v1/hazards': apiError(500, 'internal_error') }));
  const result = await outbox.flush();
  expect(result).toMatchObject({ sent: 0, failed: 0, pending: 1 });
  expect(outbox.list()[0]).toMatchObject({ status: 'pending', error: '服务器出错了，请稍后再试' });
});

test('a saved photo that disappeared marks the entry failed', async () => {
  const outbox = loadOutbox();
  const entry = outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  wx.fs.files.delete(entry.photos[0]);
  serve(wx, routes());
  await outbox.flush();
  expect(outbox.list()[0]).toMatchObject({ status: 'failed', error: outbox.MISSING_PHOTO_MESSAGE });
  expect(server.uploads).toEqual([]);
});

test('offline (getNetworkType "none") nothing is sent', async () => {
  const outbox = loadOutbox();
  outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  const calls = serve(wx, routes());
  wx.setOnline(false);
  expect(await outbox.flush()).toMatchObject({ sent: 0, offline: true });
  expect(calls).toEqual([]);
  expect(outbox.count()).toBe(1);
});

test('coming back online flushes (installAutoFlush)', async () => {
  const outbox = loadOutbox();
  expect(outbox.installAutoFlush()).toBe(true);
  expect(outbox.installAutoFlush()).toBe(false); // once
  outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  serve(wx, routes());
  wx.setOnline(false);
  expect(server.posts).toEqual([]);
  wx.setOnline(true);
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(server.posts.map((p) => p.client_uuid)).toEqual([UUID_A]);
  expect(outbox.count()).toBe(0);
});

test('remove deletes the entry and its photos, but not while it is being sent', async () => {
  const outbox = loadOutbox();
  const a = outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  outbox.add({ clientUuid: UUID_B, report: REPORT, photos: tempPhotos('b.jpg') });
  expect(outbox.remove(UUID_B)).toBe(true);
  expect(outbox.list().map((e) => e.id)).toEqual([UUID_A]);

  let release;
  serve(wx, routes({ 'POST /api/v1/photos': () => ({ status: 201, body: { id: 1 } }) }));
  wx.uploadFile.mockImplementationOnce(({ success }) => {
    release = () => success({ statusCode: 201, data: JSON.stringify({ id: 1 }) });
    return {};
  });
  const flushing = outbox.flush();
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(outbox.list()[0].sending).toBe(true);
  expect(outbox.remove(UUID_A)).toBe(false);
  release();
  await flushing;
  expect(outbox.count()).toBe(0);
  expect(wx.fs.files.has(a.photos[0])).toBe(false);
});

test('subscribers hear about changes until they unsubscribe', () => {
  const outbox = loadOutbox();
  const listener = jest.fn();
  const stop = outbox.subscribe(listener);
  outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  expect(listener).toHaveBeenCalledTimes(1);
  stop();
  outbox.remove(UUID_A);
  expect(listener).toHaveBeenCalledTimes(1);
});

test('summary counts waiting, sending and failed; retryAll sends the failed ones again', async () => {
  wx.storage.set(TOKEN_KEY, 'tok');
  const outbox = loadOutbox();
  expect(outbox.summary()).toEqual({ total: 0, waiting: 0, sending: 0, failed: 0 });
  outbox.add({ clientUuid: UUID_A, report: REPORT, photos: tempPhotos('a.jpg') });
  outbox.add({ clientUuid: UUID_B, report: REPORT, photos: tempPhotos('b.jpg') });
  wx.storage.set('hazard_outbox', wx.storage.get('hazard_outbox').map((e) => (
    e.id === UUID_B ? { ...e, status: 'failed', error: '服务器出错了' } : e)));
  expect(outbox.summary()).toEqual({ total: 2, waiting: 1, sending: 0, failed: 1 });

  serve(wx, routes());
  const result = await outbox.retryAll();
  expect(result).toMatchObject({ sent: 2, failed: 0 });
  expect(server.posts.map((p) => p.client_uuid)).toEqual([UUID_A, UUID_B]);
  expect(outbox.summary().total).toBe(0);
});
