// Cross-checks coffre's X-Wing (through coffre_xwing_tool) against libsodium 1.0.22's crypto_kem_xwing_* (npm
// libsodium-wrappers-sumo 0.8.4, an independent implementation), both ways, byte for byte:
//   - the same public key from the same seed;
//   - the same ciphertext and shared secret from enc_deterministic with the same randomness;
//   - each side decapsulates the other's ciphertexts (deterministic and randomized) to the other's secret;
//   - the same rejections (small-order X25519 parts, ML-KEM keys not reduced mod q, small-order ciphertexts) and the
//     same implicit-rejection secrets for modified or random ciphertexts;
//   - libsodium reproduces the draft's vectors of vectors/xwing.json (which coffre_tests checks for coffre).
// Usage: node crosscheck.mjs TOOL [COUNT=200]   (scripts/test-xwing-crosscheck.sh builds the tool and runs this)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sodiumModule = require('libsodium-wrappers-sumo'); // CommonJS entry: its ES module entry does not load in node
const sodium = sodiumModule.default ?? sodiumModule;
await sodium.ready;

const [tool, countArg] = process.argv.slice(2);
if (!tool) {
  console.error('usage: node crosscheck.mjs TOOL [COUNT]');
  process.exit(2);
}
const count = Number(countArg ?? 200);
if (sodium.sodium_version_string() !== '1.0.22') throw new Error(`libsodium ${sodium.sodium_version_string()}`);

const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const PK_M = 1184;
const CT_M = 1088;

// libsodium side; a failure (return -1) throws in the wrapper: reported as 'error'.
const lib = {
  keypair: (seed) => hex(sodium.crypto_kem_xwing_seed_keypair(seed).publicKey),
  enc(pk, eseed) {
    try {
      const r = sodium.crypto_kem_xwing_enc_deterministic(pk, eseed);
      return { ct: hex(r.ciphertext), ss: hex(r.sharedSecret) };
    } catch {
      return 'error';
    }
  },
  encrandom(pk) {
    const r = sodium.crypto_kem_xwing_enc(pk);
    return { ct: hex(r.ciphertext), ss: hex(r.sharedSecret) };
  },
  dec(seed, ct) {
    try {
      return hex(sodium.crypto_kem_xwing_dec(ct, seed));
    } catch {
      return 'error';
    }
  },
};

// coffre side: every request in one run of the tool.
function runTool(requests) {
  const r = spawnSync(tool, [], { input: requests.join('\n') + '\n', maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${tool} exited with ${r.status}: ${r.stderr}`);
  const lines = r.stdout.trimEnd().split('\n');
  if (lines.length !== requests.length) throw new Error(`${requests.length} requests, ${lines.length} answers`);
  return lines.map((l) => l.split(' '));
}

const tally = new Map();
let failures = 0;
function check(group, ok, detail) {
  const t = tally.get(group) ?? { pass: 0, total: 0 };
  t.total++;
  if (ok) t.pass++;
  else if (failures++ < 10) console.error(`MISMATCH ${group}: ${detail}`);
  tally.set(group, t);
}

// Small-order X25519 u-coordinates (and encodings reducing to them), as in tests/xwing_test.cpp.
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000080',
].map(unhex);

// Pass 1: libsodium computes; the tool answers the same questions and decapsulates libsodium's ciphertexts.
const cases = [];
const requests = [];
const ask = (req) => requests.push(req) - 1;
for (let i = 0; i < count; i++) {
  const seed = randomBytes(32);
  const eseed = randomBytes(64);
  const pk = unhex(lib.keypair(seed));
  const det = lib.enc(pk, eseed);
  const rnd = lib.encrandom(pk);
  cases.push({
    seed, eseed, pk, det, rnd,
    qKeypair: ask(`keypair ${hex(seed)}`),
    qEnc: ask(`enc ${hex(pk)} ${hex(eseed)}`),
    qDecDet: ask(`dec ${hex(seed)} ${det.ct}`),
    qDecRnd: ask(`dec ${hex(seed)} ${rnd.ct}`),
    qEncRandom: ask(`encrandom ${hex(pk)}`),
  });
}

// Rejections and implicit rejection, on the first keys.
const negatives = [];
const base = cases.slice(0, Math.max(1, Math.min(count, 25)));
for (const [n, c] of base.entries()) {
  // Public key with a small-order X25519 part: libsodium's encapsulation fails, coffre says public_key_invalid.
  const x = SMALL_ORDER[n % SMALL_ORDER.length];
  const badX = Uint8Array.from(c.pk);
  badX.set(x, PK_M);
  negatives.push({ kind: 'small-order public key', q: ask(`enc ${hex(badX)} ${hex(c.eseed)}`), lib: lib.enc(badX, c.eseed), code: 'public_key_invalid' });

  // ML-KEM part with a coefficient >= q at a random position.
  const badM = Uint8Array.from(c.pk);
  const t = 3 * (randomBytes(2).readUInt16LE() % 384);
  const v = 3329 + (randomBytes(2).readUInt16LE() % (4096 - 3329));
  if (n % 2) {
    badM[t] = v & 0xff;
    badM[t + 1] = (badM[t + 1] & 0xf0) | (v >> 8);
  } else {
    badM[t + 1] = (badM[t + 1] & 0x0f) | ((v & 0x0f) << 4);
    badM[t + 2] = v >> 4;
  }
  negatives.push({ kind: 'ML-KEM key not reduced mod q', q: ask(`enc ${hex(badM)} ${hex(c.eseed)}`), lib: lib.enc(badM, c.eseed), code: 'public_key_invalid' });

  // Ciphertext with a small-order X25519 part: libsodium's decapsulation fails, coffre says kem_ciphertext_invalid.
  const badCt = unhex(c.det.ct);
  badCt.set(x, CT_M);
  negatives.push({ kind: 'small-order ciphertext', q: ask(`dec ${hex(c.seed)} ${hex(badCt)}`), lib: lib.dec(c.seed, badCt), code: 'kem_ciphertext_invalid' });

  // Modified ML-KEM ciphertext (implicit rejection), modified X25519 part, and a random ciphertext: same secrets.
  const flipM = unhex(c.det.ct);
  flipM[randomBytes(2).readUInt16LE() % CT_M] ^= 1 << (n % 8);
  const flipX = unhex(c.det.ct);
  flipX[CT_M + (n % 31)] ^= 1 << (n % 8);
  const random = randomBytes(1120);
  for (const [kind, ct] of [['modified ML-KEM ciphertext', flipM], ['modified X25519 ciphertext', flipX], ['random ciphertext', random]]) {
    const l = lib.dec(c.seed, ct);
    negatives.push({ kind, q: ask(`dec ${hex(c.seed)} ${hex(ct)}`), lib: l, same: true, differs: c.det.ss });
  }
}

const answers = runTool(requests);

// Pass 2: compare, and libsodium decapsulates coffre's randomized ciphertexts.
for (const c of cases) {
  const [s1, pkC] = answers[c.qKeypair];
  check('same public key from the same seed', s1 === 'ok' && pkC === hex(c.pk), `seed ${hex(c.seed)}`);
  const [s2, ctC, ssC] = answers[c.qEnc];
  check('same ciphertext and secret from enc_deterministic', s2 === 'ok' && ctC === c.det.ct && ssC === c.det.ss, `seed ${hex(c.seed)} eseed ${hex(c.eseed)}`);
  const [s3, ss3] = answers[c.qDecDet];
  const [s4, ss4] = answers[c.qDecRnd];
  check('coffre decapsulates libsodium ciphertexts', s3 === 'ok' && ss3 === c.det.ss && s4 === 'ok' && ss4 === c.rnd.ss, `seed ${hex(c.seed)}`);
  const [s5, ct5, ss5] = answers[c.qEncRandom];
  check('libsodium decapsulates coffre ciphertexts', s5 === 'ok' && lib.dec(c.seed, unhex(ct5)) === ss5, `seed ${hex(c.seed)}`);
}
for (const n of negatives) {
  const [status, value] = answers[n.q];
  if (n.code) {
    check(`both reject: ${n.kind}`, n.lib === 'error' && status === 'error' && value === n.code, `libsodium ${n.lib}, coffre ${status} ${value}`);
  } else {
    check(`same implicit-rejection secret: ${n.kind}`, n.lib !== 'error' && status === 'ok' && value === n.lib && value !== n.differs, `libsodium ${n.lib}, coffre ${status} ${value}`);
  }
}

// The draft's vectors, through libsodium.
const doc = JSON.parse(readFileSync(new URL('../../vectors/xwing.json', import.meta.url), 'utf8'));
for (const v of doc.vectors) {
  const pk = lib.keypair(unhex(v.seed));
  const enc = lib.enc(unhex(v.public_key), unhex(v.eseed));
  const ss = lib.dec(unhex(v.seed), unhex(v.ciphertext));
  check('libsodium reproduces vectors/xwing.json', pk === v.public_key && enc.ct === v.ciphertext && enc.ss === v.shared_secret && ss === v.shared_secret, v.name);
}

for (const [group, t] of tally) console.log(`${t.pass === t.total ? 'ok  ' : 'FAIL'} ${group}: ${t.pass}/${t.total}`);
console.log(failures ? `xwing crosscheck: ${failures} mismatches` : `xwing crosscheck: coffre = libsodium ${sodium.sodium_version_string()} on ${count} random seeds, all checks passed`);
process.exit(failures ? 1 : 0);
