const { installWx, serve, apiError, POSITION } = require('../helpers/wx');
const { loadPage, stubApp } = require('../helpers/page');
const { hazard } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let page;
let calls;

async function open(fixAnswer) {
  let photoId = 900;
  calls = serve(wx, {
    'GET /api/v1/hazards/5': { status: 200, body: hazard(5, { status: 'rectifying' }, { detail: true }) },
    'POST /api/v1/photos': () => { photoId += 1; return { status: 201, body: { id: photoId } }; },
    'POST /api/v1/hazards/5/fix': fixAnswer || { status: 200, body: hazard(5, { status: 'fix_submitted' }, { detail: true }) },
  });
  page = loadPage('pages/hazards/fix', { app: stubApp({}) });
  await page.onLoad({ id: '5' });
}

async function fillIn() {
  await page.takePhotos();
  page.onNoteChange({ detail: '已更换 4 具灭火器' });
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

test('after-photos come from the camera by default; the album is a separate choice', async () => {
  await open();
  await page.takePhotos();
  expect(wx.chooseMedia.mock.calls[0][0]).toMatchObject({ sourceType: ['camera'], mediaType: ['image'], sizeType: ['original'] });
  await page.chooseFromAlbum();
  expect(wx.chooseMedia.mock.calls[1][0]).toMatchObject({ sourceType: ['album'] });
});

test('locates at submit time, uploads, and posts the fix with the position and photo ids', async () => {
  await open();
  await fillIn();
  expect(wx.getLocation).not.toHaveBeenCalled();
  await page.submit();
  expect(wx.getLocation).toHaveBeenCalledWith(expect.objectContaining({ type: 'gcj02', isHighAccuracy: true }));
  const post = calls.find((c) => c.key === 'POST /api/v1/hazards/5/fix');
  expect(post.data).toEqual({
    lat: POSITION.latitude, lng: POSITION.longitude, accuracy: 12, coord_system: 'gcj02', photo_ids: [901, 902], note: '已更换 4 具灭火器',
  });
  expect(wx.navigateBack).toHaveBeenCalled();
});

test('too far from the hazard: the distance is shown', async () => {
  await open(apiError(422, 'fix_too_far', { distance_m: 236.4, limit_m: 100 }));
  await fillIn();
  await page.submit();
  expect(page.data.formError).toBe('请在隐患现场拍照提交，当前距离约 236 米（须在 100 米以内）');
  expect(wx.navigateBack).not.toHaveBeenCalled();
});

test('photos older than the report are named by their place', async () => {
  await open(apiError(422, 'after_photo_invalid', { 902: ['taken before the hazard was reported'] }));
  await fillIn();
  await page.submit();
  expect(page.data.formError).toBe('第 2 张照片不符合要求：整改后的照片须在隐患上报之后于现场拍摄，请删除后重新拍摄');
});

test('without photos or a note nothing is sent', async () => {
  await open();
  await page.submit();
  expect(page.data.errors).toEqual({ photos: '请拍摄整改后的现场照片', note: '请说明整改情况' });
  expect(calls.map((c) => c.key)).toEqual(['GET /api/v1/hazards/5']);
});

test('a refused location stops the submission with a way to the settings', async () => {
  await open();
  await fillIn();
  wx.getLocation.mockImplementation(({ fail }) => fail({ errMsg: 'getLocation:fail auth deny' }));
  wx.showModal.mockImplementation(({ success }) => success({ confirm: false, cancel: true }));
  await page.submit();
  expect(page.data.locationDenied).toBe(true);
  expect(page.data.formError).toContain('位置信息');
  expect(calls.some((c) => c.key === 'POST /api/v1/photos')).toBe(false);
});

test('fixed on the spot: the same form posts to fix-on-spot and says the hazard is closed', async () => {
  let photoId = 900;
  calls = serve(wx, {
    'GET /api/v1/hazards/5': { status: 200, body: hazard(5, { status: 'reported' }, { detail: true }) },
    'POST /api/v1/photos': () => { photoId += 1; return { status: 201, body: { id: photoId } }; },
    'POST /api/v1/hazards/5/fix-on-spot': { status: 200, body: hazard(5, { status: 'fixed_on_spot' }, { detail: true }) },
  });
  page = loadPage('pages/hazards/fix', { app: stubApp({}) });
  await page.onLoad({ id: '5', mode: 'spot' });
  expect(page.data.onSpot).toBe(true);
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '当场整改' });
  await fillIn();
  await page.submit();
  const post = calls.find((c) => c.key === 'POST /api/v1/hazards/5/fix-on-spot');
  expect(post.data).toMatchObject({ photo_ids: [901, 902], note: '已更换 4 具灭火器', coord_system: 'gcj02' });
  expect(calls.find((c) => c.key === 'POST /api/v1/hazards/5/fix')).toBeUndefined();
  expect(wx.showToast).toHaveBeenCalledWith({ title: '已当场整改', icon: 'success' });
});

test('a major hazard refused on the spot explains in Chinese', async () => {
  let photoId = 900;
  calls = serve(wx, {
    'GET /api/v1/hazards/5': { status: 200, body: hazard(5, { status: 'reported' }, { detail: true }) },
    'POST /api/v1/photos': () => { photoId += 1; return { status: 201, body: { id: photoId } }; },
    'POST /api/v1/hazards/5/fix-on-spot': apiError(409, 'needs_plan', { severity: 'major' }),
  });
  page = loadPage('pages/hazards/fix', { app: stubApp({}) });
  await page.onLoad({ id: '5', mode: 'spot' });
  await fillIn();
  await page.submit();
  expect(page.data.formError).toBe('重大隐患须制定整改方案，不能当场整改');
});
