#!/usr/bin/env node
/**
 * Build miniprogram_npm/ from node_modules/, as WeChat DevTools' "工具 -> 构建 npm" does, for
 * headless tests and CI (no DevTools there).
 *
 * Uses miniprogram-ci's packNpmManually (the same builder DevTools uses; it needs no AppID and works
 * offline). With `--copy`, or when miniprogram-ci isn't installed, it copies each dependency's
 * `miniprogram` folder (e.g. @vant/weapp's `lib`) to miniprogram_npm/<name>, which is what the builder
 * does for a package that ships a `miniprogram` field. Either way it checks the result.
 *
 *   node scripts/build-npm.js [--copy]
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'miniprogram_npm');
// A file every build must produce: the pages use Vant through these paths.
const EXPECTED = path.join(OUT, '@vant', 'weapp', 'button', 'index.js');

function dependencies(root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return Object.keys(pkg.dependencies || {});
}

/** Copy each dependency's `miniprogram` folder (default `miniprogram_dist`) to out/<name>. */
function copyMiniprogramDirs(root, out) {
  dependencies(root).forEach((name) => {
    const pkgDir = path.join(root, 'node_modules', name);
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    const source = path.join(pkgDir, pkg.miniprogram || 'miniprogram_dist');
    if (!fs.existsSync(source)) {
      throw new Error(`${name} has no mini-program build (${source}); use miniprogram-ci or DevTools`);
    }
    fs.cpSync(source, path.join(out, name), { recursive: true });
  });
}

async function packWithMiniprogramCi(root) {
  const ci = require('miniprogram-ci');
  const result = await ci.packNpmManually({
    packageJsonPath: path.join(root, 'package.json'),
    miniprogramNpmDistDir: root,
  });
  if (result && result.warnList && result.warnList.length) {
    result.warnList.forEach((warning) => console.warn('[build:npm] warning:', JSON.stringify(warning)));
  }
}

function hasMiniprogramCi() {
  try {
    require.resolve('miniprogram-ci');
    return true;
  } catch (err) {
    return false;
  }
}

async function main() {
  fs.rmSync(OUT, { recursive: true, force: true });
  const copy = process.argv.includes('--copy') || !hasMiniprogramCi();
  if (copy) {
    copyMiniprogramDirs(ROOT, OUT);
  } else {
    await packWithMiniprogramCi(ROOT);
  }
  if (!fs.existsSync(EXPECTED)) throw new Error(`build:npm produced no ${path.relative(ROOT, EXPECTED)}`);
  console.log(`[build:npm] miniprogram_npm/ built with ${copy ? 'a copy of the miniprogram folders' : 'miniprogram-ci'}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error('[build:npm] failed:', err && err.message ? err.message : err);
    process.exit(1);
  });
}

module.exports = { copyMiniprogramDirs };
