/** utils/cache.js: what the phone keeps for working without signal. */
const { installWx } = require('../helpers/wx');
const cache = require('../../utils/cache');

let wx;
beforeEach(() => { wx = installWx(); });

const networkError = () => Object.assign(new Error('网络不可用，请检查网络后重试'), { code: 'network_error' });

test('save and load keep the value with the time it was saved', () => {
  expect(cache.load('me')).toBeNull();
  cache.save('me', { user: { id: 1 } }, 1700000000000);
  expect(cache.load('me')).toEqual({ value: { user: { id: 1 } }, savedAt: 1700000000000 });
  expect(wx.storage.has('offline_cache:me')).toBe(true);
});

test('fetch saves a fresh answer and says it is fresh', async () => {
  await expect(cache.fetch('todo', () => Promise.resolve({ total: 2 }))).resolves.toEqual({ value: { total: 2 }, savedAt: '' });
  expect(cache.load('todo').value).toEqual({ total: 2 });
});

test('fetch falls back to the saved copy when the network failed, with its time', async () => {
  cache.save('todo', { total: 1 }, 1700000000000);
  await expect(cache.fetch('todo', () => Promise.reject(networkError()))).resolves.toEqual({ value: { total: 1 }, savedAt: 1700000000000 });
  const down = Object.assign(new Error('服务暂时不可用'), { status: 503, code: 'unavailable' });
  await expect(cache.fetch('todo', () => Promise.reject(down))).resolves.toMatchObject({ savedAt: 1700000000000 });
});

test('fetch rejects when nothing is saved, or the failure is not the network', async () => {
  await expect(cache.fetch('todo', () => Promise.reject(networkError()))).rejects.toThrow('网络不可用');
  cache.save('todo', { total: 1 });
  const forbidden = Object.assign(new Error('你没有权限进行这个操作'), { status: 403, code: 'forbidden' });
  await expect(cache.fetch('todo', () => Promise.reject(forbidden))).rejects.toThrow('你没有权限');
});

test('clearAll forgets everything (logout); a full storage only loses the copy', () => {
  const noticeCache = require('../../utils/notice-cache');
  cache.KEYS.forEach((key) => cache.save(key, 1));
  noticeCache.saveList({ notices: [{ id: 1, children: [{ child_name: '李小红' }] }] });
  cache.clearAll();
  cache.KEYS.forEach((key) => expect(cache.load(key)).toBeNull());
  expect(noticeCache.loadList()).toBeNull(); // a child's name does not stay for the next person
  wx.setStorageSync.mockImplementation(() => { throw new Error('setStorageSync:fail exceed storage max size'); });
  expect(() => cache.save('me', {})).not.toThrow();
});
