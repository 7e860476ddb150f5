/** utils/outbox-files.js: an outbox's photo copies under USER_DATA_PATH. */
const { installWx, USER_DATA_PATH } = require('../helpers/wx');
const {
  extensionOf, copyPhotos, deleteFiles, filesPresent,
} = require('../../utils/outbox-files');

const DIR = `${USER_DATA_PATH}/hazard_outbox`;
let wx;

beforeEach(() => {
  wx = installWx();
  wx.fs.files.set('http://tmp/a.JPG', 'a');
  wx.fs.files.set('http://tmp/b.png?x=1', 'b');
});

test('extensions are kept, lower case; none when there is none', () => {
  expect(extensionOf('http://tmp/a.JPG')).toBe('.jpg');
  expect(extensionOf('http://tmp/b.png?x=1')).toBe('.png');
  expect(extensionOf('http://tmp/noext')).toBe('');
});

test('copies are numbered after the prefix, in a folder made when missing', () => {
  const saved = copyPhotos(['http://tmp/a.JPG', 'http://tmp/b.png?x=1'], DIR, 'uuid');
  expect(saved).toEqual([`${DIR}/uuid-1.jpg`, `${DIR}/uuid-2.png`]);
  expect(wx.fs.mkdirSync).toHaveBeenCalledWith(DIR, true);
  expect(wx.fs.files.get(`${DIR}/uuid-2.png`)).toBe('b');
  expect(filesPresent(saved)).toBe(true);
  expect(filesPresent([])).toBe(true);
});

test('older WeChat without copyFileSync saves the file instead', () => {
  wx.fs.copyFileSync = undefined;
  expect(copyPhotos(['http://tmp/a.JPG'], DIR, 'u')).toEqual([`${DIR}/u-1.jpg`]);
  expect(wx.fs.saveFileSync).toHaveBeenCalledWith('http://tmp/a.JPG', `${DIR}/u-1.jpg`);
});

test('a failed copy deletes the copies made and throws', () => {
  expect(() => copyPhotos(['http://tmp/a.JPG', 'http://tmp/gone.jpg'], DIR, 'u')).toThrow();
  expect(wx.fs.files.has(`${DIR}/u-1.jpg`)).toBe(false);
});

test('deleting: missing files are fine; a missing file is not present', () => {
  const saved = copyPhotos(['http://tmp/a.JPG'], DIR, 'u');
  deleteFiles([...saved, `${DIR}/never.jpg`]);
  deleteFiles(null);
  expect(filesPresent(saved)).toBe(false);
});
