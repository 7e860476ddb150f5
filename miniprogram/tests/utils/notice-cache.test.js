const { installWx } = require('../helpers/wx');
const { notice } = require('../helpers/fixtures');
const cache = require('../../utils/notice-cache');

let wx;
beforeEach(() => { wx = installWx(); });

test('the list\'s first page is kept with when it was saved', () => {
  expect(cache.loadList()).toBeNull();
  cache.saveList({ notices: [notice(8)], next_before_id: 8 }, 1000);
  expect(cache.loadList()).toEqual({ notices: [notice(8)], next_before_id: 8, savedAt: 1000 });
});

test('opened notices are kept, newest first, at most MAX_DETAILS; a notice kept again moves up', () => {
  for (let id = 1; id <= cache.MAX_DETAILS + 2; id += 1) cache.saveNotice(notice(id), id);
  expect(cache.loadNotice(1)).toBeNull();
  expect(cache.loadNotice(2)).toBeNull();
  expect(cache.loadNotice(3)).toEqual({ notice: notice(3), savedAt: 3 });
  cache.saveNotice(notice(3, { title: '更新' }), 99);
  expect(cache.loadNotice(3)).toEqual({ notice: notice(3, { title: '更新' }), savedAt: 99 });
  expect(wx.storage.get(cache.DETAILS_KEY).items.map((i) => i.notice.id).slice(0, 2)).toEqual([3, cache.MAX_DETAILS + 2]);
});

test('unreadable or full storage only loses the offline copy', () => {
  wx.storage.set(cache.LIST_KEY, 'garbage');
  expect(cache.loadList()).toBeNull();
  wx.setStorageSync.mockImplementation(() => { throw new Error('setStorageSync:fail exceed storage max size'); });
  expect(() => cache.saveNotice(notice(1))).not.toThrow();
  expect(cache.loadNotice(1)).toBeNull();
});

test('only a network failure counts as offline', () => {
  expect(cache.isOffline({ code: 'network_error' })).toBe(true);
  expect(cache.isOffline({ code: 'not_found' })).toBe(false);
  expect(cache.isOffline(null)).toBe(false);
});
