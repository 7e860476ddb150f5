/**
 * Load a page module the way the mini-program runtime would: a stub global `Page` captures its
 * options, and `loadPage` returns an instance with `data` and a `setData` that understands
 * "a.b" paths. The page's own modules (api client...) are loaded fresh for each page.
 */
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

function setPath(target, keyPath, value) {
  const keys = keyPath.split('.');
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key];
  });
  node[keys[keys.length - 1]] = value;
}

/** Capture the options object a page passes to Page(). */
function pageOptions(pagePath) {
  let options = null;
  global.Page = (opts) => { options = opts; };
  jest.isolateModules(() => {
    require(path.join(ROOT, pagePath));
  });
  if (!options) throw new Error(`${pagePath} did not call Page()`);
  return options;
}

/**
 * A page instance. `app` is what getApp() returns (default: a stub whose getMe resolves `me`).
 */
function loadPage(pagePath, { app } = {}) {
  global.getApp = () => app;
  const options = pageOptions(pagePath);
  const page = { route: pagePath };
  Object.keys(options).forEach((key) => {
    if (typeof options[key] === 'function') page[key] = options[key];
  });
  page.data = JSON.parse(JSON.stringify(options.data || {}));
  page.setData = jest.fn((patch) => {
    Object.keys(patch).forEach((key) => setPath(page.data, key, patch[key]));
  });
  return page;
}

/** A stub App: `getMe` resolves the given /me answer (or a function's result). */
function stubApp(me) {
  return {
    ready: Promise.resolve(),
    globalData: { me },
    getMe: jest.fn(() => Promise.resolve(typeof me === 'function' ? me() : me)),
  };
}

/** The event object of a tap on an element with these data-* attributes. */
function tapEvent(dataset, detail) {
  return { currentTarget: { dataset }, detail };
}

module.exports = { ROOT, loadPage, pageOptions, stubApp, tapEvent };
