// @coffre/core under node: the shared checks (test/shared/checks.mjs) and the vectors of /vectors.
// Run after `npm run build`: node --test test/node/
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as lib from '../../dist/index.js';
import * as internals from '../../dist/wasm.js';
import { ACCOUNT_VECTOR_FILES, checks, parseVectors, replayAccountVectors, replayVectors, summarize }
  from '../shared/checks.mjs';
import { sharingChecks } from '../shared/sharing_checks.mjs';
import { kekChecks } from '../shared/kek_checks.mjs';
import { storeRequestChecks } from '../shared/store_request_checks.mjs';

const seed = Number(process.env.COFFRE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`random choices: COFFRE_TEST_SEED=${seed}`);

const vectorsDir = process.env.COFFRE_VECTORS_DIR ?? fileURLToPath(new URL('../../../../vectors/', import.meta.url));

export function loadVectorFiles(dir) {
  const files = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    files[f] = parseVectors(readFileSync(`${dir}/${f}`, 'utf8'));
  }
  return files;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

await lib.Coffre.load();

for (const c of checks(lib, { internals, seed })) test(c.name, c.run);
for (const c of sharingChecks(lib, { internals })) test(c.name, c.run);
for (const c of storeRequestChecks(lib)) test(c.name, c.run);
for (const c of kekChecks(lib, { internals })) test(c.name, c.run);

test('vectors: every vector of /vectors replays as expected (whole ciphertext in one update, and in random pieces)',
  async (t) => {
    const files = loadVectorFiles(vectorsDir);
    assert.ok(Object.keys(files).length > 0, `no vectors in ${vectorsDir}`);
    const results = await replayVectors(lib, files, sha256, { chunked: true, seed });
    for (const r of results) await t.test(`${r.file}: ${r.name}`, () => assert.ok(r.ok, r.detail));
    console.log(`node vectors: ${summarize(results)}`);
  });

test('account vectors: X-Wing, recovery, device list, enrollment, account state, store requests, KEK wraps (vectors/README.md)', async (t) => {
  const files = loadVectorFiles(vectorsDir);
  for (const f of ACCOUNT_VECTOR_FILES) assert.ok(files[f], `missing ${f} in ${vectorsDir}`);
  const results = await replayAccountVectors(lib, files, sha256);
  for (const r of results) await t.test(`${r.file}: ${r.name}`, () => assert.ok(r.ok, r.detail));
  assert.ok(results.length >= 190, `only ${results.length} account vectors`);
  console.log(`node account vectors: ${summarize(results)}`);
});

// Loading, in fresh processes: what a page cannot show.
function runNode(args, code) {
  const r = spawnSync(process.execPath, [...args, '--input-type=module', '-e', code], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('load: concurrent calls share one instance; a failed load can be retried', () => {
  const r = runNode([], `
    import { Coffre, ContentKey } from './dist/index.js';
    try { ContentKey.generate(); console.log('no error before load'); } catch (e) { console.log('before load:', e.code); }
    try { await Coffre.load({ wasmUrl: new URL('file:///nonexistent/coffre.wasm') }); console.log('loaded?!'); }
    catch (e) { console.log('bad url rejected'); }
    await Promise.all([Coffre.load(), Coffre.load()]);
    ContentKey.generate().dispose();
    console.log('loaded:', Coffre.loaded);`);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /before load: bad_state/);
  assert.match(r.out, /bad url rejected/);
  assert.match(r.out, /loaded: true/);
});

test('load: works without a global Web Crypto (node 18), from the bytes given (bundlers)', () => {
  const r = runNode([], `
    import { readFileSync } from 'node:fs';
    // As on node 18: no globalThis.crypto. The package must take node:crypto's webcrypto.
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
    const { Coffre, ContentKey, sealDocument, openDocument } = await import('./dist/index.js');
    await Coffre.load({ wasmBinary: readFileSync('dist/wasm/coffre.wasm') });
    const key = ContentKey.generate();
    const c = { objectId: 'a', revision: 1, keyVersion: 1 };
    console.log('round trip:', openDocument(key, c, sealDocument(key, c, new Uint8Array([42])))[0]);`);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /round trip: 42/);
});
