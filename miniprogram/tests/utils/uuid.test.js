const { installWx } = require('../helpers/wx');
const { formatUuid, uuidV4, isUuid, UUID_PATTERN } = require('../../utils/uuid');

let wx;
beforeEach(() => { wx = installWx(); });

test('formats 16 bytes as an RFC 4122 version-4 UUID', () => {
  const bytes = Array.from({ length: 16 }, (v, i) => 0xff - i);
  const id = formatUuid(bytes);
  expect(id).toBe('fffefdfc-fbfa-49f8-b7f6-f5f4f3f2f1f0');
  expect(id).toMatch(UUID_PATTERN);
  expect(formatUuid(new Array(16).fill(0))).toBe('00000000-0000-4000-8000-000000000000');
});

test('uses wx.getRandomValues when the base library has it', async () => {
  wx.getRandomValues = jest.fn(({ length, success }) => {
    success({ randomValues: new Uint8Array(length).fill(0xab).buffer });
  });
  const spy = jest.spyOn(Math, 'random');
  const id = await uuidV4();
  expect(wx.getRandomValues).toHaveBeenCalledWith(expect.objectContaining({ length: 16 }));
  expect(id).toBe('abababab-abab-4bab-abab-abababababab');
  expect(spy).not.toHaveBeenCalled();
});

test('falls back to Math.random without wx.getRandomValues, or when it fails', async () => {
  const spy = jest.spyOn(Math, 'random');
  expect(await uuidV4()).toMatch(UUID_PATTERN);
  expect(spy).toHaveBeenCalledTimes(16);

  wx.getRandomValues = jest.fn(({ fail }) => fail({ errMsg: 'getRandomValues:fail' }));
  expect(await uuidV4()).toMatch(UUID_PATTERN);
  expect(spy).toHaveBeenCalledTimes(32);
});

test('every id is a lower-case v4 UUID and ids differ', async () => {
  const ids = await Promise.all(Array.from({ length: 200 }, () => uuidV4()));
  ids.forEach((id) => {
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUuid(id)).toBe(true);
  });
  expect(new Set(ids).size).toBe(200);
  expect(isUuid('not-a-uuid')).toBe(false);
  expect(isUuid('abababab-abab-1bab-abab-abababababab')).toBe(false); // version 1
});
