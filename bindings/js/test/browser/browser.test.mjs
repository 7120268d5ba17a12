// @coffre/core in headless Chromium (playwright-core, the system's /usr/bin/chromium): the shared checks and the
// vector replay, once in a page and once in a module Web Worker, served from 127.0.0.1 under a strict CSP
// (script-src 'self' 'wasm-unsafe-eval': no eval). Run after `npm run build`: node --test test/browser/
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { baseHeaders, collectLogs, sendFile, urlPath, withChromium, withServer } from '../shared/chromium.mjs';
import { summarize } from '../shared/checks.mjs';

const pkg = fileURLToPath(new URL('../..', import.meta.url));
const vectorsDir = process.env.COFFRE_VECTORS_DIR ?? fileURLToPath(new URL('../../../../vectors/', import.meta.url));
const seed = Number(process.env.COFFRE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`random choices: COFFRE_TEST_SEED=${seed}`);

function serve(req, res) {
  const path = urlPath(req);
  if (path === '/vectors.json') {
    const files = {};
    for (const f of readdirSync(vectorsDir).filter((n) => n.endsWith('.json')).sort()) {
      files[f] = readFileSync(join(vectorsDir, f), 'utf8');
    }
    res.writeHead(200, { ...baseHeaders(), 'Content-Type': 'application/json' }).end(JSON.stringify(files));
    return;
  }
  sendFile(res, pkg, path === '/' ? 'test/browser/index.html' : path.slice(1), [join(pkg, 'dist'), join(pkg, 'test')]);
}

function runInChromium() {
  return withServer(serve, (origin) => withChromium(async (context) => {
    const logs = [];
    const page = context.pages()[0] ?? await context.newPage();
    collectLogs(page, logs);
    await page.goto(`${origin}/?seed=${seed}`);
    await page.waitForFunction(() => window.__coffre !== undefined, null, { timeout: 300_000, polling: 200 });
    return { ...(await page.evaluate(() => window.__coffre)), logs };
  }));
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
