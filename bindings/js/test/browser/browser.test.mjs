// @coffre/core in headless Chromium (playwright-core, the system's /usr/bin/chromium): the shared checks and the
// vector replay, once in a page and once in a module Web Worker, served from 127.0.0.1 under a strict CSP
// (script-src 'self' 'wasm-unsafe-eval': no eval). Run after `npm run build`: node --test test/browser/
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { summarize } from '../shared/checks.mjs';

const pkg = fileURLToPath(new URL('../..', import.meta.url));
const vectorsDir = process.env.COFFRE_VECTORS_DIR ?? fileURLToPath(new URL('../../../../vectors/', import.meta.url));
const chromiumPath = process.env.COFFRE_CHROMIUM ?? '/usr/bin/chromium';
const seed = Number(process.env.COFFRE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`random choices: COFFRE_TEST_SEED=${seed}`);

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'";
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };

function serve(req, res) {
  const headers = { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let body;
  let type;
  if (path === '/vectors.json') {
    const files = {};
    for (const f of readdirSync(vectorsDir).filter((n) => n.endsWith('.json')).sort()) {
      files[f] = readFileSync(join(vectorsDir, f), 'utf8');
    }
    body = JSON.stringify(files);
    type = TYPES['.json'];
  } else {
    const rel = path === '/' ? 'test/browser/index.html' : path.slice(1);
    const file = resolve(pkg, rel);
    const allowed = [join(pkg, 'dist') + sep, join(pkg, 'test') + sep].some((root) => file.startsWith(root));
    if (!allowed || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    body = readFileSync(file);
    type = TYPES[extname(file)] ?? 'application/octet-stream';
  }
  res.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
}

async function runInChromium() {
  const server = createServer(serve);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  const profile = mkdtempSync(join(tmpdir(), 'coffre-chromium-'));
  const logs = [];
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.on('console', (m) => logs.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.stack ?? e}`));
    await page.goto(`http://127.0.0.1:${port}/?seed=${seed}`);
    await page.waitForFunction(() => window.__coffre !== undefined, null, { timeout: 300_000, polling: 200 });
    return { ...(await page.evaluate(() => window.__coffre)), logs };
  } finally {
    await context?.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

let results;
let launchError;
try {
  results = await runInChromium();
  console.log(`${results.userAgent}`);
} catch (e) {
  launchError = e;
}

test('chromium ran the suite', () => {
  assert.ok(!launchError, `chromium: ${launchError?.stack ?? launchError}`);
});

if (results) {
  test('CSP is enforced (eval blocked) and the library caused no violation', () => {
    for (const scope of ['page', 'worker']) {
      assert.equal(results[scope].evalBlocked, true, `${scope}: eval is not blocked: the CSP is not in force`);
    }
    // The only expected violations are the eval probes themselves.
    console.log(`CSP violations reported: ${JSON.stringify([...results.violations, ...(results.worker.violations ?? [])])}`);
    const unexpected = [...results.violations, ...(results.worker.violations ?? [])]
      .filter((v) => !/^script-src(-elem)? eval$/.test(v) && !/^script-src eval/.test(v));
    assert.deepEqual(unexpected, [], `CSP violations: ${unexpected.join(', ')}\n${results.logs.join('\n')}`);
  });

  for (const scope of ['page', 'worker']) {
    const r = results[scope];
    test(`${scope}: the suite ran to the end`, () => {
      assert.ok(!r.fatal, `${scope}: ${r.fatal}\n${results.logs.join('\n')}`);
    });
    for (const c of r.checks) {
      test(`${scope}: ${c.name}`, () => assert.ok(c.ok, c.error));
    }
    test(`${scope}: vectors (whole ciphertext in one update, and in random pieces)`, async (t) => {
      assert.ok(r.vectors.length > 0, `${scope}: no vectors replayed`);
      for (const v of r.vectors) await t.test(`${v.file}: ${v.name}`, () => assert.ok(v.ok, v.detail));
      console.log(`chromium ${scope} vectors: ${summarize(r.vectors)}`);
    });
  }
}
