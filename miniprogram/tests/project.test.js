/**
 * Static checks of the project DevTools opens: pages exist with their four files, every component
 * path resolves (Vant through miniprogram_npm, as 构建 npm lays it out), every event handler named in
 * a WXML file exists on its page, and the app/project settings the platform requires are present.
 */
const fs = require('fs');
const path = require('path');
const { ROOT, pageOptions } = require('./helpers/page');
const { copyMiniprogramDirs } = require('../scripts/build-npm');

const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'));
const app = readJson('app.json');

/** Where DevTools would find an npm component path, per the package's `miniprogram` field. */
function resolveNpmComponent(value) {
  const [scope, name, ...rest] = value.split('/');
  const pkgDir = path.join(ROOT, 'node_modules', scope, name);
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  return path.join(pkgDir, pkg.miniprogram, ...rest);
}

test('app.json has the settings the platform requires', () => {
  expect(app.window.navigationBarTitleText).toBe('校园安全');
  expect(app.requiredPrivateInfos).toEqual(['getLocation', 'chooseLocation']);
  expect(app.permission['scope.userLocation'].desc).toMatch(/[\u4e00-\u9fa5]/);
  expect(app.__usePrivacyCheck__).toBe(true);
  expect(app.lazyCodeLoading).toBe('requiredComponents');
  expect(app.pages[0]).toBe('pages/index/index');
});

test('project.config.json builds npm into the project root', () => {
  const project = readJson('project.config.json');
  expect(project.miniprogramRoot).toBe('./');
  expect(project.setting).toMatchObject({
    packNpmManually: true,
    packNpmRelationList: [{ packageJsonPath: './package.json', miniprogramNpmDistDir: './' }],
    es6: true,
    enhance: true,
  });
});

test.each(app.pages)('%s has its js, json, wxml and wxss', (page) => {
  ['js', 'json', 'wxml', 'wxss'].forEach((ext) => {
    expect(fs.existsSync(path.join(ROOT, `${page}.${ext}`))).toBe(true);
  });
});

test('every usingComponents path resolves to a component', () => {
  const sources = ['app.json', ...app.pages.map((p) => `${p}.json`), 'components/privacy-popup/index.json'];
  sources.forEach((source) => {
    Object.entries(readJson(source).usingComponents || {}).forEach(([tag, value]) => {
      const base = value.startsWith('/') ? path.join(ROOT, value)
        : value.startsWith('.') ? path.join(ROOT, path.dirname(source), value)
          : resolveNpmComponent(value);
      expect({ tag, json: fs.existsSync(`${base}.json`), js: fs.existsSync(`${base}.js`) })
        .toEqual({ tag, json: true, js: true });
    });
  });
});

test('every tag used in the pages is a registered component or a built-in', () => {
  const registered = Object.keys(app.usingComponents);
  app.pages.forEach((page) => {
    const wxml = fs.readFileSync(path.join(ROOT, `${page}.wxml`), 'utf8');
    const tags = new Set([...wxml.matchAll(/<([a-z][a-z-]*)/g)].map((m) => m[1]).filter((t) => t.includes('-')));
    tags.forEach((tag) => expect({ page, tag, registered: registered.includes(tag) })
      .toEqual({ page, tag, registered: true }));
  });
});

test('every event handler named in a page WXML exists on the page', () => {
  global.getApp = () => ({});
  app.pages.forEach((page) => {
    const options = pageOptions(page);
    const wxml = fs.readFileSync(path.join(ROOT, `${page}.wxml`), 'utf8');
    const handlers = [...wxml.matchAll(/\b(?:bind|catch):?[a-z]+="([A-Za-z]+)"/g)].map((m) => m[1]);
    expect(handlers.length).toBeGreaterThan(0);
    handlers.forEach((handler) => expect({ page, handler, type: typeof options[handler] })
      .toEqual({ page, handler, type: 'function' }));
  });
});

test('every page shows the privacy pop-up', () => {
  app.pages.forEach((page) => {
    expect(fs.readFileSync(path.join(ROOT, `${page}.wxml`), 'utf8')).toContain('<privacy-popup');
  });
});

test('the build:npm copy lays Vant out as 构建 npm does', () => {
  const out = fs.mkdtempSync(path.join(require('os').tmpdir(), 'mpnpm-'));
  try {
    copyMiniprogramDirs(ROOT, out);
    const built = path.join(out, '@vant', 'weapp', 'button', 'index.js');
    expect(fs.readFileSync(built, 'utf8'))
      .toBe(fs.readFileSync(resolveNpmComponent('@vant/weapp/button/index.js'), 'utf8'));
    expect(fs.existsSync(path.join(out, '@vant', 'weapp', 'collapse-item', 'index.wxml'))).toBe(true);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
