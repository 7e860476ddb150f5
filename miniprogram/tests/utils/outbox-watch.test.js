/** utils/outbox-watch.js: a page stops following its outbox when it hides or unloads, once. */
const { followsOutbox } = require('../../utils/outbox-watch');

test('hiding ends the subscription once; unloading does the same; nothing to end is harmless', () => {
  const page = { ...followsOutbox(), unsubscribe: jest.fn() };
  const end = page.unsubscribe;
  page.onHide();
  page.onHide();
  expect(end).toHaveBeenCalledTimes(1);
  expect(page.unsubscribe).toBeNull();
  const leaving = { ...followsOutbox(), unsubscribe: jest.fn() };
  const ended = leaving.unsubscribe;
  leaving.onUnload();
  expect(ended).toHaveBeenCalledTimes(1);
  expect(() => ({ ...followsOutbox() }).onUnload()).not.toThrow();
});
