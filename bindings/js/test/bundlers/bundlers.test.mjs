// @coffre/core as users consume it: `npm pack` of bindings/js, installed here the way npm installs a tarball, then a
// tiny app (app/) bundled by esbuild, vite and webpack with their defaults, served from 127.0.0.1 under the strict
// CSP of the browser tests and run in headless Chromium: an encrypt/decrypt round trip in the page and in a module
// Web Worker. Run after `npm run build` in bindings/js and `npm ci` here: node --test test/bundlers/
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { collectLogs, sendFile, urlPath, withChromium, withServer } from '../shared/chromium.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const appDir = join(here, 'app');
const installed = join(here, 'node_modules', '@coffre', 'core');
const work = mkdtempSync(join(tmpdir(), 'coffre-bundlers-'));
after(() => rmSync(work, { recursive: true, force: true }));

if (!existsSync(join(here, 'node_modules', '.package-lock.json'))) {
  throw new Error(`run \`npm ci\` in ${here} first (scripts/test-js.sh does)`);
}

// The tarball a user downloads (built already: --ignore-scripts skips prepack), unpacked as npm would install it.
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
  { cwd: pkgDir, encoding: 'utf8' }));
rmSync(installed, { recursive: true, force: true });
mkdirSync(installed, { recursive: true });
execFileSync('tar', ['xzf', join(work, packed.filename), '-C', installed, '--strip-components=1']);
const shipped = new Set(packed.files.map((f) => f.path));

test('package: publishable metadata, LICENSE, and every source map ships with its sources', () => {
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest.license, 'MIT');
  assert.notEqual(manifest.private, true);
  assert.ok(manifest.repository?.url && manifest.description && manifest.keywords?.length > 0, 'repository/keywords');
  assert.match(readFileSync(join(installed, 'LICENSE'), 'utf8'), /^MIT License/);
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/wasm/coffre.mjs', 'dist/wasm/coffre.wasm', 'README.md']) {
    assert.ok(shipped.has(f), `${f} not in the tarball`);
  }
  assert.deepEqual([...shipped].filter((f) => /^(test|scripts|node_modules)\//.test(f)), []);
  const maps = [...shipped].filter((f) => f.endsWith('.map'));
  assert.ok(maps.length > 0);
  for (const m of maps) {
    for (const s of JSON.parse(readFileSync(join(installed, m), 'utf8')).sources) {
      const source = posix.normalize(posix.join(posix.dirname(m), s));
      assert.ok(shipped.has(source), `${m} points at ${source}, which is not in the tarball`);
    }
  }
});

test('package: both wasm files are in `exports`', () => {
  const require = createRequire(join(here, 'package.json'));
  for (const sub of ['wasm/coffre.wasm', 'wasm/coffre.mjs']) {
    assert.equal(require.resolve(`@coffre/core/${sub}`), join(installed, 'dist', sub));
  }
});

const page = (entry, moduleScript = true) => `<!doctype html><meta charset="utf-8"><title>coffre bundled</title>
<script ${moduleScript ? 'type="module"' : 'defer'} src="./${entry}"></script>\n`;

// Each build writes a servable folder with index.html.
const builds = {
  // esbuild leaves new URL(…, import.meta.url) alone: the documented step copies coffre.wasm next to the bundle.
  async esbuild(out) {
    const esbuild = await import('esbuild');
    await esbuild.build({ entryPoints: [join(appDir, 'main.js'), join(appDir, 'worker.js')], bundle: true,
      format: 'esm', outdir: out, logLevel: 'warning' });
    mkdirSync(join(out, 'wasm'));
    copyFileSync(join(installed, 'dist/wasm/coffre.wasm'), join(out, 'wasm/coffre.wasm'));
    writeFileSync(join(out, 'index.html'), page('main.js'));
  },
  // The other documented esbuild way: the file loader gives the URL of `@coffre/core/wasm/coffre.wasm`.
  async 'esbuild (file loader, wasmUrl)'(out) {
    const esbuild = await import('esbuild');
    await esbuild.build({ entryPoints: [join(appDir, 'main-url.js'), join(appDir, 'worker-url.js')], bundle: true,
      format: 'esm', loader: { '.wasm': 'file' }, outdir: out, logLevel: 'warning' });
    writeFileSync(join(out, 'index.html'), page('main-url.js'));
  },
  async vite(out) {
    const vite = await import('vite');
    await vite.build({ root: appDir, configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  },
  // webpack's default output is classic scripts: it starts the worker as a classic one ({ type: undefined }).
  webpack: (out) => webpackBuild(out, false),
  // With ES module output, the page is a module script and the worker a module worker.
  'webpack (ESM output)': (out) => webpackBuild(out, true),
};

async function webpackBuild(out, esm) {
  const webpack = (await import('webpack')).default;
  const compiler = webpack({ mode: 'production', context: appDir, entry: './main.js', devtool: false,
    output: { path: out, filename: 'main.js', module: esm }, experiments: { outputModule: esm },
    performance: { hints: false } });
  const stats = await new Promise((ok, fail) => compiler.run((e, s) => compiler.close(() => (e ? fail(e) : ok(s)))));
  assert.ok(!stats.hasErrors(), stats.toString('errors-warnings'));
  writeFileSync(join(out, 'index.html'), page('main.js', esm));
}

async function runInChromium(out) {
  const serve = (req, res) => {
    const path = urlPath(req);
    sendFile(res, out, path === '/' ? 'index.html' : path.slice(1), [out]);
  };
  return withServer(serve, (origin) => withChromium(async (context) => {
    const logs = [];
    const p = context.pages()[0] ?? await context.newPage();
    collectLogs(p, logs);
    p.on('requestfailed', (r) => logs.push(`request failed: ${r.url()}`));
    p.on('response', (r) => r.status() >= 400 && logs.push(`HTTP ${r.status()}: ${r.url()}`));
    await p.goto(`${origin}/`);
    try {
      await p.waitForFunction(() => window.__coffre !== undefined, null, { timeout: 60_000, polling: 100 });
    } catch (e) {
      throw new Error(`${e.message}\n${logs.join('\n')}`);
    }
    return { ...(await p.evaluate(() => window.__coffre)), logs };
  }));
}

for (const [name, build] of Object.entries(builds)) {
  test(`${name}: the bundled app round-trips in a page and a Web Worker under the strict CSP`, async () => {
    const out = join(work, name.replace(/\W+/g, '-'));
    const started = Date.now();
    await build(out);
    const r = await runInChromium(out);
    console.log(`${name}: built and ran in ${Date.now() - started} ms (module worker: ${r.worker.moduleWorker})`);
    if (name !== 'webpack') assert.equal(r.worker.moduleWorker, true, 'the worker is a module worker');
    for (const scope of ['page', 'worker']) {
      const s = r[scope];
      assert.ok(s.ok, `${scope}: ${s.error}\n${r.logs.join('\n')}`);
      assert.equal(s.opened, s.text, `${scope}: document round trip`);
      assert.equal(s.decrypted, s.text, `${scope}: Blob file round trip`);
      assert.equal(s.envelopeBytes, s.text.length + 102);
    }
    assert.deepEqual([...r.violations, ...r.worker.violations], [], 'CSP violations');
  });
}
