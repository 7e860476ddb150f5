/**
 * utils/school-page.js: the schools read once (the one a link names chosen), the picker's change
 * (the page's own reset applied, then a load), pull-down refresh and 重试.
 */
const { schoolPage } = require('../../utils/school-page');

const ME = {
  grants: [
    { unit: { id: 4, name: '符离中心小学', kind: 'school' } },
    { unit: { id: 9, name: '符离镇童心幼儿园', kind: 'kindergarten' } },
    { unit: { id: 2, name: '符离中心校', kind: 'center_school' } },
  ],
};

/** A page made of the behaviour, with a load that counts its calls. */
function makePage(extra = {}) {
  const page = {
    ...schoolPage(),
    ...extra,
    data: { schools: [], schoolIndex: 0, form: { open: true } },
    loads: 0,
    setData(patch) { this.data = { ...this.data, ...patch }; },
    load() { this.loads += 1; return Promise.resolve(); },
  };
  return page;
}

beforeEach(() => {
  global.getApp = jest.fn(() => ({ getMe: jest.fn(() => Promise.resolve(ME)) }));
  global.wx = { stopPullDownRefresh: jest.fn() };
});

test('the schools are read once; the one a link names is chosen, an unknown one falls back', async () => {
  const page = makePage();
  await page.ensureSchools(9);
  expect(page.data.schools).toEqual([{ id: 4, name: '符离中心小学' }, { id: 9, name: '符离镇童心幼儿园' }]);
  expect(page.school()).toEqual({ id: 9, name: '符离镇童心幼儿园' });
  await page.ensureSchools(4);
  expect(getApp).toHaveBeenCalledTimes(1);
  expect(page.school().id).toBe(9);
  const other = makePage();
  await other.ensureSchools(77);
  expect(other.school().id).toBe(4);
});

test('no school at all: the page shows its empty state and nothing is loaded for a school', async () => {
  getApp.mockReturnValue({ getMe: jest.fn(() => Promise.resolve({ grants: [ME.grants[2]] })) });
  const page = makePage();
  page.data.rows = [{ id: 1 }];
  // The center school's person has no school of their own here: the API's list is empty.
  jest.doMock('../../api/client', () => ({ call: jest.fn(() => Promise.resolve({ schools: [] })) }));
  jest.resetModules();
  const { schoolPage: fresh } = require('../../utils/school-page');
  Object.assign(page, fresh());
  expect(await page.chosenSchool()).toBeNull();
  expect(page.data).toMatchObject({ state: 'empty', rows: [] });
  jest.dontMock('../../api/client');
});

test('picking a school applies the page reset, shows loading and loads', async () => {
  const page = makePage({ resetOnSchoolChange: { form: { open: false } } });
  await page.ensureSchools();
  await page.pickSchool({ detail: { value: '1' } });
  expect(page.data).toMatchObject({ schoolIndex: 1, form: { open: false }, state: 'loading' });
  expect(page.loads).toBe(1);
});

test('pull-down refresh stops the spinner after loading; 重试 shows loading and loads', async () => {
  const page = makePage();
  await page.onPullDownRefresh();
  expect(wx.stopPullDownRefresh).toHaveBeenCalled();
  page.setData({ state: 'error' });
  await page.retry();
  expect(page.data.state).toBe('loading');
  expect(page.loads).toBe(2);
});
