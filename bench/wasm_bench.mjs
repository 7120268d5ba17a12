// coffre wasm benchmark (node): the WebAssembly build's file and document envelopes against the raw
// XChaCha20-Poly1305 of the SAME wasm build, side by side in one process (interleaved rounds, medians, ratios).
//
//   node bench/wasm_bench.mjs [--size-mib 64] [--runs 5] [--warmup 2] [--docs 50000] [--pkg bindings/js/dist]
//
// V8 compiles wasm with a baseline compiler first (Liftoff) and tiers hot functions up later: the first rounds
// (--warmup, discarded) let every path reach optimized code, otherwise whichever side runs first looks slower.
//
// Three layers are measured:
//   C ABI   coffre_encryptor_update/_decryptor_update on 4 MiB heap buffers, 64 KiB chunks (the library's own cost,
//           as in bench/file_envelope_bench.cpp); coffre_document_seal/_open of 100-byte messages.
//   raw     libsodium's crypto_aead_xchacha20poly1305_ietf_{en,de}crypt_detached over the same 64 KiB chunks at the
//           same heap addresses (32-byte AD, counter nonce), and over 100-byte messages with a random nonce
//           (crypto.getRandomValues on the heap, as a JS user of the module would; the envelope's system RNG is the
//           same call) or a counter. Needs the module to export _crypto_aead_xchacha20poly1305_ietf_encrypt_detached
//           and _crypto_aead_xchacha20poly1305_ietf_decrypt_detached (a benchmark build:
//           -DCOFFRE_WASM_EXTRA_EXPORTS=..., see scripts/bench.sh); without them only the envelope figures are
//           printed and "raw": false.
//   JS API  the package's FileEncryptor/FileDecryptor (Uint8Array in, Uint8Array out: copies across the heap) and
//           sealDocument/openDocument.
//
// Sharing (docs/SPEC.md section 16), through the JS API on wasm's one thread: one content key wrapped to --recipients
// (default 1,000) users (wrapContentKeyToMany: an X-Wing encapsulation, a KDF, an AEAD and an Ed25519 signature per
// recipient), and the reader's side for one wrap (openContentWrap alone, and with AccessList.open and wrapSender).
// --sharing-only skips the rest; --sharing-runs N [3]. Then, if built, the native benchmark of the same operations
// (--native-dir [build-bench/bench]/coffre_bench_sharing, bench/sharing_bench.cpp) runs in the same minutes, and the
// table shows wasm next to native, in wall time and in CPU time (the machine is shared: CPU time is the fairer one).
//
// Accounts (docs/SPEC.md sections 10 and 12), through the JS API, next to the native benchmarks of the same
// operations (build-bench/bench/coffre_bench_enrollment and coffre_bench_device_log, run by this script when
// present: --native-dir, default build-bench/bench):
//   enrollment  both sides of one enrollment, timed as bench/enrollment_bench.cpp times them: N = start +
//               onResponse + finish (verifyAppended of the add-device entry, checkEnrolled, RootKey.unwrap,
//               AccountSecrets.open); E = onRequest + onReveal + approve. Target (native): < 20 ms per side.
//   device log  VerifiedLog.verify of a 1,000-entry log of add-device entries (the worst case of
//               bench/device_log_bench.cpp: 2,000 signatures, 1,001 X-Wing key checks), on wasm's one thread.
//               Target (native): < 100 ms.
//   --accounts-only skips the envelopes; --enroll-runs N [20], --log-entries N [1000], --log-runs N [5].
//
// Prints tables, then JSON lines starting with {"bench":"coffre_wasm" and {"bench":"coffre_wasm_accounts".
// Not a test: the machine is noisy.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = {
  sizeMib: 64, runs: 5, warmup: 2, docs: 50000, pkg: path.join(here, '..', 'bindings', 'js', 'dist'),
  sharingOnly: false, recipients: 1000, sharingRuns: 3,
  accountsOnly: false, enrollRuns: 20, logEntries: 1000, logRuns: 5,
  nativeDir: path.join(here, '..', 'build-bench', 'bench'),
};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = process.argv[i + 1];
  if (a === '--size-mib') args.sizeMib = Number(v), i++;
  else if (a === '--runs') args.runs = Number(v), i++;
  else if (a === '--docs') args.docs = Number(v), i++;
  else if (a === '--warmup') args.warmup = Number(v), i++;
  else if (a === '--pkg') args.pkg = path.resolve(v), i++;
  else if (a === '--sharing-only') args.sharingOnly = true;
  else if (a === '--recipients') args.recipients = Number(v), i++;
  else if (a === '--sharing-runs') args.sharingRuns = Number(v), i++;
  else if (a === '--accounts-only') args.accountsOnly = true;
  else if (a === '--enroll-runs') args.enrollRuns = Number(v), i++;
  else if (a === '--log-entries') args.logEntries = Number(v), i++;
  else if (a === '--log-runs') args.logRuns = Number(v), i++;
  else if (a === '--native-dir') args.nativeDir = path.resolve(v), i++;
  else {
    console.error('usage: node bench/wasm_bench.mjs [--size-mib N] [--runs N] [--warmup N] [--docs N] [--pkg DIR]\n' +
      '       [--sharing-only] [--recipients N] [--sharing-runs N] [--accounts-only] [--enroll-runs N]\n' +
      '       [--log-entries N] [--log-runs N] [--native-dir DIR]');
    process.exit(a === '--help' || a === '-h' ? 0 : 2);
  }
}

const pkg = await import(pathToFileURL(path.join(args.pkg, 'index.js')).href);
const internal = await import(pathToFileURL(path.join(args.pkg, 'wasm.js')).href);
await pkg.Coffre.load();
const m = internal.wasm();
if (args.accountsOnly) {
  accountsBench();
  process.exit(0);
}

const CHUNK = 65536;
const TAG = 16;
const STEP = 4 << 20;
const HEADER = 130; // file header with a raw key (docs/SPEC.md 5.1)
const size = args.sizeMib << 20;
const nchunks = Math.max(1, Math.ceil(size / CHUNK));
const hasRaw = typeof m._crypto_aead_xchacha20poly1305_ietf_encrypt_detached === 'function' &&
  typeof m._crypto_aead_xchacha20poly1305_ietf_decrypt_detached === 'function';

// --------------------------------------------------------------------------------------------------------------
// Heap helpers (pointers survive memory growth, views do not: always read m.HEAPU8 afresh).
function alloc(n) {
  const p = m._malloc(n);
  if (p === 0) throw new Error(`malloc(${n}) failed`);
  m.HEAPU8.fill(0, p, p + n); // also pre-faults, like the native bench
  return p;
}
const u32 = (p) => new DataView(m.HEAPU8.buffer).getUint32(p, true);
function check(status, what) {
  if (status !== 0) throw new Error(`${what}: status ${status}`);
}
function randomFill(p, n) {
  for (let off = 0; off < n; off += 65536) {
    globalThis.crypto.getRandomValues(m.HEAPU8.subarray(p + off, p + Math.min(n, off + 65536)));
  }
}
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
function seconds(f) {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1e3;
}

if (args.sharingOnly) {
  sharingBench();
  process.exit(0);
}

// --------------------------------------------------------------------------------------------------------------
// Setup
const id = new TextEncoder().encode('bench-file-0001');
const idP = alloc(id.length);
m.HEAPU8.set(id, idP);
const slot = alloc(8); // out-parameters
const slot2 = alloc(8);
check(m._coffre_key_generate(slot), 'coffre_key_generate');
const key = u32(slot);

const plainP = alloc(size);
const ctCap = HEADER + size + (nchunks + 1) * TAG;
const ctP = alloc(ctCap);
const outP = alloc(size + CHUNK);
randomFill(plainP, size);
const rawCt = ctP + HEADER; // raw chunk i sits exactly where the envelope's chunk i does
const rawKeyP = alloc(32);
const adP = alloc(32);
const nonceP = alloc(24);
randomFill(rawKeyP, 32);
randomFill(adP, 32);

function abiEncrypt() {
  check(m._coffre_encryptor_new(key, idP, id.length, 1n, 1, CHUNK, 1, slot), 'encryptor_new');
  const enc = u32(slot);
  let off = 0;
  for (let pos = 0; pos < size; pos += STEP) {
    const n = Math.min(STEP, size - pos);
    check(m._coffre_encryptor_update(enc, plainP + pos, n, ctP + off, ctCap - off, slot), 'encryptor_update');
    off += u32(slot);
  }
  check(m._coffre_encryptor_finish(enc, ctP + off, ctCap - off, slot), 'encryptor_finish');
  off += u32(slot);
  m._coffre_encryptor_free(enc);
  return off;
}

function abiDecrypt(ctSize) {
  check(m._coffre_decryptor_new(key, idP, id.length, 1n, 1, 1, slot), 'decryptor_new');
  const dec = u32(slot);
  let off = 0;
  for (let pos = 0; pos < ctSize; pos += STEP) {
    const n = Math.min(STEP, ctSize - pos);
    check(m._coffre_decryptor_update(dec, ctP + pos, n, outP + off, size + CHUNK - off, slot), 'decryptor_update');
    off += u32(slot);
  }
  check(m._coffre_decryptor_finish(dec, outP + off, size + CHUNK - off, slot), 'decryptor_finish');
  off += u32(slot);
  if (m._coffre_decryptor_ended_properly(dec) !== 1) throw new Error('decryptor did not end properly');
  m._coffre_decryptor_free(dec);
  return off;
}

function setNonce(i, last) {
  const h = m.HEAPU8;
  h.fill(0, nonceP, nonceP + 15);
  new DataView(h.buffer).setBigUint64(nonceP + 15, BigInt(i), false);
  h[nonceP + 23] = last ? 1 : 0;
}

function rawSeal() {
  for (let i = 0; i < nchunks; i++) {
    const last = i + 1 === nchunks;
    const len = last ? size - i * CHUNK : CHUNK;
    setNonce(i, last);
    const c = rawCt + i * (CHUNK + TAG);
    m._crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, c + len, 0, plainP + i * CHUNK, BigInt(len), adP, 32n,
      0, nonceP, rawKeyP);
  }
}

function rawOpen() {
  for (let i = 0; i < nchunks; i++) {
    const last = i + 1 === nchunks;
    const len = last ? size - i * CHUNK : CHUNK;
    setNonce(i, last);
    const c = rawCt + i * (CHUNK + TAG);
    if (m._crypto_aead_xchacha20poly1305_ietf_decrypt_detached(outP + i * CHUNK, 0, c, BigInt(len), c + len, adP,
      32n, nonceP, rawKeyP) !== 0) {
      throw new Error('raw open failed');
    }
  }
}

function sameAsPlain() {
  const h = m.HEAPU8;
  const a = h.subarray(plainP, plainP + size);
  const b = h.subarray(outP, outP + size);
  return Buffer.compare(a, b) === 0;
}
function spoilOut() {
  m.HEAPU8.fill(0, outP, outP + 4096);
}

// JS API: the package's classes on Uint8Arrays (copies across the heap included).
const ctx = { objectId: 'bench-file-0001', revision: 1n, keyVersion: 1 };
const jsKey = pkg.ContentKey.generate();
const jsPlain = m.HEAPU8.slice(plainP, plainP + size);
let jsCipher = [];
function jsEncrypt() {
  const enc = new pkg.FileEncryptor(jsKey, ctx);
  const parts = [];
  for (let pos = 0; pos < size; pos += STEP) parts.push(enc.update(jsPlain.subarray(pos, pos + STEP)));
  parts.push(enc.finish());
  jsCipher = parts;
}
let jsOut = [];
let jsCipherAll = new Uint8Array(0);
const joinCipher = () => { jsCipherAll = Buffer.concat(jsCipher); }; // outside the timing
function jsDecrypt() {
  const dec = new pkg.FileDecryptor(jsKey, ctx);
  const parts = [];
  // Feed the ciphertext in 4 MiB pieces, as a reader would.
  const all = jsCipherAll;
  for (let pos = 0; pos < all.length; pos += STEP) parts.push(dec.update(all.subarray(pos, pos + STEP)));
  parts.push(dec.finish());
  if (!dec.endedProperly) throw new Error('JS decryptor did not end properly');
  jsOut = parts;
}

// Correctness first, outside the timing.
let envSize = abiEncrypt();
if (envSize !== HEADER + size + nchunks * TAG) throw new Error(`unexpected envelope size ${envSize}`);
if (abiDecrypt(envSize) !== size || !sameAsPlain()) throw new Error('C ABI round trip failed');
jsEncrypt();
joinCipher();
jsDecrypt();
if (Buffer.compare(Buffer.concat(jsOut), jsPlain) !== 0) throw new Error('JS API round trip failed');

// --------------------------------------------------------------------------------------------------------------
// File envelope rounds
const S = { env_enc: [], env_dec: [], raw_enc: [], raw_dec: [], js_enc: [], js_dec: [] };
const R = { enc: [], dec: [], js_enc: [], js_dec: [] };
console.log(`coffre wasm bench: node ${process.version}, ${args.sizeMib} MiB, 64 KiB chunks, 4 MiB steps, ` +
  `${args.runs} rounds after ${args.warmup} warm-up, raw peer ${hasRaw ? 'exported' : 'NOT exported'}`);
for (let r = -args.warmup; r < args.runs; r++) {
  const rawBlock = () => {
    if (!hasRaw) return;
    S.raw_enc.push(seconds(rawSeal));
    S.raw_dec.push(seconds(rawOpen));
    if (!sameAsPlain()) throw new Error('raw round trip failed');
    spoilOut();
  };
  const envBlock = () => {
    S.env_enc.push(seconds(() => { envSize = abiEncrypt(); }));
    S.env_dec.push(seconds(() => abiDecrypt(envSize)));
    if (!sameAsPlain()) throw new Error('C ABI round trip failed');
    spoilOut();
  };
  const jsBlock = () => {
    S.js_enc.push(seconds(jsEncrypt));
    joinCipher();
    S.js_dec.push(seconds(jsDecrypt));
  };
  if (r % 2 === 0) {
    rawBlock(); envBlock(); jsBlock();
  } else {
    jsBlock(); envBlock(); rawBlock();
  }
  if (r < 0) {
    for (const k of Object.keys(S)) S[k].length = 0; // warm-up round: discarded
    continue;
  }
  const last = (k) => S[k][S[k].length - 1];
  if (hasRaw) {
    R.enc.push(last('raw_enc') / last('env_enc'));
    R.dec.push(last('raw_dec') / last('env_dec'));
  }
  R.js_enc.push(last('env_enc') / last('js_enc'));
  R.js_dec.push(last('env_dec') / last('js_dec'));
  console.log(`  round ${r + 1}: ` + (hasRaw ? `enc ${R.enc.at(-1).toFixed(3)}x dec ${R.dec.at(-1).toFixed(3)}x vs raw; ` : '') +
    `JS API / C ABI enc ${R.js_enc.at(-1).toFixed(3)}x dec ${R.js_dec.at(-1).toFixed(3)}x`);
}

// --------------------------------------------------------------------------------------------------------------
// 100-byte documents
const MSG = 100;
const msgP = alloc(MSG);
randomFill(msgP, MSG);
const boxP = alloc(MSG + TAG + 24);
check(m._coffre_document_seal(key, idP, id.length, 1n, 1, msgP, MSG, slot, slot2), 'document_seal');
const envLen = u32(slot2);
const sealedP = alloc(envLen);
m.HEAPU8.copyWithin(sealedP, u32(slot), u32(slot) + envLen);
m._coffre_buffer_free(u32(slot), envLen);
const jsMsg = m.HEAPU8.slice(msgP, msgP + MSG);
const jsSealed = pkg.sealDocument(jsKey, ctx, jsMsg);
const N = args.docs;

const docSeal = () => {
  for (let i = 0; i < N; i++) {
    check(m._coffre_document_seal(key, idP, id.length, 1n, 1, msgP, MSG, slot, slot2), 'document_seal');
    m._coffre_buffer_free(u32(slot), u32(slot2));
  }
};
const docOpen = () => {
  for (let i = 0; i < N; i++) {
    check(m._coffre_document_open(key, idP, id.length, 1n, 1, sealedP, envLen, slot, slot2), 'document_open');
    m._coffre_buffer_free(u32(slot), u32(slot2));
  }
};
const jsSeal = () => {
  for (let i = 0; i < N; i++) pkg.sealDocument(jsKey, ctx, jsMsg);
};
const jsOpen = () => {
  for (let i = 0; i < N; i++) pkg.openDocument(jsKey, ctx, jsSealed);
};
// Raw: nonce || ct || tag in one heap buffer.
const rawMsgSeal = () => {
  for (let i = 0; i < N; i++) {
    globalThis.crypto.getRandomValues(m.HEAPU8.subarray(boxP, boxP + 24));
    m._crypto_aead_xchacha20poly1305_ietf_encrypt_detached(boxP + 24, boxP + 24 + MSG, 0, msgP, BigInt(MSG), adP, 32n,
      0, boxP, rawKeyP);
  }
};
const rawMsgSealCtr = () => {
  for (let i = 0; i < N; i++) {
    new DataView(m.HEAPU8.buffer).setUint32(boxP, i, true);
    m._crypto_aead_xchacha20poly1305_ietf_encrypt_detached(boxP + 24, boxP + 24 + MSG, 0, msgP, BigInt(MSG), adP, 32n,
      0, boxP, rawKeyP);
  }
};
const rawMsgOpen = () => {
  for (let i = 0; i < N; i++) {
    if (m._crypto_aead_xchacha20poly1305_ietf_decrypt_detached(outP, 0, boxP + 24, BigInt(MSG), boxP + 24 + MSG, adP,
      32n, boxP, rawKeyP) !== 0) {
      throw new Error('raw message open failed');
    }
  }
};
const D = { seal: [], open: [], js_seal: [], js_open: [], raw_seal: [], raw_seal_ctr: [], raw_open: [] };
const DR = { seal: [], seal_ctr: [], open: [], js_seal: [], js_open: [] };
for (let r = -args.warmup; r < args.runs; r++) {
  const order = [
    ['seal', docSeal], ['js_seal', jsSeal], ['open', docOpen], ['js_open', jsOpen],
    ...(hasRaw ? [['raw_seal', rawMsgSeal], ['raw_seal_ctr', rawMsgSealCtr], ['raw_open', rawMsgOpen]] : []),
  ];
  if (r % 2) order.reverse();
  for (const [k, f] of order) D[k].push(seconds(f));
  if (r < 0) {
    for (const k of Object.keys(D)) D[k].length = 0;
    continue;
  }
  const last = (k) => D[k][D[k].length - 1];
  if (hasRaw) {
    DR.seal.push(last('raw_seal') / last('seal'));
    DR.seal_ctr.push(last('raw_seal_ctr') / last('seal'));
    DR.open.push(last('raw_open') / last('open'));
  }
  DR.js_seal.push(last('seal') / last('js_seal'));
  DR.js_open.push(last('open') / last('js_open'));
}

// --------------------------------------------------------------------------------------------------------------
const mb = size / 1e6;
const mbps = (k) => mb / median(S[k]);
const perS = (k) => N / median(D[k]);
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const pad = (s, n) => String(s).padStart(n);
const line = (what, a, b, q, note = '') => console.log(`  ${what.padEnd(36)} ${pad(a, 10)} ${pad(b, 10)} ${pad(q, 8)}${note}`);
const target = (q) => (Number.isFinite(q) ? (q >= 0.9 ? '  (target >= 0.9x: met)' : '  (target >= 0.9x: MISSED)') : '');
const raw = {
  enc: hasRaw ? mbps('raw_enc') : NaN, dec: hasRaw ? mbps('raw_dec') : NaN,
  seal: hasRaw ? perS('raw_seal') : NaN, seal_ctr: hasRaw ? perS('raw_seal_ctr') : NaN,
  open: hasRaw ? perS('raw_open') : NaN,
};
const q = {
  enc: hasRaw ? median(R.enc) : NaN, dec: hasRaw ? median(R.dec) : NaN,
  seal: hasRaw ? median(DR.seal) : NaN, seal_ctr: hasRaw ? median(DR.seal_ctr) : NaN,
  open: hasRaw ? median(DR.open) : NaN,
};
console.log('\nwasm file envelope (MB/s of plaintext, medians)');
line('', 'envelope', 'raw', 'ratio');
line('encrypt (C ABI)', f0(mbps('env_enc')), f0(raw.enc), `${f3(q.enc)}x`, target(q.enc));
line('decrypt (C ABI)', f0(mbps('env_dec')), f0(raw.dec), `${f3(q.dec)}x`, target(q.dec));
line('encrypt, JS API vs C ABI', f0(mbps('js_enc')), f0(mbps('env_enc')), `${f3(median(R.js_enc))}x`);
line('decrypt, JS API vs C ABI', f0(mbps('js_dec')), f0(mbps('env_dec')), `${f3(median(R.js_dec))}x`);
console.log(`wasm 100-byte documents (messages/s, medians of ${args.runs} x ${N})`);
line('seal (C ABI) vs raw, random nonce', f0(perS('seal')), f0(raw.seal), `${f3(q.seal)}x`);
line('seal (C ABI) vs raw, counter nonce', f0(perS('seal')), f0(raw.seal_ctr), `${f3(q.seal_ctr)}x`);
line('open (C ABI) vs raw', f0(perS('open')), f0(raw.open), `${f3(q.open)}x`);
line('seal, JS API vs C ABI', f0(perS('js_seal')), f0(perS('seal')), `${f3(median(DR.js_seal))}x`);
line('open, JS API vs C ABI', f0(perS('js_open')), f0(perS('open')), `${f3(median(DR.js_open))}x`);
if (!hasRaw) {
  console.log('  (no raw peer: the module does not export _crypto_aead_xchacha20poly1305_ietf_encrypt_detached and\n' +
    '   _crypto_aead_xchacha20poly1305_ietf_decrypt_detached: build it with -DCOFFRE_WASM_EXTRA_EXPORTS)');
}
const num = (x, d) => (Number.isFinite(x) ? Number(x.toFixed(d)) : null);
console.log(JSON.stringify({
  bench: 'coffre_wasm', node: process.version, size_mib: args.sizeMib, runs: args.runs, warmup: args.warmup, raw: hasRaw,
  enc_mbps: num(mbps('env_enc'), 1), raw_enc_mbps: num(raw.enc, 1), enc_ratio: num(q.enc, 4),
  dec_mbps: num(mbps('env_dec'), 1), raw_dec_mbps: num(raw.dec, 1), dec_ratio: num(q.dec, 4),
  js_enc_mbps: num(mbps('js_enc'), 1), js_dec_mbps: num(mbps('js_dec'), 1),
  js_enc_vs_abi: num(median(R.js_enc), 4), js_dec_vs_abi: num(median(R.js_dec), 4),
  doc_n: N, doc_seal_per_s: num(perS('seal'), 0), raw_seal_per_s: num(raw.seal, 0),
  raw_seal_ctr_per_s: num(raw.seal_ctr, 0), doc_seal_ratio: num(q.seal, 4), doc_seal_ratio_ctr: num(q.seal_ctr, 4),
  doc_open_per_s: num(perS('open'), 0), raw_open_per_s: num(raw.open, 0), doc_open_ratio: num(q.open, 4),
  js_seal_per_s: num(perS('js_seal'), 0), js_open_per_s: num(perS('js_open'), 0),
  js_seal_vs_abi: num(median(DR.js_seal), 4), js_open_vs_abi: num(median(DR.js_open), 4),
}));
jsKey.dispose();
m._coffre_key_free(key);
sharingBench();

// --------------------------------------------------------------------------------------------------------------
// Sharing: one content key wrapped to many recipients, and one wrap opened (section 16), through the JS API.

function sharingBench() {
  const n = args.recipients;
  const userId = (i) => {
    const u = new Uint8Array(16);
    new DataView(u.buffer).setUint32(12, i);
    u[0] = 0x5e;
    return u;
  };
  const owner = { userId: userId(0), secrets: pkg.generateAccountSecrets() };
  // n recipients, each with its own account and directory record, trusted on first use by the owner.
  const trust = pkg.TrustStore.create();
  const members = [];
  const accounts = [];
  const t0 = performance.now();
  for (let i = 1; i <= n; i++) {
    const me = { userId: userId(i), secrets: pkg.generateAccountSecrets() };
    const record = pkg.DirectoryRecord.make(me, { created: 1800000000 });
    trust.observe(record);
    record.dispose();
    members.push(me.userId);
    accounts.push(me);
  }
  const contacts = members.map((u) => trust.checkSharable(u));
  console.log(`\nwasm sharing: ${n} recipients set up in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  const doc = { documentId: userId(0xd0c), purpose: 'document' };
  const access = pkg.AccessList.make(owner, doc, 1, 1, members);
  const key = pkg.ContentKey.generate();
  // The reader: the last recipient, who trusts the owner.
  const reader = accounts[n - 1];
  const readerTrust = pkg.TrustStore.create();
  const ownerRecord = pkg.DirectoryRecord.make(owner, { created: 1800000000 });
  readerTrust.observe(ownerRecord);
  const ownerContact = readerTrust.checkSharable(owner.userId);
  const listBytes = access.bytes;

  const T = { wrap: [], wrapCpu: [], open: [], openCpu: [], read: [] };
  let wraps;
  for (let r = -1; r < args.sharingRuns; r++) {  // round -1: warm-up, discarded
    let t = performance.now();
    const cpu0 = process.cpuUsage();
    wraps = pkg.wrapContentKeyToMany(owner, contacts, access, key);
    const wrapMs = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    const wrapCpuMs = (cpu.user + cpu.system) / 1e3;
    if (wraps.length !== n) throw new Error('wrong number of wraps');
    const wrap = wraps[n - 1];
    const reps = 50;
    t = performance.now();
    const cpu1 = process.cpuUsage();
    for (let i = 0; i < reps; i++) pkg.openContentWrap(wrap, reader, access, ownerContact).key.dispose();
    const openMs = (performance.now() - t) / reps;
    const openCpu = process.cpuUsage(cpu1);
    const openCpuUs = (openCpu.user + openCpu.system) / reps;
    t = performance.now();
    for (let i = 0; i < reps; i++) {
      const list = pkg.AccessList.open(listBytes, ownerContact, doc, { revision: 1n, keyVersion: 1 });
      const sender = readerTrust.checkSharable(pkg.wrapSender(wrap));
      pkg.openContentWrap(wrap, reader, list, sender).key.dispose();
      sender.dispose();
      list.dispose();
    }
    const readMs = (performance.now() - t) / reps;
    if (r < 0) continue;
    T.wrap.push(wrapMs);
    T.wrapCpu.push(wrapCpuMs);
    T.open.push(openMs);
    T.openCpu.push(openCpuUs);
    T.read.push(readMs);
    console.log(`  round ${r + 1}: wrap to ${n} ${wrapMs.toFixed(0)} ms, open one ${openMs.toFixed(2)} ms, ` +
      `access list + open ${readMs.toFixed(2)} ms`);
  }
  const wrapMs = median(T.wrap);
  const wrapCpuMs = median(T.wrapCpu);
  const native = nativeSharing(n);
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
  const row = (what, w, nat, q) => console.log(`  ${what.padEnd(44)} ${String(w).padStart(16)} ${String(nat).padStart(16)} ` +
    `${String(q).padStart(8)}`);
  console.log(`wasm sharing (medians of ${args.sharingRuns} rounds; wasm: one thread)`);
  row('', 'wasm', 'native', 'wasm/nat');
  row(`wrap to ${n}, wall (native: 1 thread)`, `${wrapMs.toFixed(0)} ms`,
    native ? `${(native.wrap_1t_s * 1e3).toFixed(0)} ms` : 'n/a', ratio(wrapMs, native?.wrap_1t_s * 1e3));
  row(`wrap to ${n}, CPU time`, `${wrapCpuMs.toFixed(0)} ms`,
    native ? `${(native.wrap_1t_cpu_s * 1e3).toFixed(0)} ms` : 'n/a', ratio(wrapCpuMs, native?.wrap_1t_cpu_s * 1e3));
  row('open one wrap, wall', `${(median(T.open) * 1e3).toFixed(0)} us`,
    native ? `${native.unwrap_us.toFixed(0)} us` : 'n/a', ratio(median(T.open) * 1e3, native?.unwrap_us));
  row('open one wrap, CPU time', `${median(T.openCpu).toFixed(0)} us`,
    native ? `${native.unwrap_cpu_us.toFixed(0)} us` : 'n/a', ratio(median(T.openCpu), native?.unwrap_cpu_us));
  row('open the access list, then the wrap, wall', `${(median(T.read) * 1e3).toFixed(0)} us`, '', '');
  if (!native) console.log(`  (no native peer: build coffre_bench_sharing into ${args.nativeDir}, or pass --native-dir)`);
  console.log(JSON.stringify({
    bench: 'coffre_wasm_sharing', node: process.version, recipients: n, runs: args.sharingRuns,
    wrap_many_ms: Number(wrapMs.toFixed(1)), wrap_many_cpu_ms: Number(wrapCpuMs.toFixed(1)),
    open_wrap_ms: Number(median(T.open).toFixed(3)), open_wrap_cpu_us: Number(median(T.openCpu).toFixed(1)),
    open_list_and_wrap_ms: Number(median(T.read).toFixed(3)),
    native: native ?? null,
  }));
  for (const h of [...contacts, access, key, trust, readerTrust, ownerRecord, ownerContact, owner.secrets,
    ...accounts.map((a) => a.secrets)]) {
    h.dispose();
  }
}

// The native benchmark's JSON line (bench/sharing_bench.cpp), run now with the same recipient count; undefined if it
// is not built or fails.
function nativeSharing(n) {
  const bin = path.join(args.nativeDir, 'coffre_bench_sharing');
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--recipients', String(n), '--runs', String(args.sharingRuns), '--unwraps', '50'],
    { encoding: 'utf8' });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('{"bench":"coffre_sharing"'));
  if (r.status !== 0 || line === undefined) {
    console.log(`  native benchmark failed: ${r.stderr || r.status}`);
    return undefined;
  }
  return JSON.parse(line);
}

accountsBench();

// --------------------------------------------------------------------------------------------------------------
// Accounts: enrollment (both sides) and device-list verification, wasm next to native.

function accountsBench() {
  const T = 1800000000;
  const ms = (f) => {
    const t0 = performance.now();
    const r = f();
    return [performance.now() - t0, r];
  };
  const phrase = pkg.RecoveryPhrase.generate();
  const first = pkg.DeviceKeys.generate();
  const created = pkg.createAccount(first, 'first', phrase);
  const entries = [created.genesis];
  let log = pkg.VerifiedLog.verify(entries);
  const used = new pkg.UsedEnrollmentRequests();

  // One enrollment of a fresh device into `log`, timed per side; returns the add-device entry.
  const enrollOnce = (timings) => {
    const n = pkg.DeviceKeys.generate();
    const [tStart, req] = ms(() => pkg.EnrollmentRequester.start(n, 'device', { now: T }));
    const [tRequest, app] = ms(() => pkg.EnrollmentApprover.onRequest(req.request, first, log, used, T));
    const response = app.response;
    const [tResponse, { reveal }] = ms(() => req.onResponse(response, log, T));
    const [tReveal] = ms(() => app.onReveal(reveal, T));
    const [tApprove, { entry, wrap }] = ms(() => app.approve(log, created.secrets, created.root, first));
    const [tFinish, next] = ms(() => {
      const after = log.verifyAppended([entry]);
      req.checkEnrolled(after);
      const root = pkg.RootKey.unwrap(n, after, wrap);
      pkg.AccountSecrets.open(root, after, created.sealedState).dispose();
      root.dispose();
      return after;
    });
    if (timings) {
      timings.n.push(tStart + tResponse + tFinish);
      timings.e.push(tRequest + tReveal + tApprove);
    }
    for (const h of [n, req, app, log]) h.dispose();
    log = next;
    used.prune(T + 601);
    return entry;
  };

  const timings = { n: [], e: [] };
  for (let i = 0; i < 3; i++) entries.push(enrollOnce());  // warm-up
  for (let i = 0; i < args.enrollRuns; i++) entries.push(enrollOnce(timings));
  while (entries.length < args.logEntries) entries.push(enrollOnce());
  const logTimes = [];
  for (let r = -1; r < args.logRuns; r++) {
    const [t, v] = ms(() => pkg.VerifiedLog.verify(entries.slice(0, args.logEntries)));
    v.dispose();
    if (r >= 0) logTimes.push(t);
  }
  const mid = (v) => [...v].sort((a, b) => a - b)[(v.length - 1) >> 1];  // the lower median: defined before load
  const wasm = { n: mid(timings.n), e: mid(timings.e), log: mid(logTimes) };
  const native = nativeAccounts();

  const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const pad = (s, n) => String(s).padStart(n);
  const row = (what, w, nat, target) => console.log(`  ${what.padEnd(44)} ${pad(f2(w), 9)} ${pad(f2(nat), 9)} ` +
    `${pad(Number.isFinite(nat) ? `${(w / nat).toFixed(1)}x` : 'n/a', 7)}   ${target}`);
  console.log(`\nwasm accounts (ms, medians; enrollment: ${args.enrollRuns} runs, log: ${args.logRuns} runs)`);
  console.log(`  ${''.padEnd(44)} ${pad('wasm', 9)} ${pad('native', 9)} ${pad('ratio', 7)}   native target`);
  row('enrollment, new device N', wasm.n, native.n, '< 20 ms');
  row('enrollment, enrolled device E', wasm.e, native.e, '< 20 ms');
  row(`verify ${args.logEntries} add-device entries (1 thread)`, wasm.log, native.log, '< 100 ms');
  if (!native.found) console.log(`  (no native peer in ${args.nativeDir}: build coffre_bench_enrollment and coffre_bench_device_log)`);
  const num = (x) => (Number.isFinite(x) ? Number(x.toFixed(3)) : null);
  console.log(JSON.stringify({
    bench: 'coffre_wasm_accounts', node: process.version, enroll_runs: args.enrollRuns, log_entries: args.logEntries,
    log_runs: args.logRuns, wasm_enroll_n_ms: num(wasm.n), wasm_enroll_e_ms: num(wasm.e), wasm_log_verify_ms: num(wasm.log),
    native_enroll_n_ms: num(native.n), native_enroll_e_ms: num(native.e), native_log_verify_1t_ms: num(native.log),
  }));
  for (const h of [phrase, first, created.secrets, created.root, log, used]) h.dispose();
}

// The native benchmarks of the same operations, if built: medians in ms (NaN when absent).
function nativeAccounts() {
  const out = { n: NaN, e: NaN, log: NaN, found: false };
  const run = (name, argv) => {
    const exe = path.join(args.nativeDir, name);
    if (!existsSync(exe)) return undefined;
    const r = spawnSync(exe, argv, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${exe}: ${r.stderr}`);
    out.found = true;
    return r.stdout;
  };
  const enroll = run('coffre_bench_enrollment', ['--runs', String(args.enrollRuns)]);
  if (enroll !== undefined) {
    const j = JSON.parse(enroll.slice(enroll.indexOf('{"bench":"coffre_enrollment"')).split('\n')[0]);
    out.n = j.n_total_ms;
    out.e = j.e_total_ms;
  }
  const logOut = run('coffre_bench_device_log', ['--entries', String(args.logEntries), '--runs', String(args.logRuns)]);
  if (logOut !== undefined) {
    // The "adds" row: log bytes sigs+keys floor 1-thread all-cores ...
    const adds = logOut.split('\n').find((l) => l.startsWith('adds'));
    if (adds !== undefined) out.log = Number(adds.trim().split(/\s+/)[4]);
  }
  return out;
}
