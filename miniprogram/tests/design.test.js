/**
 * One visual language: the design tokens in app.wxss are the only colours pages use, text colours
 * are readable (WCAG contrast at least 4.5:1 on white and on the page background), the tokens the
 * JS needs (utils/colors.js) equal the CSS ones, and a status tag's colour comes from utils/tone.js.
 */
const fs = require('fs');
const path = require('path');
const { COLORS } = require('../utils/colors');
const { TAG_TYPES, MEANINGS, tagType } = require('../utils/tone');

const ROOT = path.resolve(__dirname, '..');
const read = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const APP_WXSS = read('app.wxss');

function filesUnder(dir, ext) {
  const out = [];
  fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).forEach((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(rel, ext));
    else if (rel.endsWith(ext)) out.push(rel);
  });
  return out;
}

/** The --color-* variables of app.wxss. */
function tokens() {
  const found = {};
  APP_WXSS.replace(/--(color-[a-z-]+):\s*(#[0-9a-f]{6})/g, (m, name, value) => { found[name] = value; });
  return found;
}

function luminance(hex) {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('text colours read at 4.5:1 on white and on the page background', () => {
  const t = tokens();
  const textual = ['primary', 'success', 'warning', 'danger', 'neutral', 'text', 'text-secondary'];
  textual.forEach((name) => {
    const value = t[`color-${name}`];
    expect(value).toMatch(/^#[0-9a-f]{6}$/);
    expect([name, contrast(value, t['color-surface']) >= 4.5]).toEqual([name, true]);
    expect([name, contrast(value, t['color-background']) >= 4.5]).toEqual([name, true]);
  });
  // White text on the filled buttons and tags reads too (same ratio as the colour on white).
  ['primary', 'success', 'warning', 'danger'].forEach((name) => {
    expect(contrast(t[`color-${name}`], '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });
});

test('the JS colours are the CSS tokens', () => {
  const t = tokens();
  expect(COLORS).toEqual({
    primary: t['color-primary'],
    success: t['color-success'],
    warning: t['color-warning'],
    danger: t['color-danger'],
    neutral: t['color-neutral'],
    text: t['color-text'],
    textSecondary: t['color-text-secondary'],
  });
  const app = JSON.parse(read('app.json'));
  expect(app.window.navigationBarBackgroundColor).toBe(t['color-primary']);
});

test('pages and components use the tokens, never a raw colour', () => {
  const files = [
    ...filesUnder('pages', '.wxss'), ...filesUnder('pages', '.wxml'), ...filesUnder('pages', '.js'),
    ...filesUnder('components', '.wxss'), ...filesUnder('components', '.wxml'),
  ];
  const offenders = files.filter((file) => /#[0-9a-fA-F]{3,8}\b|rgba?\(/.test(read(file)));
  expect(offenders).toEqual([]);
});

test('the Vant theme is bound to the tokens', () => {
  ['button-primary-background-color', 'tag-primary-color', 'tag-success-color', 'tag-warning-color',
    'tag-danger-color', 'tag-default-color'].forEach((name) => {
    expect(APP_WXSS).toMatch(new RegExp(`--${name}: var\\(--color-`));
  });
});

test('one colour per meaning: every status maps to a meaning with a tag type', () => {
  const types = new Set(Object.values(TAG_TYPES));
  Object.keys(MEANINGS).forEach((kind) => {
    Object.keys(MEANINGS[kind]).forEach((status) => {
      expect(types.has(tagType(kind, status))).toBe(true);
    });
  });
  expect(tagType('hazard', 'overdue')).toBe(tagType('outbox', 'failed'));
  expect(tagType('hazard', 'verified')).toBe(tagType('noticeChild', 'acknowledged'));
  expect(tagType('hazard', 'reported')).toBe(tagType('binding', 'pending'));
});

test('a tag whose text is fixed has the same colour on every page', () => {
  const seen = {};
  const clashes = [];
  filesUnder('pages', '.wxml').forEach((file) => {
    const re = /<van-tag[^>]*\stype="([a-z]+)"[^>]*>([^<{]+)<\/van-tag>/g;
    let match;
    while ((match = re.exec(read(file)))) {
      const [, type, text] = match;
      const key = text.trim();
      if (seen[key] && seen[key].type !== type) clashes.push(`${key}: ${seen[key].file} ${seen[key].type} vs ${file} ${type}`);
      seen[key] = seen[key] || { type, file };
    }
  });
  expect(clashes).toEqual([]);
});
