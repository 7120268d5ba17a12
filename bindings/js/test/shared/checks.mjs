// The JS package's checks, shared by node (test/node) and Chromium (test/browser: a page and a Web Worker).
// Plain ES module, no node or DOM APIs beyond what both have. `lib` is the @coffre/core module namespace,
// `internals` its dist/wasm.js (for the heap-wipe checks), `seed` makes the random choices reproducible.

import { isSharingVector, replaySharingVector } from './sharing_checks.mjs';

export class CheckFailure extends Error {}

export function assert(cond, message) {
  if (!cond) throw new CheckFailure(message);
}

function equalBytes(a, b) {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function assertBytes(actual, expected, message) {
  assert(equalBytes(actual, expected),
    `${message}: got ${actual?.length} bytes, expected ${expected.length} bytes (or contents differ)`);
}

// Runs fn (synchronous), which must throw a CoffreError with `code`; returns the error.
export function throwsCodeSync(lib, fn, code, message) {
  try {
    fn();
  } catch (e) {
    assert(e instanceof lib.CoffreError, `${message}: expected CoffreError ${code}, got ${e}`);
    assert(e.code === code, `${message}: expected ${code}, got ${e.code} (${e.message})`);
    return e;
  }
  throw new CheckFailure(`${message}: expected ${code}, nothing thrown`);
}

// Runs fn, which must throw a CoffreError with `code`; returns the error.
async function throwsCode(lib, fn, code, message) {
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  assert(error !== undefined, `${message}: expected ${code}, nothing thrown`);
  assert(error instanceof lib.CoffreError, `${message}: expected CoffreError ${code}, got ${error}`);
  assert(error.code === code, `${message}: expected ${code}, got ${error.code} (${error.message})`);
  return error;
}

export function hex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * A 64-bit value of a vector file (revision, size, seq, time): a decimal string (vectors/README.md), so that
 * JSON.parse keeps it exact. Anything else (a JSON number, a leading zero, 2^64 or more) is a malformed vector file.
 */
export function u64(text) {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]*)$/.test(text) || BigInt(text) >= 1n << 64n) {
    throw new CheckFailure(`not a decimal u64 string: ${JSON.stringify(text)}`);
  }
  return BigInt(text);
}

export function toHex(b) {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// mulberry32: a small seeded PRNG for test inputs and chunking (not for keys: those come from the library).
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    bytes: (n) => {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
  };
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

// Splits `data` into random pieces (some empty), at most `max` bytes each.
function randomPieces(rng, data, max) {
  const pieces = [];
  for (let off = 0; off < data.length;) {
    const n = rng.next() < 0.1 ? 0 : rng.int(1, max);
    pieces.push(data.subarray(off, off + n));
    off += n;
  }
  return pieces;
}

function encryptFile(lib, secret, context, plaintext, options, rng, maxPiece) {
  const enc = new lib.FileEncryptor(secret, context, options);
  const parts = rng ? randomPieces(rng, plaintext, maxPiece).map((p) => enc.update(p)) : [enc.update(plaintext)];
  parts.push(enc.finish());
  return concat(parts);
}

function decryptFile(lib, secret, context, ciphertext, rng, maxPiece) {
  const dec = new lib.FileDecryptor(secret, context);
  const parts = rng ? randomPieces(rng, ciphertext, maxPiece).map((p) => dec.update(p)) : [dec.update(ciphertext)];
  parts.push(dec.finish());
  assert(dec.endedProperly, 'decryptor did not end properly after finish()');
  return concat(parts);
}

/** Opens a range reader as a client does: the final chunk first, where the claimed `size` puts it. */
function openRange(lib, ct, size, secret, context, limits) {
  const last = lib.FileRangeReader.finalChunkRange(ct, size);
  return new lib.FileRangeReader(ct, size, ct.subarray(last.begin, last.end), secret, context, limits);
}

function streamOf(pieces) {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++]);
      else controller.close();
    },
  });
}

// Reads a stream to the end; returns { bytes, error }.
async function drain(readable) {
  const parts = [];
  const reader = readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    return { bytes: concat(parts), error: undefined };
  } catch (e) {
    return { bytes: concat(parts), error: e };
  }
}

// Reads a byte stream with a BYOB reader, into views of odd sizes (1, 7, 1000, 65537 bytes or random), each in a
// fresh buffer at an offset; returns what was read and the error that ended it (if any).
async function drainByob(readable, rng) {
  const parts = [];
  const reader = readable.getReader({ mode: 'byob' });
  try {
    for (;;) {
      const size = [1, 7, 1000, 65537][rng.int(0, 4)] ?? rng.int(1, 20000);
      const { done, value } = await reader.read(new Uint8Array(new ArrayBuffer(size + 5), 3, size));
      if (done) break;
      assert(value.byteOffset === 3 && value.length <= size, 'a BYOB read fills the view it was given');
      parts.push(value);
    }
    return { bytes: concat(parts), error: undefined };
  } catch (e) {
    return { bytes: concat(parts), error: e };
  }
}

// Where the module's heap holds `needle`, at or after `from` (-1: nowhere).
function heapIndexOf(internals, needle, from = 0) {
  const heap = internals.wasm().HEAPU8;
  const first = needle[0];
  for (let i = heap.indexOf(first, from); i !== -1 && i <= heap.length - needle.length; i = heap.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && heap[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

// Does the module's heap contain `needle`? (The heap-wipe checks: nothing secret may stay behind in freed memory.)
export function heapContains(internals, needle) {
  return heapIndexOf(internals, needle) !== -1;
}

const CODES = ['ok', 'invalid_argument', 'bad_magic', 'wrong_envelope_type', 'unsupported_version',
  'unsupported_suite', 'malformed_header', 'wrong_key', 'wrong_context', 'header_tampered', 'payload_invalid',
  'chunk_invalid', 'chunk_out_of_order', 'chunk_duplicated', 'truncated', 'trailing_data', 'empty_chunk',
  'range_out_of_bounds', 'bad_state', 'io_error', 'out_of_memory', 'public_key_invalid',
  'kem_ciphertext_invalid', 'signature_invalid', 'log_rollback', 'log_fork', 'log_broken_chain', 'log_invalid',
  'device_not_enrolled', 'enrollment_expired', 'enrollment_replayed', 'enrollment_invalid', 'recovery_phrase_invalid',
  'not_found', 'already_exists', 'wrap_invalid', 'trust_mismatch', 'user_refused', 'not_a_member',
  'key_version_rollback', 'node_binding_invalid', 'record_invalid', 'device_revoked', 'identity_superseded',
  'device_unexpected', 'operation_incomplete', 'kdf_cost_exceeded', 'armor_invalid'];

/** The checks: [{ name, run }], each `run` async and throwing on failure. */
export function checks(lib, { internals, seed = 1 } = {}) {
  const ctx = { objectId: 'drive:file/4f1c2a', revision: 7n, keyVersion: 2 };
  const list = [];
  // Each check its own random choices: the index is taken when the check is listed (read when it ran, it was the
  // list's final length for all, so every check drew the same bytes, and a heap check's marker could be bytes an
  // earlier check had left in the heap on purpose).
  const check = (name, run) => {
    const index = list.length;
    list.push({ name, run: () => run(prng(seed ^ index * 0x9e3779b9)) });
  };

  check('constants come from the library', () => {
    assert(lib.Coffre.loaded, 'Coffre.loaded');
    assert(lib.Coffre.documentOverhead === 102, 'documentOverhead');
    assert(lib.Coffre.chunkOverhead === 16, 'chunkOverhead');
    assert(lib.Coffre.defaultChunkSize === 65536, 'defaultChunkSize');
    assert(lib.Coffre.minChunkSize === 64 && lib.Coffre.maxChunkSize === 1048576, 'chunk size bounds');
    assert(lib.Coffre.fileHeaderPrefixBytes === 10 && lib.Coffre.fileHeaderMaxBytes === 154, 'header sizes');
    assert(lib.ContentKey.size === 32, 'ContentKey.size');
  });

  check('document: round trips (sizes 0 .. 1 MiB, number and bigint revisions, non-ASCII ids)', (rng) => {
    const key = lib.ContentKey.generate();
    try {
      for (const n of [0, 1, 15, 16, 17, 100, 4096, 65537, 1 << 20]) {
        const pt = rng.bytes(n);
        for (const c of [ctx, { objectId: '', revision: 0, keyVersion: 0 },
          { objectId: 'docs:é/中文/🙂', revision: (1n << 64n) - 1n, keyVersion: 0xffffffff }]) {
          const env = lib.sealDocument(key, c, pt);
          assert(env.length === n + 102, `envelope size for ${n} bytes`);
          assertBytes(lib.openDocument(key, c, env), pt, `round trip of ${n} bytes`);
        }
      }
      // Two seals of the same plaintext differ (random nonce).
      const a = lib.sealDocument(key, ctx, new Uint8Array(8));
      const b = lib.sealDocument(key, ctx, new Uint8Array(8));
      assert(!equalBytes(a, b), 'two seals are identical: no randomness?');
    } finally {
      key.dispose();
    }
  });

  check('document: wrong key, wrong context (id, revision, key version) are typed errors', async () => {
    const key = lib.ContentKey.generate();
    const other = lib.ContentKey.generate();
    try {
      const env = lib.sealDocument(key, ctx, new TextEncoder().encode('secret snapshot'));
      const e = await throwsCode(lib, () => lib.openDocument(other, ctx, env), 'wrong_key', 'wrong key');
      assert(e instanceof Error && e.name === 'CoffreError' && e.status === 7, 'CoffreError shape (name, status)');
      assert(typeof e.message === 'string' && e.message.length > 0, 'CoffreError message');
      assert(e.released.length === 0, 'a document error releases nothing');
      await throwsCode(lib, () => lib.openDocument(key, { ...ctx, objectId: 'drive:file/4f1c2b' }, env),
        'wrong_context', 'other object id');
      await throwsCode(lib, () => lib.openDocument(key, { ...ctx, revision: 8 }, env), 'wrong_context',
        'other revision');
      await throwsCode(lib, () => lib.openDocument(key, { ...ctx, keyVersion: 3 }, env), 'wrong_context',
        'other key version');
      await throwsCode(lib, () => lib.openDocument(key, ctx, lib.sealDocument(key, ctx, new Uint8Array(0))
        .subarray(0, 101)), 'truncated', 'truncated');
      await throwsCode(lib, () => lib.openDocument(key, ctx, new Uint8Array(200)), 'bad_magic', 'zeros');
    } finally {
      key.dispose();
      other.dispose();
    }
  });

  check('document: flipping any byte of an envelope gives the spec\'s error for that field', async (rng) => {
    const key = lib.ContentKey.generate();
    try {
      const env = lib.sealDocument(key, ctx, rng.bytes(20));
      const expected = (i) => {
        if (i < 6) return ['bad_magic'];
        if (i === 6) return ['wrong_envelope_type', 'bad_magic'];
        if (i === 7) return ['unsupported_version'];
        if (i === 8) return ['unsupported_suite'];
        if (i === 9) return ['malformed_header'];
        if (i < 14) return ['wrong_context'];   // key_version
        if (i < 70) return ['wrong_key'];       // nonce, key commitment
        if (i < 86) return ['wrong_context'];   // context commitment
        return ['payload_invalid'];
      };
      for (let i = 0; i < env.length; i++) {
        const bad = env.slice();
        bad[i] ^= 1 << rng.int(0, 7);
        let code = 'success';
        try {
          lib.openDocument(key, ctx, bad);
        } catch (e) {
          code = e.code;
        }
        assert(expected(i).includes(code), `byte ${i} flipped: got ${code}, expected ${expected(i).join(' or ')}`);
      }
    } finally {
      key.dispose();
    }
  });

  check('errors: codes and statuses follow the spec table; bad arguments are invalid_argument', async () => {
    const key = lib.ContentKey.generate();
    try {
      await throwsCode(lib, () => lib.ContentKey.fromBytes(new Uint8Array(31)), 'invalid_argument', '31-byte key');
      await throwsCode(lib, () => lib.sealDocument(key, { ...ctx, objectId: 'x'.repeat(1025) }, new Uint8Array(1)),
        'invalid_argument', 'object id of 1025 bytes');
      lib.sealDocument(key, { ...ctx, objectId: 'x'.repeat(1024) }, new Uint8Array(1)); // 1024 is fine
      await throwsCode(lib, () => lib.sealDocument(key, { ...ctx, revision: -1 }, new Uint8Array(1)),
        'invalid_argument', 'negative revision');
      await throwsCode(lib, () => lib.sealDocument(key, { ...ctx, revision: 1n << 64n }, new Uint8Array(1)),
        'invalid_argument', 'revision 2^64');
      await throwsCode(lib, () => lib.sealDocument(key, { ...ctx, keyVersion: 2 ** 32 }, new Uint8Array(1)),
        'invalid_argument', 'key version 2^32');
      await throwsCode(lib, () => lib.sealDocument(key, ctx, 'text'), 'invalid_argument', 'string plaintext');
      await throwsCode(lib, () => new lib.FileEncryptor(key, ctx, { chunkSize: 63 }), 'invalid_argument',
        'chunk size 63');
      await throwsCode(lib, () => new lib.FileEncryptor({ passphrase: 'pw' }, ctx, { opslimit: 0 }),
        'invalid_argument', 'opslimit 0');
      // Encryption refuses less than OWASP's Argon2id minimum (2 passes, 19 MiB) and an empty passphrase.
      await throwsCode(lib, () => new lib.FileEncryptor({ passphrase: 'pw' }, ctx, { opslimit: 1, memlimitKib: 65536 }),
        'invalid_argument', 'opslimit 1');
      await throwsCode(lib, () => new lib.FileEncryptor({ passphrase: 'pw' }, ctx, { opslimit: 3, memlimitKib: 19455 }),
        'invalid_argument', 'memlimit 19455 KiB');
      await throwsCode(lib, () => new lib.FileEncryptor({ passphrase: '' }, ctx), 'invalid_argument',
        'empty passphrase');
      assert(lib.MIN_OPSLIMIT === 2 && lib.MIN_MEMLIMIT_KIB === 19456, 'encryption minimum');
      await throwsCode(lib, () => lib.sealDocument({}, ctx, new Uint8Array(1)), 'invalid_argument', 'not a key');
      for (const [status, code] of CODES.entries()) {
        if (status === 0) continue;
        // Every code the package can produce carries its spec status.
        const e = new lib.CoffreError(status, code, 'm');
        assert(e.status === status && e.code === code, `CoffreError(${status})`);
        // The module gives the same code for the status (the spec table, section 7).
        if (internals) assert(internals.errorFor(status).code === code, `status ${status}: ${internals.errorFor(status).code}`);
      }
      if (internals) assert(internals.errorFor(CODES.length).code === 'unknown', 'a status past the table');
    } finally {
      key.dispose();
    }
  });

  check('keys: export / fromBytes round trip; disposed keys are refused', async () => {
    const key = lib.ContentKey.generate();
    const bytes = key.export();
    assert(bytes.length === 32, 'export gives 32 bytes');
    const again = lib.ContentKey.fromBytes(bytes);
    const env = lib.sealDocument(key, ctx, new Uint8Array([1, 2, 3]));
    assertBytes(lib.openDocument(again, ctx, env), new Uint8Array([1, 2, 3]), 'open with the imported key');
    assertBytes(again.export(), bytes, 'imported key exports the same bytes');
    key.dispose();
    key.dispose(); // idempotent
    assert(key.disposed, 'disposed flag');
    await throwsCode(lib, () => lib.openDocument(key, ctx, env), 'invalid_argument', 'disposed key');
    await throwsCode(lib, () => key.export(), 'invalid_argument', 'export of a disposed key');
    again.dispose();
    assert(!equalBytes(lib.ContentKey.generate().export(), lib.ContentKey.generate().export()), 'two random keys');
  });

  check('file: round trips with random chunking of input and output (several sizes and chunk sizes)', (rng) => {
    const key = lib.ContentKey.generate();
    try {
      for (const chunkSize of [64, 100, 65536]) {
        for (const n of [0, 1, 63, 64, 65, 99, 100, 101, 1000, chunkSize * 3, chunkSize * 3 + 1, 200003]) {
          const pt = rng.bytes(n);
          const ct = encryptFile(lib, key, ctx, pt, { chunkSize }, rng, chunkSize * 3);
          const chunks = Math.max(1, Math.ceil(n / chunkSize));
          assert(ct.length === 130 + n + 16 * chunks, `ciphertext size for ${n} bytes, chunk ${chunkSize}`);
          // Encrypting with pieces or in one call gives the same layout (sizes), decryption with any pieces.
          assertBytes(decryptFile(lib, key, ctx, ct, rng, chunkSize * 2 + 40), pt, `random pieces, ${n}/${chunkSize}`);
          assertBytes(decryptFile(lib, key, ctx, ct), pt, `one update, ${n}/${chunkSize}`);
        }
      }
      // Byte-at-a-time decryption of a small file.
      const pt = rng.bytes(300);
      const ct = encryptFile(lib, key, ctx, pt, { chunkSize: 64 });
      const dec = new lib.FileDecryptor(key, ctx);
      const parts = [];
      for (let i = 0; i < ct.length; i++) parts.push(dec.update(ct.subarray(i, i + 1)));
      parts.push(dec.finish());
      assertBytes(concat(parts), pt, 'byte-at-a-time');
      // Big inputs cross the JS/wasm boundary in slices: 3 MiB + 5 in one update call.
      const big = rng.bytes(3 * 1024 * 1024 + 5);
      assertBytes(decryptFile(lib, key, ctx, encryptFile(lib, key, ctx, big, {})), big, '3 MiB in one call');
    } finally {
      key.dispose();
    }
  });

  check('file: header inspection', async () => {
    const key = lib.ContentKey.generate();
    try {
      const ct = encryptFile(lib, key, ctx, new Uint8Array(10), { chunkSize: 1000 });
      const info = lib.inspectFileHeader(ct);
      assert(info.headerSize === 130 && info.keySource === 'key' && info.chunkSize === 1000 && info.keyVersion === 2 &&
        info.passphraseParams === undefined, `key header: ${JSON.stringify(info)}`);
      await throwsCode(lib, () => lib.inspectFileHeader(ct.subarray(0, 129)), 'truncated', 'short header');
      await throwsCode(lib, () => lib.inspectFileHeader(lib.sealDocument(key, ctx, new Uint8Array(40))),
        'wrong_envelope_type', 'a document envelope');
      const pct = encryptFile(lib, { passphrase: 'correct horse' }, ctx, new Uint8Array(10),
        { opslimit: 2, memlimitKib: 19456 });
      const pinfo = lib.inspectFileHeader(pct);
      assert(pinfo.headerSize === 154 && pinfo.keySource === 'passphrase' && pinfo.chunkSize === 65536 &&
        pinfo.passphraseParams?.opslimit === 2 && pinfo.passphraseParams?.memlimitKib === 19456,
        `passphrase header: ${JSON.stringify(pinfo)}`);
    } finally {
      key.dispose();
    }
  });

  check('file: wrong key / context, tampering, truncation, trailing data are typed errors', async (rng) => {
    const key = lib.ContentKey.generate();
    const other = lib.ContentKey.generate();
    try {
      const pt = rng.bytes(1000);
      const ct = encryptFile(lib, key, ctx, pt, { chunkSize: 100 }); // 10 chunks of 116 bytes after 130
      const outcome = (secret, c, bytes) => {
        const dec = new lib.FileDecryptor(secret, c);
        const parts = [];
        try {
          parts.push(dec.update(bytes));
          parts.push(dec.finish());
          return { code: dec.endedProperly ? 'success' : 'not_ended', released: concat(parts) };
        } catch (e) {
          assert(e instanceof lib.CoffreError, `not a CoffreError: ${e}`);
          parts.push(e.released);
          assert(!dec.endedProperly, 'endedProperly after an error');
          return { code: e.code, released: concat(parts), dec };
        }
      };
      const expectOutcome = (o, code, releasedChunks, message) => {
        assert(o.code === code, `${message}: expected ${code}, got ${o.code}`);
        assertBytes(o.released, pt.subarray(0, releasedChunks * 100), `${message}: released plaintext`);
      };
      expectOutcome(outcome(other, ctx, ct), 'wrong_key', 0, 'wrong key');
      expectOutcome(outcome({ passphrase: 'x' }, ctx, ct), 'wrong_key', 0, 'a passphrase for a key file');
      expectOutcome(outcome(key, { ...ctx, revision: 6 }, ct), 'wrong_context', 0, 'wrong revision');
      expectOutcome(outcome(key, { ...ctx, keyVersion: 1 }, ct), 'wrong_context', 0, 'wrong key version');
      const flip = (i) => {
        const b = ct.slice();
        b[i] ^= 0x80;
        return b;
      };
      expectOutcome(outcome(key, ctx, flip(13)), 'header_tampered', 0, 'chunk size altered (within bounds)');
      expectOutcome(outcome(key, ctx, flip(10)), 'malformed_header', 0, 'chunk size out of bounds');
      expectOutcome(outcome(key, ctx, flip(130 + 116 * 4 + 50)), 'chunk_invalid', 4, 'chunk 4 altered');
      expectOutcome(outcome(key, ctx, flip(ct.length - 1)), 'chunk_invalid', 9, 'last tag altered');
      const swapped = concat([ct.subarray(0, 130 + 116 * 2), ct.subarray(130 + 116 * 3, 130 + 116 * 4),
        ct.subarray(130 + 116 * 2, 130 + 116 * 3), ct.subarray(130 + 116 * 4)]);
      expectOutcome(outcome(key, ctx, swapped), 'chunk_out_of_order', 2, 'chunks 2 and 3 swapped');
      const duplicated = concat([ct.subarray(0, 130 + 116 * 3), ct.subarray(130 + 116 * 2)]);
      expectOutcome(outcome(key, ctx, duplicated), 'chunk_duplicated', 3, 'chunk 2 twice');
      expectOutcome(outcome(key, ctx, ct.subarray(0, 130 + 116 * 5)), 'truncated', 4, 'cut at a chunk boundary');
      expectOutcome(outcome(key, ctx, ct.subarray(0, 100)), 'truncated', 0, 'cut in the header');
      expectOutcome(outcome(key, ctx, concat([ct, new Uint8Array(5)])), 'trailing_data', 9, 'trailing bytes');
      // After an error or finish(), the stream refuses further use.
      const failed = outcome(key, ctx, flip(200));
      await throwsCode(lib, () => failed.dec.update(new Uint8Array(1)), 'bad_state', 'update after an error');
      const dec = new lib.FileDecryptor(key, ctx);
      dec.update(ct);
      dec.finish();
      await throwsCode(lib, () => dec.finish(), 'bad_state', 'finish twice');
      const enc = new lib.FileEncryptor(key, ctx);
      enc.finish();
      await throwsCode(lib, () => enc.update(new Uint8Array(1)), 'bad_state', 'encrypt after finish');
      enc.dispose();
    } finally {
      key.dispose();
      other.dispose();
    }
  });

  check('unicode: passphrases and recovery phrases in NFKD (SPEC 5.1, 13); a passphrase not UTF-8 is refused',
    async (rng) => {
    const pt = rng.bytes(300);
    const opts = { opslimit: 2, memlimitKib: 19456, chunkSize: 1024 };
    const nfc = 'caf\u00e9 \ud55c';  // U+00E9, the Hangul syllable U+D55C
    const nfd = 'cafe\u0301 \u1112\u1161\u11ab';
    const ct = encryptFile(lib, { passphrase: nfc }, ctx, pt, opts);
    assertBytes(decryptFile(lib, { passphrase: nfd }, ctx, ct), pt, 'NFD string for an NFC one');
    // Bytes are not normalized by JS: the module's NFKD makes them match.
    const nfdBytes = new TextEncoder().encode(nfd);
    assertBytes(decryptFile(lib, { passphrase: nfdBytes }, ctx, ct), pt, 'NFD bytes for an NFC string');
    const wide = encryptFile(lib, { passphrase: '\uff50\uff57\u3000\uff11' }, ctx, pt, opts);  // full-width "pw 1"
    assertBytes(decryptFile(lib, { passphrase: new TextEncoder().encode('pw 1') }, ctx, wide), pt, 'full-width');
    const dec = new lib.FileDecryptor({ passphrase: 'cafe \ud55c' }, ctx);
    await throwsCode(lib, () => dec.update(ct), 'wrong_key', 'NFKD keeps the accent');
    dec.dispose();
    for (const bad of [[0x63, 0x61, 0x66, 0xe9], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x61, 0xc3]]) {
      const pw = new Uint8Array(bad);
      await throwsCode(lib, () => new lib.FileEncryptor({ passphrase: pw }, ctx, opts), 'invalid_argument',
        `not UTF-8 (encrypt): ${bad}`);
      await throwsCode(lib, () => new lib.FileDecryptor({ passphrase: pw }, ctx), 'invalid_argument',
        `not UTF-8 (decrypt): ${bad}`);
      await throwsCode(lib, () => openRange(lib, ct, ct.length, { passphrase: pw }, ctx), 'invalid_argument',
        `not UTF-8 (range): ${bad}`);
    }
    // A recovery phrase in full-width letters (an East Asian input method) is the same phrase.
    const phrase = 'hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy ' +
      'gospel tennis maple dilemma loan word shrug inflict delay length';
    const fullwidth = [...phrase].map((c) => (c === ' ' ? '\u3000' : String.fromCodePoint(c.codePointAt(0) + 0xfee0)));
    assert(lib.RecoveryPhrase.isValid(fullwidth.join('')), 'full-width recovery phrase');
  });

  check('file: passphrase round trip and wrong passphrase (Argon2id, the minimum cost)', async (rng) => {
    const pt = rng.bytes(5000);
    const opts = { opslimit: 2, memlimitKib: 19456, chunkSize: 1024 };
    const ct = encryptFile(lib, { passphrase: 'correct horse battery staple' }, ctx, pt, opts, rng, 3000);
    assert(ct.length === 154 + 5000 + 16 * 5, 'passphrase ciphertext size');
    assertBytes(decryptFile(lib, { passphrase: new TextEncoder().encode('correct horse battery staple') }, ctx, ct,
      rng, 2000), pt, 'passphrase as bytes');
    const dec = new lib.FileDecryptor({ passphrase: 'correct horse battery stapler' }, ctx);
    await throwsCode(lib, () => dec.update(ct), 'wrong_key', 'wrong passphrase');
    const key = lib.ContentKey.generate();
    try {
      const kdec = new lib.FileDecryptor(key, ctx);
      await throwsCode(lib, () => kdec.update(ct), 'wrong_key', 'a key for a passphrase file');
    } finally {
      key.dispose();
    }
    // Range reads work with a passphrase too.
    const reader = openRange(lib, ct, ct.length, { passphrase: 'correct horse battery staple' }, ctx);
    const r = reader.ciphertextRange({ begin: 1000, end: 3000 });
    assertBytes(reader.read({ begin: 1000, end: 3000 }, ct.subarray(r.begin, r.end)), pt.subarray(1000, 3000),
      'passphrase range');
    reader.dispose();
    // A reader's Argon2id limits (default 4 passes, 256 MiB): a header above them is refused before Argon2id runs.
    const pass = { passphrase: 'correct horse battery staple' };
    const over = new lib.FileDecryptor(pass, ctx, { maxOpslimit: 1 });
    await throwsCode(lib, () => over.update(ct), 'kdf_cost_exceeded', 'header above maxOpslimit');
    const below = new lib.FileDecryptor(pass, ctx, { maxMemlimitKib: 19455 });
    await throwsCode(lib, () => below.update(ct), 'kdf_cost_exceeded', 'header above maxMemlimitKib');
    assertBytes(decryptFile(lib, pass, ctx, ct), pt, 'default limits admit the minimum cost');
    const big = ct.slice();
    big.set([0, 0x10, 0, 0], 22); // memlimit 1 GiB: in the format's bounds, above the default limit
    const bigDec = new lib.FileDecryptor({ passphrase: 'not it' }, ctx);
    await throwsCode(lib, () => bigDec.update(big), 'kdf_cost_exceeded', '1 GiB header, before the key commitment');
    await throwsCode(lib, () => openRange(lib, ct, ct.length, pass, ctx, { maxOpslimit: 1 }), 'kdf_cost_exceeded',
      'range reader limits');
    assert(lib.DEFAULT_MAX_OPSLIMIT === 4 && lib.DEFAULT_MAX_MEMLIMIT_KIB === 262144, 'default limits');
  });

  check('range reads equal slices of the full decryption', async (rng) => {
    const key = lib.ContentKey.generate();
    try {
      for (const [n, chunkSize] of [[10000, 100], [1000, 64], [64, 64], [1, 64], [0, 64], [200000, 65536]]) {
        const pt = rng.bytes(n);
        const ct = encryptFile(lib, key, ctx, pt, { chunkSize });
        // The reader takes the file's first bytes (more than the header is fine), its total size and its final chunk.
        const head = ct.subarray(0, Math.min(ct.length, 4096));
        const last = lib.FileRangeReader.finalChunkRange(head, BigInt(ct.length));
        assert(last.end === ct.length && ct.length - last.begin <= chunkSize + 16, `final chunk range of ${n}`);
        const reader = new lib.FileRangeReader(head, BigInt(ct.length), ct.subarray(last.begin, last.end), key, ctx);
        assert(reader.plaintextSize === n, `plaintextSize ${reader.plaintextSize} for ${n}`);
        const full = decryptFile(lib, key, ctx, ct);
        const ranges = [[0, n], [0, 0], [n, n], [0, Math.min(1, n)], [Math.max(0, n - 1), n]];
        for (const b of [chunkSize - 1, chunkSize, chunkSize + 1, 2 * chunkSize]) if (b <= n) ranges.push([b - 1 < 0 ? 0 : b - 1, b]);
        for (let i = 0; i < 30 && n > 0; i++) {
          const a = rng.int(0, n);
          ranges.push([a, rng.int(a, Math.min(n, a + rng.int(0, 4 * chunkSize)))]);
        }
        for (const [begin, end] of ranges) {
          const want = reader.ciphertextRange({ begin, end });
          assert(want.begin >= 130 && want.end <= ct.length && want.begin <= want.end, `ciphertext range ${begin}-${end}`);
          const got = reader.read({ begin, end }, ct.subarray(want.begin, want.end));
          assertBytes(got, full.subarray(begin, end), `range [${begin}, ${end}) of ${n}/${chunkSize}`);
        }
        await throwsCode(lib, () => reader.ciphertextRange({ begin: 0, end: n + 1 }), 'range_out_of_bounds',
          'range past the end');
        await throwsCode(lib, () => reader.read({ begin: n + 1, end: n + 2 }, new Uint8Array(0)),
          'range_out_of_bounds', 'read past the end');
        if (n >= 2 * chunkSize) {
          const want = reader.ciphertextRange({ begin: 0, end: 2 * chunkSize });
          const fetched = ct.slice(want.begin, want.end);
          fetched[fetched.length - 1] ^= 1;
          await throwsCode(lib, () => reader.read({ begin: 0, end: 2 * chunkSize }, fetched), 'chunk_invalid',
            'tampered fetched chunk');
          await throwsCode(lib, () => reader.read({ begin: 0, end: chunkSize }, ct.subarray(want.begin, want.end)),
            'invalid_argument', 'fetched bytes of the wrong size');
        }
        reader.dispose();
        await throwsCode(lib, () => reader.plaintextSize, 'bad_state', 'disposed reader');
      }
      const ct = encryptFile(lib, key, ctx, new Uint8Array(500), { chunkSize: 100 }); // 5 full chunks of 116
      await throwsCode(lib, () => openRange(lib, ct, ct.length, key, { ...ctx, revision: 1 }),
        'wrong_context', 'range reader, wrong context');
      await throwsCode(lib, () => lib.FileRangeReader.finalChunkRange(ct, ct.length - 106), 'truncated',
        'range reader, size cut inside a chunk tag');
      // The size is authenticated: a file cut or extended at a chunk boundary answers no range, even far from the end.
      await throwsCode(lib, () => openRange(lib, ct, ct.length - 116, key, ctx), 'truncated',
        'range reader, file cut at a chunk boundary');
      const longer = concat([ct, ct.subarray(130, 130 + 116)]);
      await throwsCode(lib, () => openRange(lib, longer, longer.length, key, ctx), 'chunk_duplicated',
        'range reader, file extended by a copy of chunk 0');
      const last = lib.FileRangeReader.finalChunkRange(ct, ct.length);
      await throwsCode(lib, () => new lib.FileRangeReader(ct, ct.length, ct.subarray(last.begin + 1, last.end), key,
        ctx), 'invalid_argument', 'range reader, final chunk of the wrong length');
      const reader = openRange(lib, ct, ct.length, key, ctx);
      await throwsCode(lib, () => reader.ciphertextRange({ begin: 5, end: 4 }), 'range_out_of_bounds',
        'reversed range');
      reader.dispose();
    } finally {
      key.dispose();
    }
  });

  check('web streams: encryptStream / decryptStream with random chunking; errors reach the reader', async (rng) => {
    const key = lib.ContentKey.generate();
    try {
      for (const n of [0, 1, 1000, 150000]) {
        const pt = rng.bytes(n);
        const encrypted = await drain(lib.encryptStream(streamOf(randomPieces(rng, pt, 20000)), key, ctx,
          { chunkSize: 4096 }));
        assert(encrypted.error === undefined, `encryptStream failed: ${encrypted.error}`);
        assert(encrypted.bytes.length === 130 + n + 16 * Math.max(1, Math.ceil(n / 4096)), 'stream ciphertext size');
        const decrypted = await drain(lib.decryptStream(streamOf(randomPieces(rng, encrypted.bytes, 9000)), key, ctx));
        assert(decrypted.error === undefined, `decryptStream failed: ${decrypted.error}`);
        assertBytes(decrypted.bytes, pt, `stream round trip of ${n} bytes`);
        // Same bytes as the FileDecryptor API.
        assertBytes(decryptFile(lib, key, ctx, encrypted.bytes), pt, 'stream ciphertext opens with FileDecryptor');
      }
      // pipeThrough with the TransformStream form, and a tampered stream: authentic prefix, then a CoffreError.
      const pt = rng.bytes(20000);
      const ct = (await drain(streamOf([pt]).pipeThrough(lib.createEncryptTransform(key, ctx, { chunkSize: 1000 }))))
        .bytes;
      const bad = ct.slice();
      bad[130 + 1016 * 7 + 3] ^= 1;
      const r = await drain(lib.decryptStream(streamOf(randomPieces(rng, bad, 3000)), key, ctx));
      assert(r.error instanceof lib.CoffreError && r.error.code === 'chunk_invalid', `tampered stream: ${r.error}`);
      assertBytes(r.bytes, pt.subarray(0, 7000), 'tampered stream releases exactly the chunks before the bad one');
      const cut = await drain(lib.decryptStream(streamOf([ct.subarray(0, 130 + 1016 * 5)]), key, ctx));
      assert(cut.error?.code === 'truncated', `truncated stream: ${cut.error}`);
      // Wrong key: the stream errors before releasing anything.
      const other = lib.ContentKey.generate();
      const wk = await drain(lib.decryptStream(streamOf([ct]), other, ctx));
      other.dispose();
      assert(wk.error?.code === 'wrong_key' && wk.bytes.length === 0, `wrong key stream: ${wk.error}`);
    } finally {
      key.dispose();
    }
  });

  check('file: updateInto / finishInto write into caller buffers; successive outputs stay intact', async (rng) => {
    const key = lib.ContentKey.generate();
    try {
      for (const chunkSize of [64, 1000, 65536]) {
        for (const n of [0, 1, chunkSize, 3 * chunkSize + 7, 700001]) {
          const pt = rng.bytes(n);
          // Encrypt in random pieces (some larger than the 256 KiB slice) into one caller buffer, at offsets.
          const enc = new lib.FileEncryptor(key, ctx, { chunkSize });
          const out = new Uint8Array(enc.maxUpdateOutput(n) + enc.maxFinishOutput() + chunkSize + 16);
          let at = 0;
          for (const piece of randomPieces(rng, pt, 300000)) {
            const cap = enc.maxUpdateOutput(piece.length);
            const wrote = enc.updateInto(piece, out.subarray(at, at + cap));
            assert(wrote <= cap, 'updateInto writes at most maxUpdateOutput bytes');
            at += wrote;
          }
          at += enc.finishInto(out.subarray(at, at + 4 * chunkSize));
          const ct = out.subarray(0, at);
          assert(ct.length === 130 + n + 16 * Math.max(1, Math.ceil(n / chunkSize)), `updateInto size ${n}/${chunkSize}`);
          assertBytes(decryptFile(lib, key, ctx, ct, rng, 5000), pt, `updateInto round trip ${n}/${chunkSize}`);
          // Decrypt into a reused buffer too, in ArrayBuffer and DataView forms.
          const dec = new lib.FileDecryptor(key, ctx);
          const plain = new Uint8Array(ct.length + chunkSize);
          let got = 0;
          for (const piece of randomPieces(rng, ct, 300000)) {
            got += dec.updateInto(piece, new DataView(plain.buffer, got, dec.maxUpdateOutput(piece.length)));
          }
          got += dec.finishInto(new DataView(plain.buffer, got));
          assert(dec.endedProperly, 'finishInto: ended properly');
          assertBytes(plain.subarray(0, got), pt, `decryptor updateInto round trip ${n}/${chunkSize}`);
        }
      }
      // update() returns arrays of their own: a later call never changes an earlier output.
      for (const Stream of [lib.FileEncryptor, lib.FileDecryptor]) {
        const pt = rng.bytes(50000);
        const input = Stream === lib.FileEncryptor ? pt : encryptFile(lib, key, ctx, pt, { chunkSize: 1000 });
        const s = new Stream(key, ctx, { chunkSize: 1000 });
        const outs = randomPieces(rng, input, 3000).map((piece) => s.update(piece));
        const copies = outs.map((o) => o.slice());
        outs.push(s.finish());
        copies.push(outs.at(-1).slice());
        outs.forEach((o, i) => assertBytes(o, copies[i], `${Stream.name} output ${i} unchanged by later calls`));
        if (Stream === lib.FileEncryptor) assertBytes(decryptFile(lib, key, ctx, concat(outs)), pt, 'outputs decrypt');
        else assertBytes(concat(outs), pt, 'decryptor outputs');
      }
      // Refused arguments consume nothing: the stream goes on.
      const enc = new lib.FileEncryptor(key, ctx, { chunkSize: 64 });
      const pt = rng.bytes(1000);
      await throwsCode(lib, () => enc.updateInto(pt, new Uint8Array(enc.maxUpdateOutput(1000) - 1)),
        'invalid_argument', 'out smaller than maxUpdateOutput');
      const shared = new Uint8Array(4000);
      shared.set(pt, 0);
      await throwsCode(lib, () => enc.updateInto(shared.subarray(0, 1000), shared.subarray(500)),
        'invalid_argument', 'out overlapping the input');
      await throwsCode(lib, () => enc.updateInto(pt, 'out'), 'invalid_argument', 'out not bytes');
      await throwsCode(lib, () => enc.maxUpdateOutput(-1), 'invalid_argument', 'maxUpdateOutput(-1)');
      await throwsCode(lib, () => enc.finishInto(new Uint8Array(0)), 'invalid_argument', 'finishInto too small');
      const first = new Uint8Array(enc.maxUpdateOutput(1000));
      const wrote = enc.updateInto(pt, first);
      const last = new Uint8Array(enc.maxFinishOutput());
      const lastWrote = enc.finishInto(last);
      assertBytes(decryptFile(lib, key, ctx, concat([first.subarray(0, wrote), last.subarray(0, lastWrote)])), pt,
        'the stream still works after refused arguments');
      await throwsCode(lib, () => enc.updateInto(pt, first), 'bad_state', 'updateInto after finishInto');
      await throwsCode(lib, () => enc.maxFinishOutput(), 'bad_state', 'maxFinishOutput after finishInto');
    } finally {
      key.dispose();
    }
  });

  check('file: a failing decryptor writes only authenticated plaintext to the caller buffer, and is disposed',
    async (rng) => {
      const key = lib.ContentKey.generate();
      try {
        const pt = rng.bytes(20000);
        const ct = encryptFile(lib, key, ctx, pt, { chunkSize: 1000 });
        const bad = ct.slice();
        bad[130 + 1016 * 7 + 3] ^= 1;
        for (const [name, pieces] of [['one call', [bad]], ['random pieces', randomPieces(rng, bad, 3000)],
          ['past the slice', [concat([bad, new Uint8Array(300000)])]]]) {
          const dec = new lib.FileDecryptor(key, ctx);
          const out = new Uint8Array(400000).fill(0xa5);
          let at = 0;
          let error;
          try {
            for (const piece of pieces) at += dec.updateInto(piece, out.subarray(at));
          } catch (e) {
            error = e;
          }
          assert(error instanceof lib.CoffreError && error.code === 'chunk_invalid', `${name}: ${error}`);
          const released = concat([out.subarray(0, at), error.released]);
          assertBytes(released, pt.subarray(0, 7000), `${name}: exactly the chunks before the bad one are released`);
          const rest = out.subarray(at + error.released.length);
          assert(rest.every((b) => b === 0xa5), `${name}: nothing else is written to the caller buffer`);
          await throwsCode(lib, () => dec.updateInto(new Uint8Array(1), out), 'bad_state', `${name}: disposed`);
        }
        // A file cut short: finishInto fails (truncated) and releases nothing unauthenticated.
        const dec = new lib.FileDecryptor(key, ctx);
        const out = new Uint8Array(30000);
        const at = dec.updateInto(ct.subarray(0, 130 + 1016 * 5), out);
        assertBytes(out.subarray(0, at), pt.subarray(0, 4000), 'a cut file releases the chunks before the last one');
        await throwsCode(lib, () => dec.finishInto(out.subarray(at)), 'truncated', 'finishInto of a cut file');
        assert(!dec.endedProperly, 'a cut file did not end properly');
      } finally {
        key.dispose();
      }
    });

  check('web streams: byte streams read by BYOB readers (odd view sizes); errors deliver the authentic prefix',
    async (rng) => {
      const key = lib.ContentKey.generate();
      try {
        for (const n of [0, 1, 4096, 150000, 600001]) {
          const pt = rng.bytes(n);
          const encrypted = await drainByob(lib.encryptStream(streamOf(randomPieces(rng, pt, 300000)), key, ctx,
            { chunkSize: 4096 }), rng);
          assert(encrypted.error === undefined, `encryptStream (BYOB) failed: ${encrypted.error}`);
          assertBytes(decryptFile(lib, key, ctx, encrypted.bytes), pt, `BYOB ciphertext of ${n} bytes decrypts`);
          const decrypted = await drainByob(lib.decryptStream(streamOf(randomPieces(rng, encrypted.bytes, 9000)), key,
            ctx), rng);
          assert(decrypted.error === undefined, `decryptStream (BYOB) failed: ${decrypted.error}`);
          assertBytes(decrypted.bytes, pt, `BYOB round trip of ${n} bytes`);
        }
        const pt = rng.bytes(20000);
        const ct = encryptFile(lib, key, ctx, pt, { chunkSize: 1000 });
        const bad = ct.slice();
        bad[130 + 1016 * 7 + 3] ^= 1;
        const r = await drainByob(lib.decryptStream(streamOf(randomPieces(rng, bad, 3000)), key, ctx), rng);
        assert(r.error instanceof lib.CoffreError && r.error.code === 'chunk_invalid', `tampered BYOB stream: ${r.error}`);
        assertBytes(r.bytes, pt.subarray(0, 7000), 'tampered BYOB stream: exactly the chunks before the bad one');
        const cut = await drainByob(lib.decryptStream(streamOf([ct.subarray(0, 130 + 1016 * 5)]), key, ctx), rng);
        assert(cut.error?.code === 'truncated', `truncated BYOB stream: ${cut.error}`);
        assertBytes(cut.bytes, pt.subarray(0, 4000), 'truncated BYOB stream: the chunks before the last one');
        // A source that errors, and a chunk that is not bytes, error the stream.
        const failing = new ReadableStream({ pull(c) { c.error(new Error('source broke')); } });
        const f = await drainByob(lib.encryptStream(failing, key, ctx), rng);
        assert(f.error?.message === 'source broke', `source error: ${f.error}`);
        const wrongChunk = await drain(lib.encryptStream(streamOf(['text']), key, ctx));
        assert(wrongChunk.error?.code === 'invalid_argument', `a string chunk: ${wrongChunk.error}`);
        // Cancelling mid-way cancels the source.
        let cancelled;
        const endless = new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(5000)); },
          cancel(reason) { cancelled = reason; } });
        const reader = lib.encryptStream(endless, key, ctx, { chunkSize: 1000 }).getReader({ mode: 'byob' });
        await reader.read(new Uint8Array(100));
        await reader.cancel('enough');
        assert(cancelled === 'enough', `the source was not cancelled: ${cancelled}`);
      } finally {
        key.dispose();
      }
    });

  check('web streams: one BYOB read is filled from every source chunk available, and waits for none once it has bytes',
    async (rng) => {
      const key = lib.ContentKey.generate();
      try {
        // Ten queued source chunks: one large read takes the whole file (header and every chunk, the final one too).
        const pt = rng.bytes(25000);
        const ct = encryptFile(lib, key, ctx, pt, { chunkSize: 1000 });
        for (const [stream, whole, what] of [
          [lib.encryptStream(streamOf(randomPieces(rng, pt, 2500)), key, ctx, { chunkSize: 1000 }), ct.length, 'enc'],
          [lib.decryptStream(streamOf(randomPieces(rng, ct, 2500)), key, ctx), pt.length, 'dec'],
        ]) {
          const reader = stream.getReader({ mode: 'byob' });
          const first = await reader.read(new Uint8Array(1 << 20));
          assert(first.value.length === whole, `${what}: one read gave ${first.value.length} of ${whole} bytes`);
          if (what === 'dec') assertBytes(first.value, pt, 'dec: the plaintext in one read');
          else assertBytes(decryptFile(lib, key, ctx, first.value), pt, 'enc: the file in one read decrypts');
          assert((await reader.read(new Uint8Array(10))).done, `${what}: done after the one read`);
        }
        // Two chunks now, the rest later: the first read delivers what those two made without waiting for more.
        let later;
        let given = 0;
        const slow = new ReadableStream({
          pull(c) {
            if (given < 2) c.enqueue(pt.subarray(2500 * given, 2500 * ++given));
            else return new Promise((ok) => { later = () => { c.enqueue(pt.subarray(5000)); c.close(); ok(); }; });
          },
        });
        const reader = lib.encryptStream(slow, key, ctx, { chunkSize: 1000 }).getReader({ mode: 'byob' });
        let timer;
        const first = await Promise.race([reader.read(new Uint8Array(1 << 20)),
          new Promise((ok) => { timer = setTimeout(() => ok('timeout'), 5000); })]);
        clearTimeout(timer);
        assert(first !== 'timeout', 'a BYOB read with bytes to give waited for a source chunk that was not there');
        const early = new lib.FileEncryptor(key, ctx, { chunkSize: 1000 }).update(pt.subarray(0, 5000)).length;
        assert(first.value.length === early, `the first read gave ${first.value.length} bytes, not ${early}`);
        later();
        const parts = [first.value];
        for (;;) {
          const r = await reader.read(new Uint8Array(1 << 20));
          if (r.done) break;
          parts.push(r.value);
        }
        assertBytes(decryptFile(lib, key, ctx, concat(parts)), pt, 'the file from the slow source decrypts');
      } finally {
        key.dispose();
      }
    });

  check('bytes: ArrayBuffer and any ArrayBufferView are taken where a Uint8Array is; a Blob feeds the streams',
    async (rng) => {
      const key = lib.ContentKey.generate();
      try {
        const pt = rng.bytes(5000);
        // A view at an offset into a larger buffer: only the viewed bytes count.
        const padded = new Uint8Array(pt.length + 11);
        padded.set(pt, 7);
        const view = new DataView(padded.buffer, 7, pt.length);
        const env = lib.sealDocument(key, ctx, view);
        assertBytes(lib.openDocument(key, ctx, env.slice().buffer), pt, 'document: DataView in, ArrayBuffer envelope');
        assertBytes(lib.openDocument(key, ctx, lib.sealDocument(key, ctx, pt.slice().buffer)), pt, 'ArrayBuffer');

        const enc = new lib.FileEncryptor(key, ctx, { chunkSize: 1024 });
        const ct = concat([enc.update(pt.slice(0, 3000).buffer), enc.update(new Uint16Array(pt.slice(3000).buffer)),
          enc.finish()]);
        assert(lib.inspectFileHeader(ct.slice(0, 130).buffer).chunkSize === 1024, 'inspectFileHeader(ArrayBuffer)');
        const dec = new lib.FileDecryptor(key, ctx);
        assertBytes(concat([dec.update(ct.slice().buffer), dec.finish()]), pt, 'FileDecryptor.update(ArrayBuffer)');

        const encrypted = await drain(lib.encryptStream(new Blob([pt.subarray(0, 100), pt.subarray(100)]), key, ctx));
        assert(encrypted.error === undefined, `encryptStream(Blob): ${encrypted.error}`);
        const decrypted = await drain(lib.decryptStream(new Blob([encrypted.bytes]), key, ctx));
        assert(decrypted.error === undefined, `decryptStream(Blob): ${decrypted.error}`);
        assertBytes(decrypted.bytes, pt, 'Blob round trip');

        await throwsCode(lib, () => lib.encryptStream('text', key, ctx), 'invalid_argument', 'a string source');
        await throwsCode(lib, () => lib.openDocument(key, ctx, [1, 2, 3]), 'invalid_argument', 'an array envelope');
      } finally {
        key.dispose();
      }
    });

  // Accounts and devices (docs/SPEC.md sections 10 to 13): two devices enroll through a store that relays, replays
  // and substitutes messages.
  const T0 = 1790000000;
  const newAccount = () => {
    const a = lib.DeviceKeys.generate();
    const phrase = lib.RecoveryPhrase.generate();
    const created = lib.createAccount(a, 'desktop', phrase);
    const entries = [created.genesis];
    const log = lib.VerifiedLog.verify(entries);
    const used = new lib.UsedEnrollmentRequests();
    const acc = { a, phrase, created, entries, log, used };
    acc.dispose = () => {
      for (const h of [a, phrase, created.secrets, created.root, acc.log, used]) h.dispose();
    };
    return acc;
  };

  check('devices: full enrollment: equal SAS on both devices, the new device opens the account', async () => {
    const acc = newAccount();
    const n = lib.DeviceKeys.generate();
    try {
      assert(acc.log.devices.length === 1 && acc.log.devices[0].name === 'desktop', 'genesis device');
      assert(acc.log.rootEpoch === 1 && acc.log.head.seq === 0n, 'genesis head and epoch');
      const req = lib.EnrollmentRequester.start(n, 'téléphone', { now: T0 });
      const app = lib.EnrollmentApprover.onRequest(req.request, acc.a, acc.log, acc.used, T0 + 3);
      assert(app.requesterName === 'téléphone' && acc.used.size === 1, 'requester name, used id recorded');
      const { reveal, sas } = req.onResponse(app.response, acc.log, T0 + 5);
      assert(/^[0-9]{6}$/.test(sas), `SAS format: ${sas}`);
      const sasE = app.onReveal(reveal, T0 + 8);
      assert(sas === sasE, `SAS differ: ${sas} / ${sasE}`);
      await throwsCode(lib, () => req.checkEnrolled(acc.log), 'device_not_enrolled', 'before approval');

      await throwsCode(lib, () => app.approve(acc.log, acc.created.secrets, acc.created.root, n), 'invalid_argument',
        'only the device that answered may author the entry');
      const { entry, wrap } = app.approve(acc.log, acc.created.secrets, acc.created.root, acc.a);
      const logN = lib.VerifiedLog.verify([...acc.entries, entry]);
      const logA = acc.log.verifyAppended([entry]);
      assert(logN.head.seq === 1n && toHex(logN.head.hash) === toHex(logA.head.hash), 'same head both ways');
      assert(logN.contains(n.id) && !acc.log.contains(n.id), 'contains');
      const added = logN.devices[1];
      assert(added.name === 'téléphone' && equalBytes(added.kemPublicKey, n.kemPublicKey) &&
        equalBytes(added.signPublicKey, n.signPublicKey), 'added device record');
      req.checkEnrolled(logN);
      const root = lib.RootKey.unwrap(n, logN, wrap);
      assert(root.epoch === 1, 'root epoch');
      const secrets = lib.AccountSecrets.open(root, logN, acc.created.sealedState);
      await throwsCode(lib, () => lib.RootKey.unwrap(acc.a, logN, wrap), 'wrap_invalid', 'wrap for another device');
      // The new device, reloaded from its local state, is the same device.
      const seeds = n.exportSecretSeeds();
      const n2 = lib.DeviceKeys.fromSeeds(seeds);
      assert(equalBytes(n2.kemPublicKey, n.kemPublicKey) && equalBytes(n2.id, n.id), 'fromSeeds');
      lib.RootKey.unwrap(n2, logN, wrap).dispose();
      // A rollback to the genesis alone, against the new pin.
      await throwsCode(lib, () => lib.VerifiedLog.verify(acc.entries, { head: logN.head }), 'log_rollback',
        'rollback');
      for (const h of [app, req, logN, logA, root, secrets, n2]) h.dispose();
      assert(app.disposed, 'disposed');
      await throwsCode(lib, () => app.response, 'invalid_argument', 'use after dispose');
    } finally {
      n.dispose();
      acc.dispose();
    }
  });

  // Enrolls `n` into acc (the honest exchange); returns the new log (acc.log is replaced) and the wrap to `n`.
  const enroll = (acc, n, name) => {
    const req = lib.EnrollmentRequester.start(n, name, { now: T0 });
    const app = lib.EnrollmentApprover.onRequest(req.request, acc.a, acc.log, acc.used, T0);
    const { reveal, sas } = req.onResponse(app.response, acc.log, T0);
    const fromMessages = lib.enrollmentTranscript(req.request, app.response, reveal);
    assert(app.onReveal(reveal, T0) === sas && fromMessages.sas === sas, 'SAS: both sides and the transcript');
    const { entry, wrap } = app.approve(acc.log, acc.created.secrets, acc.created.root, acc.a);
    const next = acc.log.verifyAppended([entry]);
    acc.log.dispose();
    acc.log = next;
    acc.entries.push(entry);
    req.dispose();
    app.dispose();
    return wrap;
  };

  // An account of three devices (desktop, laptop, tablet) where the desktop revoked the laptop: the state before and
  // after, for the revocation checks. `dispose` frees everything.
  const revokedLaptop = () => {
    const acc = newAccount();
    const laptop = lib.DeviceKeys.generate();
    const tablet = lib.DeviceKeys.generate();
    enroll(acc, laptop, 'laptop');
    enroll(acc, tablet, 'tablet');
    const plan = lib.planRevocation(acc.log, acc.created.secrets, acc.a, laptop.id);
    const after = acc.log.verifyAppended([plan.entry]);
    return {
      acc, laptop, tablet, plan, after,
      dispose: () => {
        for (const h of [laptop, tablet, plan.log, plan.root, plan.secrets, after]) h.dispose();
        acc.dispose();
      },
    };
  };

  check('devices: revocation: the remaining devices open the new epoch, the revoked one does not', async () => {
    const r = revokedLaptop();
    const { acc, laptop, tablet, plan, after } = r;
    const handles = [];
    try {
      const fingerprint = acc.log.identityFingerprint;
      assert(/^[0-9a-f]{4}( [0-9a-f]{4}){9}$/.test(fingerprint), `fingerprint format: ${fingerprint}`);
      assert(plan.entry instanceof Uint8Array && plan.wraps.length === 3, 'one entry, three wraps');
      const fetched = lib.VerifiedLog.verify([...acc.entries, plan.entry]);
      handles.push(fetched);
      assert(toHex(after.head.hash) === toHex(plan.log.head.hash) && after.head.seq === 3n, 'planned head');
      assert(toHex(fetched.head.hash) === toHex(after.head.hash), 'whole log: same head');
      assert(after.rootEpoch === 2 && after.suiteVersion === 2 && after.identityGeneration === 2 &&
        !after.contains(laptop.id) && after.contains(tablet.id) && after.revoked.length === 1 &&
        equalBytes(after.revoked[0], laptop.id), 'new epoch, suite key and identity generation; laptop revoked');
      // The identity key changed: a new fingerprint; the old key is superseded.
      assert(after.identityFingerprint !== fingerprint, 'a new identity, a new fingerprint');
      assert(acc.log.supersededIdentities.length === 0 && after.supersededIdentities.length === 1 &&
        equalBytes(after.supersededIdentities[0], acc.log.identityPublicKey) &&
        !equalBytes(after.identityPublicKey, acc.log.identityPublicKey), 'the old identity key is superseded');
      assert(plan.secrets.identityGeneration === 2 && acc.created.secrets.identityGeneration === 1, 'secrets');
      assert(equalBytes(plan.wraps[0].recipientId, acc.a.id) && equalBytes(plan.wraps[1].recipientId, tablet.id) &&
        plan.wraps[2].recipientId.every((b) => b === 0xff), 'wraps: desktop, tablet, recovery key');

      // Every wrap a device opens, with the sealed state of the new epoch.
      const opened = (device, log) => plan.wraps.filter(({ wrap }) => {
        let root;
        try {
          root = lib.RootKey.unwrap(device, log, wrap);
        } catch (e) {
          if (!(e instanceof lib.CoffreError) || e.code !== 'wrap_invalid') throw e;
          return false;
        }
        try {
          lib.AccountSecrets.open(root, log, plan.sealedState).dispose();
          return root.epoch === 2;
        } finally {
          root.dispose();
        }
      }).length;
      assert(opened(acc.a, after) === 1 && opened(tablet, after) === 1, 'desktop and tablet open their wrap');
      assert(opened(laptop, after) === 0 && opened(laptop, acc.log) === 0, 'the laptop opens no wrap');
      const recovered = lib.RootKey.unwrapRecovery(acc.phrase, after, plan.wraps[2].wrap);
      recovered.dispose();
      await throwsCode(lib, () => lib.AccountSecrets.open(acc.created.root, after, plan.sealedState), 'wrap_invalid',
        'the epoch-1 root key does not open the new state');

      await throwsCode(lib, () => lib.planRevocation(acc.log, acc.created.secrets, laptop, laptop.id),
        'invalid_argument', 'a device revoking itself');
      await throwsCode(lib, () => lib.planRevocation(after, plan.secrets, acc.a, laptop.id), 'device_not_enrolled',
        'revoking a revoked device');
      await throwsCode(lib, () => lib.planRevocation(after, plan.secrets, laptop, tablet.id), 'device_revoked',
        'a revoked device revoking');
      await throwsCode(lib, () => lib.planRevocation(after, acc.created.secrets, acc.a, tablet.id), 'wrap_invalid',
        'secrets of the old epoch');
      await throwsCode(lib, () => lib.planRevocation(after, plan.secrets, acc.a, new Uint8Array(15)),
        'invalid_argument', 'a 15-byte id');
      await throwsCode(lib, () => lib.planRevocation(after, 'secrets', acc.a, tablet.id), 'invalid_argument',
        'not a handle');
      const again = lib.planRevocation(after, plan.secrets, tablet, acc.a.id);
      handles.push(again.log, again.root, again.secrets);
      assert(again.log.rootEpoch === 3 && again.wraps.length === 2 && again.log.supersededIdentities.length === 2,
        'the tablet revoking the desktop next: epoch 3');
    } finally {
      for (const h of handles) h.dispose();
      r.dispose();
    }
  });

  // The revoked laptop kept every secret it had: its device keys, and epoch 1's log, root key and account secrets
  // (the old identity key among them). Its forgeries re-sign entries with Web Crypto's Ed25519: an attacker is not
  // limited to the package. Entry layout (docs/SPEC.md section 10): seq at 5 (u64 big-endian), prev at 13, then at
  // the end the author id (16 bytes) and three signatures (identity, author, tail) over every byte before them.
  const ed25519Sign = async (seed, label, message) => {
    const pkcs8 = concat([hex('302e020100300506032b657004220420'), seed]);
    const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
    const l = new TextEncoder().encode(label);
    const framed = concat([new Uint8Array([0, 0, 0, l.length]), l, message]);
    return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, framed));
  };
  const ed25519PublicKey = async (seed) => {
    const pkcs8 = concat([hex('302e020100300506032b657004220420'), seed]);
    const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
    const { x } = await crypto.subtle.exportKey('jwk', key);
    return Uint8Array.from(atob(x.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  };
  // The package exports no identity key (no secret key has to leave it); the laptop reads the one it kept from its
  // own memory, the module's heap, where libsodium's expanded Ed25519 secret key is seed || public key.
  const keptIdentitySeed = async (publicKey) => {
    if (!internals) throw new CheckFailure('reading the heap needs the module internals (dist/wasm.js)');
    for (let i = heapIndexOf(internals, publicKey, 32); i !== -1; i = heapIndexOf(internals, publicKey, i + 1)) {
      const seed = internals.wasm().HEAPU8.slice(i - 32, i);
      if (equalBytes(await ed25519PublicKey(seed), publicKey)) return seed;
    }
    throw new CheckFailure('the kept identity key is not in the wasm heap');
  };
  const forgeEntry = async (entry, { seq, prev, author, identitySeed, authorSeed }) => {
    const e = entry.slice();
    new DataView(e.buffer).setBigUint64(5, seq);
    e.set(prev, 13);
    const signedLength = e.length - 192;
    e.set(author, signedLength - 16);
    const signed = e.subarray(0, signedLength);
    e.set(await ed25519Sign(identitySeed, 'coffre/v1/log/entry', signed), signedLength);
    e.set(await ed25519Sign(authorSeed, 'coffre/v1/log/author', signed), signedLength + 64);
    return e;
  };

  check('devices: a revoked device holding its old secrets appends nothing: device_revoked, identity_superseded',
    async () => {
      const r = revokedLaptop();
      const { acc, laptop, tablet, after } = r;
      const n = lib.DeviceKeys.generate();
      try {
        // Against the current log, it is no device.
        const req = lib.EnrollmentRequester.start(n, 'intruder', { now: T0 });
        const used = new lib.UsedEnrollmentRequests();
        await throwsCode(lib, () => lib.EnrollmentApprover.onRequest(req.request, laptop, after, used, T0),
          'device_not_enrolled', 'answering against the current log');
        // Against the epoch-1 log it kept, the package lets it approve: an entry it authors, after the old head.
        const app = lib.EnrollmentApprover.onRequest(req.request, laptop, acc.log, used, T0);
        const { reveal } = req.onResponse(app.response, acc.log, T0);
        app.onReveal(reveal, T0);
        const { entry } = app.approve(acc.log, acc.created.secrets, acc.created.root, laptop);
        await throwsCode(lib, () => after.verifyAppended([entry]), 'log_broken_chain', 'as it is');

        const identitySeed = await keptIdentitySeed(acc.log.identityPublicKey);
        const authorSeed = laptop.exportSecretSeeds().signSeed;
        const at = { seq: after.head.seq + 1n, prev: after.head.hash, identitySeed, authorSeed };
        // (a) Re-chained after the revocation, signed again with the keys it holds: its author is revoked.
        const own = await forgeEntry(entry, { ...at, author: laptop.id });
        await throwsCode(lib, () => after.verifyAppended([own]), 'device_revoked', 'authored by itself');
        await throwsCode(lib, () => lib.VerifiedLog.verify([...acc.entries, r.plan.entry, own]), 'device_revoked',
          'the whole log');
        // (b) Naming an enrolled device as author (it signs with its own key: it cannot sign for the tablet): the
        // identity signature, checked first, is by the key the revocation replaced.
        const borrowed = await forgeEntry(entry, { ...at, author: tablet.id });
        await throwsCode(lib, () => after.verifyAppended([borrowed]), 'identity_superseded', 'authored by the tablet');
        // The same before the revocation (the old identity in force): only the author signature fails.
        const early = await forgeEntry(entry, { ...at, seq: acc.log.head.seq + 1n, prev: acc.log.head.hash,
          author: tablet.id });
        await throwsCode(lib, () => acc.log.verifyAppended([early]), 'signature_invalid', 'before the revocation');
        identitySeed.fill(0);
        authorSeed.fill(0);
        for (const h of [req, app, used]) h.dispose();
      } finally {
        n.dispose();
        r.dispose();
      }
    });

  check('directory: a revoked device\'s record of a new identity is refused by the log; a verified contact holds ' +
    'every new generation as pending', async () => {
    const r = revokedLaptop();
    const { acc, after, plan } = r;
    const kept = [];
    const keep = (h) => {
      kept.push(h);
      return h;
    };
    try {
      const userId = after.userId;
      // With the epoch-1 log and secrets it kept, the laptop plans a revocation of its own (of the desktop: a fork a
      // store could serve), and publishes the record of its new identity, continuity-signed by the old identity key,
      // through the package like any client.
      const fork = lib.planRevocation(acc.log, acc.created.secrets, r.laptop, acc.a.id);
      kept.push(fork.log, fork.root, fork.secrets);
      const previous = acc.created.secrets;
      const first = keep(lib.DirectoryRecord.make({ userId, secrets: acc.created.secrets }, { created: T0 }));
      const honest = keep(lib.DirectoryRecord.make({ userId, secrets: plan.secrets }, { created: T0 + 1, previous }));
      const forged = keep(lib.DirectoryRecord.make({ userId, secrets: fork.secrets }, { created: T0 + 1, previous }));
      assert(forged.identityGeneration === 2 &&
        equalBytes(forged.previousIdentityPublicKey, after.supersededIdentities[0]), 'a genuine continuity signature');

      // Against the verified device list, only the revoking device's record holds.
      first.checkAgainstLog(acc.log);
      honest.checkAgainstLog(after);
      await throwsCode(lib, () => forged.checkAgainstLog(after), 'record_invalid', 'the laptop\'s record');
      await throwsCode(lib, () => first.checkAgainstLog(after), 'key_version_rollback', 'the old record');
      await throwsCode(lib, () => honest.checkAgainstLog(acc.log), 'record_invalid', 'a stale log');
      await throwsCode(lib, () => honest.checkAgainstLog('log'), 'invalid_argument', 'not a log');

      // Bob verified the account at generation 1: no new generation is followed, even with continuity.
      const bob = { userId: crypto.getRandomValues(new Uint8Array(16)), secrets: keep(lib.generateAccountSecrets()) };
      const me = keep(lib.TrustedContact.self(bob));
      const trust = keep(lib.TrustStore.create());
      const verifyShown = () => trust.verify(userId, trust.safetyNumber(userId, me), me);
      assert(trust.observe(first) === 'pinned_first', 'pinned first');
      verifyShown();
      await throwsCode(lib, () => trust.observe(forged), 'trust_mismatch', 'the laptop\'s record');
      const [contact] = trust.contacts();
      kept.push(contact.pinned, contact.pending);
      assert(contact.state === 'verified' && contact.pinned.identityGeneration === 1 &&
        contact.pending?.identityGeneration === 2, 'still verified at generation 1, generation 2 pending');
      await throwsCode(lib, () => trust.checkSharable(userId), 'trust_mismatch', 'sharing waits for the user');
      // The revoking device's record waits the same way, until bob compares its number.
      await throwsCode(lib, () => trust.observe(honest), 'trust_mismatch', 'the honest record');
      verifyShown();
      const shared = keep(trust.checkSharable(userId));
      assert(shared.identityGeneration === 2 && equalBytes(shared.identityPublicKey, after.identityPublicKey),
        'after comparing: the new identity');
    } finally {
      for (const h of kept) h?.dispose();
      r.dispose();
    }
  });

  check('directory: after a revocation, the record made with the replaced secrets carries a continuity signature ' +
    'that verifies; secrets of the same generation or of another account are refused (invalid_argument)', async () => {
    const r = revokedLaptop();
    const { acc, after, plan } = r;
    const kept = [];
    const keep = (h) => {
      kept.push(h);
      return h;
    };
    try {
      const me = { userId: after.userId, secrets: plan.secrets };
      const made = keep(lib.DirectoryRecord.make(me, { created: T0, previous: acc.created.secrets }));
      const verified = keep(lib.DirectoryRecord.verify(made.bytes));
      assert(verified.identityGeneration === 2 &&
        equalBytes(verified.previousIdentityPublicKey, after.supersededIdentities[0]), 'continuity by the old key');
      verified.checkAgainstLog(after);
      const flipped = made.bytes;
      flipped[flipped.length - 1] ^= 1;  // the continuity signature is the last 64 bytes
      await throwsCode(lib, () => lib.DirectoryRecord.verify(flipped), 'signature_invalid', 'continuity flipped');
      // On another device (or after a restart): the epoch-1 secrets opened again, against the log as it was before
      // the revocation, make the same record (Ed25519 is deterministic).
      const reopened = keep(lib.AccountSecrets.open(acc.created.root, acc.log, acc.created.sealedState));
      assertBytes(keep(lib.DirectoryRecord.make(me, { created: T0, previous: reopened })).bytes, made.bytes,
        'the same record from the reopened secrets');
      assert(!('exportIdentitySeed' in acc.created.secrets), 'no identity seed export');

      // Refusals: no previous secrets above generation 1, previous secrets for generation 1, of the same generation,
      // of another account; anything but { created?, previous?: AccountSecrets }.
      const bob = keep(lib.generateAccountSecrets());
      const old = { userId: after.userId, secrets: acc.created.secrets };
      const refused = [
        ['none above generation 1', () => lib.DirectoryRecord.make(me, { created: T0 })],
        ['given for generation 1', () => lib.DirectoryRecord.make(old, { previous: acc.created.secrets })],
        ['the same generation', () => lib.DirectoryRecord.make(me, { previous: plan.secrets })],
        ['another account', () => lib.DirectoryRecord.make(me, { previous: bob })],
        ['a seed', () => lib.DirectoryRecord.make(me, { previous: new Uint8Array(32) })],
        ['an unknown option', () => lib.DirectoryRecord.make(me, { previousIdentitySeed: new Uint8Array(32) })],
        ['a positional time', () => lib.DirectoryRecord.make(old, T0)],
      ];
      for (const [what, make] of refused) await throwsCode(lib, make, 'invalid_argument', what);
    } finally {
      for (const h of kept) h?.dispose();
      r.dispose();
    }
  });

  check('devices: recovery enrollment: the recovery key authors the entry; the new device opens the account',
    async () => {
      const r = revokedLaptop();
      const { acc, after, plan } = r;
      const rescued = lib.DeviceKeys.generate();
      const handles = [];
      try {
        assert(equalBytes(acc.phrase.signPublicKey, after.recoverySignPublicKey), 'the genesis records the phrase');
        const root = lib.RootKey.unwrapRecovery(acc.phrase, after, plan.wraps[2].wrap);
        const secrets = lib.AccountSecrets.open(root, after, plan.sealedState);
        handles.push(root, secrets);
        const other = lib.RecoveryPhrase.generate();
        handles.push(other);
        await throwsCode(lib, () => lib.enrollWithRecovery(other, after, secrets, root, rescued, 'rescued'),
          'wrap_invalid', 'another account\'s phrase');
        await throwsCode(lib, () => lib.enrollWithRecovery(acc.phrase, after, secrets, acc.created.root, rescued,
          'rescued'), 'invalid_argument', 'the epoch-1 root key');
        await throwsCode(lib, () => lib.enrollWithRecovery(acc.phrase, after, acc.created.secrets, root, rescued,
          'rescued'), 'invalid_argument', 'the epoch-1 secrets');
        await throwsCode(lib, () => lib.enrollWithRecovery(acc.phrase, after, secrets, root, rescued, 'x'.repeat(65)),
          'invalid_argument', 'a 65-byte name');

        const { entry, wrap } = lib.enrollWithRecovery(acc.phrase, after, secrets, root, rescued, 'rescued');
        assert(entry.subarray(entry.length - 192 - 16, entry.length - 192).every((b) => b === 0xff),
          'authored by the recovery key (ff..ff)');
        const withIt = after.verifyAppended([entry]);
        handles.push(withIt);
        const added = withIt.devices.at(-1);
        assert(equalBytes(added.id, rescued.id) && added.name === 'rescued' && added.transcriptHash.every((b) => b === 0),
          'the device, with no transcript');
        const itsRoot = lib.RootKey.unwrap(rescued, withIt, wrap);
        handles.push(itsRoot, lib.AccountSecrets.open(itsRoot, withIt, plan.sealedState));
        await throwsCode(lib, () => lib.enrollWithRecovery(acc.phrase, withIt, secrets, root, rescued, 'rescued'),
          'already_exists', 'the same device again');
        const tampered = entry.slice();
        tampered[tampered.length - 128 + 5] ^= 1;  // the recovery key's signature
        await throwsCode(lib, () => after.verifyAppended([tampered]), 'signature_invalid', 'tampered');
      } finally {
        for (const h of handles) h.dispose();
        rescued.dispose();
        r.dispose();
      }
    });

  check('devices: a replayed request is enrollment_replayed (also after export/import of the used ids)', async () => {
    const acc = newAccount();
    const n = lib.DeviceKeys.generate();
    try {
      const req = lib.EnrollmentRequester.start(n, 'laptop', { now: T0, lifetime: 120 });
      lib.EnrollmentApprover.onRequest(req.request, acc.a, acc.log, acc.used, T0).dispose();
      await throwsCode(lib, () => lib.EnrollmentApprover.onRequest(req.request, acc.a, acc.log, acc.used, T0 + 1),
        'enrollment_replayed', 'replay');
      const reloaded = lib.UsedEnrollmentRequests.import(acc.used.export());
      await throwsCode(lib, () => lib.EnrollmentApprover.onRequest(req.request, acc.a, acc.log, reloaded, T0 + 1),
        'enrollment_replayed', 'replay after import');
      await throwsCode(lib, () => lib.EnrollmentApprover.onRequest(req.request, acc.a, acc.log, reloaded, T0 + 120),
        'enrollment_expired', 'expired');
      reloaded.prune(T0 + 120);
      assert(reloaded.size === 0, 'pruned');
      reloaded.dispose();
      req.dispose();
    } finally {
      n.dispose();
      acc.dispose();
    }
  });

  check('devices: a relaying store that substitutes its own request gets a different SAS; tampering is typed',
    async () => {
      const acc = newAccount();
      const n = lib.DeviceKeys.generate();
      const m = lib.DeviceKeys.generate();
      try {
        // N's genuine exchange, through a second answer of E.
        const reqN = lib.EnrollmentRequester.start(n, 'phone', { now: T0 });
        const appN = lib.EnrollmentApprover.onRequest(reqN.request, acc.a, acc.log, acc.used, T0);
        const sasN = reqN.onResponse(appN.response, acc.log, T0).sas;
        // The store's substituted request (its device M, same name): E answers it; the store completes it as M.
        const reqM = lib.EnrollmentRequester.start(m, 'phone', { now: T0 });
        const appM = lib.EnrollmentApprover.onRequest(reqM.request, acc.a, acc.log, acc.used, T0);
        const revealM = reqM.onResponse(appM.response, acc.log, T0).reveal;
        const sasE = appM.onReveal(revealM, T0);
        assert(sasE !== sasN, `the store's exchange shows the same SAS as N's: ${sasE}`);
        // N, handed E's response to M, refuses it: another request id.
        const reqN2 = lib.EnrollmentRequester.start(n, 'phone', { now: T0 });
        await throwsCode(lib, () => reqN2.onResponse(appM.response, acc.log, T0), 'enrollment_invalid',
          'response to another request');
        await throwsCode(lib, () => reqN2.onResponse(appM.response, acc.log, T0), 'bad_state', 'error is final');

        // A modified response signature, reveal nonce, reveal pop.
        const reqX = lib.EnrollmentRequester.start(n, 'phone', { now: T0 });
        const appX = lib.EnrollmentApprover.onRequest(reqX.request, acc.a, acc.log, acc.used, T0);
        const badResponse = appX.response;
        badResponse[197] ^= 1;
        await throwsCode(lib, () => reqX.onResponse(badResponse, acc.log, T0), 'signature_invalid', 'response sig');
        for (const [offset, code] of [[22, 'enrollment_invalid'], [117, 'signature_invalid']]) {
          const r = lib.EnrollmentRequester.start(n, 'phone', { now: T0 });
          const a = lib.EnrollmentApprover.onRequest(r.request, acc.a, acc.log, acc.used, T0);
          const { reveal } = r.onResponse(a.response, acc.log, T0);
          reveal[offset] ^= 1;
          await throwsCode(lib, () => a.onReveal(reveal, T0), code, `reveal byte ${offset}`);
          r.dispose();
          a.dispose();
        }
        // An approver that is not enrolled; a recovery phrase that is not one.
        await throwsCode(lib, () => lib.EnrollmentApprover.onRequest(lib.EnrollmentRequester.start(m, 'x',
          { now: T0 }).request, n, acc.log, acc.used, T0), 'device_not_enrolled', 'not enrolled approver');
        const words = acc.phrase.words();
        assert(words.split(' ').length === 24 && lib.RecoveryPhrase.isValid(words.toUpperCase()), 'phrase words');
        const again = lib.RecoveryPhrase.fromWords(` ${words}\n`);
        assert(equalBytes(again.kemPublicKey, acc.phrase.kemPublicKey), 'phrase round trip');
        lib.RootKey.unwrapRecovery(again, acc.log, acc.created.recoveryWrap).dispose();
        again.dispose();
        const stranger = lib.RecoveryPhrase.generate();
        await throwsCode(lib, () => lib.RootKey.unwrapRecovery(stranger, acc.log, acc.created.recoveryWrap),
          'wrap_invalid', 'another account\'s phrase');
        stranger.dispose();
        await throwsCode(lib, () => lib.RecoveryPhrase.fromWords(words.split(' ').slice(1).join(' ')),
          'recovery_phrase_invalid', '23 words');
        for (const h of [reqN, appN, reqM, appM, reqN2, reqX, appX]) h.dispose();
      } finally {
        n.dispose();
        m.dispose();
        acc.dispose();
      }
    });

  if (internals) {
    check('wasm heap: no plaintext or key bytes left behind after use (buffers wiped before free)', (rng) => {
      const marker = rng.bytes(48);
      const pt = concat([marker, rng.bytes(5000), marker]);
      const key = lib.ContentKey.generate();
      const keyBytes = key.export();
      const env = lib.sealDocument(key, ctx, pt);
      assertBytes(lib.openDocument(key, ctx, env), pt, 'document');
      const ct = encryptFile(lib, key, ctx, pt, { chunkSize: 64 }, rng, 700);
      assertBytes(decryptFile(lib, key, ctx, ct, rng, 700), pt, 'file');
      const reader = openRange(lib, ct, ct.length, key, ctx);
      const want = reader.ciphertextRange({ begin: 0, end: 100 });
      reader.read({ begin: 0, end: 100 }, ct.subarray(want.begin, want.end));
      reader.dispose();
      const bad = ct.slice();
      bad[bad.length - 1] ^= 1;
      try {
        decryptFile(lib, key, ctx, bad);
      } catch {
        // expected: chunk_invalid, with released plaintext
      }
      assert(!heapContains(internals, marker), 'plaintext marker found in the wasm heap');
      key.dispose();
      assert(!heapContains(internals, keyBytes), 'key bytes found in the wasm heap after dispose()');
      const pw = new TextEncoder().encode('a passphrase that must not linger 0123456789');
      encryptFile(lib, { passphrase: pw }, ctx, pt, { opslimit: 2, memlimitKib: 19456 });
      assert(!heapContains(internals, pw), 'passphrase found in the wasm heap');
    });
    check('wasm heap: caller buffers and byte streams leave no plaintext behind (finish, failure, cancel)',
      async (rng) => {
        const marker = rng.bytes(48);
        const pt = concat([marker, rng.bytes(5000), marker]);
        const key = lib.ContentKey.generate();
        try {
          const enc = new lib.FileEncryptor(key, ctx, { chunkSize: 64 });
          const out = new Uint8Array(enc.maxUpdateOutput(pt.length) + enc.maxFinishOutput());
          const n = enc.updateInto(pt, out);
          const ct = out.slice(0, n + enc.finishInto(out.subarray(n)));
          const dec = new lib.FileDecryptor(key, ctx);
          const back = new Uint8Array(ct.length);
          const m = dec.updateInto(ct, back);
          assertBytes(back.subarray(0, m + dec.finishInto(back.subarray(m))), pt, 'round trip');
          const bad = ct.slice();
          bad[200] ^= 1; // chunk 1 of many: update() meets it (the last chunk waits for finish)
          await throwsCode(lib, () => new lib.FileDecryptor(key, ctx).updateInto(bad, new Uint8Array(bad.length)),
            'chunk_invalid', 'tampered');
          assert((await drainByob(lib.decryptStream(streamOf([ct]), key, ctx), rng)).error === undefined, 'stream');
          assert((await drainByob(lib.decryptStream(streamOf([bad]), key, ctx), rng)).error !== undefined, 'bad');
          const reader = lib.encryptStream(streamOf([pt, pt]), key, ctx, { chunkSize: 64 }).getReader({ mode: 'byob' });
          await reader.read(new Uint8Array(10));
          await reader.cancel();
          // An encryptor dropped mid-way without finish() or dispose() holds plaintext until it is collected: not
          // checked here. dispose() wipes it:
          const dropped = new lib.FileEncryptor(key, ctx, { chunkSize: 100000 });
          dropped.update(pt);
          dropped.dispose();
          assert(!heapContains(internals, marker), 'plaintext marker found in the wasm heap');
        } finally {
          key.dispose();
        }
      });
  }

  return list;
}

// ---------------------------------------------------------------------------------------------------------------
// Vectors (vectors/README.md)

/** A vector file: plain JSON (its 64-bit values are decimal strings, read with u64). */
export function parseVectors(text) {
  return JSON.parse(text);
}

// Replays one vector; returns { outcome, released, plaintext? }.
function replay(lib, v, pieces) {
  const context = { objectId: v.context.object_id, revision: u64(v.context.revision),
    keyVersion: v.context.key_version };
  const key = v.key !== undefined ? lib.ContentKey.fromBytes(hex(v.key)) : undefined;
  const secret = key ?? { passphrase: hex(v.passphrase) };
  const ct = hex(v.ciphertext);
  try {
    if (v.envelope === 'document') {
      try {
        return { outcome: 'success', released: lib.openDocument(key, context, ct) };
      } catch (e) {
        if (!(e instanceof lib.CoffreError)) throw e;
        return { outcome: e.code, released: new Uint8Array(0) };
      }
    }
    const parts = [];
    let dec;
    try {
      dec = new lib.FileDecryptor(secret, context);
      for (const p of pieces ? pieces(ct) : [ct]) parts.push(dec.update(p));
      parts.push(dec.finish());
      return { outcome: dec.endedProperly ? 'success' : 'not_ended_properly', released: concat(parts) };
    } catch (e) {
      if (!(e instanceof lib.CoffreError)) throw e;
      parts.push(e.released);
      return { outcome: e.code, released: concat(parts) };
    } finally {
      dec?.dispose();
    }
  } finally {
    key?.dispose();
  }
}

/**
 * Replays every vector of `files` ({ 'file.json': parsed }) as vectors/README.md says. `sha256(bytes)` returns hex
 * (async allowed). `chunked`: also feed each file vector in random pieces (same outcome and released bytes expected).
 * Returns one result per vector: { file, name, ok, detail }.
 */
export async function replayVectors(lib, files, sha256, { chunked = false, seed = 1 } = {}) {
  const results = [];
  const rng = prng(seed);
  for (const [file, doc] of Object.entries(files)) {
    if (doc.format !== 'coffre-vectors') continue;  // the account files: replayAccountVectors
    for (const v of doc.vectors) {
      // Sections 16-18 (sharing_checks.mjs): drive-file vectors replay as file vectors, their key and context there.
      const sharingProblems = await replaySharingVector(lib, v, sha256);
      if (isSharingVector(v)) {
        results.push({ file, name: v.name, ok: sharingProblems.length === 0, detail: sharingProblems.join('; ') });
        continue;
      }
      if (!['document', 'file', 'drive-file'].includes(v.envelope)) {
        results.push({ file, name: v.name, ok: false, detail: `no replayer for ${v.envelope ?? v.kind}` });
        continue;
      }
      let ok = sharingProblems === undefined || sharingProblems.length === 0;
      const problems = [...(sharingProblems ?? [])];
      const runs = [['one update', undefined]];
      if (chunked && (v.envelope === 'file' || v.envelope === 'drive-file')) runs.push(['random pieces', (ct) => randomPieces(rng, ct, 300)]);
      for (const [how, pieces] of runs) {
        let r;
        try {
          r = replay(lib, v, pieces);
        } catch (e) {
          ok = false;
          problems.push(`${how}: threw ${e}`);
          continue;
        }
        const digest = await sha256(r.released);
        if (r.outcome !== v.expect) {
          ok = false;
          problems.push(`${how}: outcome ${r.outcome}, expected ${v.expect}`);
        }
        const want = v.expect === 'success' ? v.plaintext_sha256 : v.released_sha256;
        const sizeField = v.expect === 'success' ? v.plaintext_size : v.released_size;
        const wantSize = sizeField === undefined ? undefined : u64(sizeField);
        if (want !== undefined && digest !== want) {
          ok = false;
          problems.push(`${how}: released ${r.released.length} bytes with sha256 ${digest}, expected ${want}` +
            (wantSize !== undefined ? ` (${wantSize} bytes)` : ''));
        }
        if (wantSize !== undefined && BigInt(r.released.length) !== wantSize) {
          ok = false;
          problems.push(`${how}: released ${r.released.length} bytes, expected ${wantSize}`);
        }
        if (v.expect === 'success' && v.plaintext !== undefined && toHex(r.released) !== v.plaintext) {
          ok = false;
          problems.push(`${how}: plaintext differs`);
        }
      }
      results.push({ file, name: v.name, ok, detail: problems.join('; ') });
    }
  }
  return results;
}

// Account vectors (vectors/README.md): X-Wing keys from seeds, recovery phrases, device lists, enrollment messages,
// root wraps and sealed states, signed store requests, data-key wraps, through the package's public API. Each replay
// throws on a mismatch.

function codeOf(lib, fn) {
  try {
    fn();
    return 'success';
  } catch (e) {
    if (!(e instanceof lib.CoffreError)) throw e;
    return e.code;
  }
}

function expectEqual(what, got, want) {
  if (got !== want) throw new Error(`${what}: got ${got}, expected ${want}`);
}

// Calls fn(...handles) and disposes the handles afterwards.
function using(handles, fn) {
  try {
    return fn(...handles);
  } finally {
    for (const h of handles) h?.dispose();
  }
}

function frameEntries(doc, names) {
  return names.map((n) => hex(doc.entries[n]));
}

function deviceOf(lib, doc, name) {
  const d = doc.devices[name];
  return lib.DeviceKeys.fromSeeds({ id: hex(d.id), signSeed: hex(d.sign_seed), kemSeed: hex(d.kem_seed) });
}

const accountReplays = {
  'coffre-kem-vectors': async (lib, doc, v) => {
    const keys = lib.DeviceKeys.fromSeeds({ id: new Uint8Array(16), signSeed: new Uint8Array(32), kemSeed: hex(v.seed) });
    using([keys], (k) => expectEqual('public key', toHex(k.kemPublicKey), v.public_key));
  },
  'coffre-recovery-vectors': async (lib, doc, v) => {
    expectEqual('isValid', lib.RecoveryPhrase.isValid(v.phrase), v.expect === 'success');
    let phrase;
    expectEqual('outcome', codeOf(lib, () => { phrase = lib.RecoveryPhrase.fromWords(v.phrase); }), v.expect);
    if (phrase === undefined) return;
    using([phrase], (p) => {
      if (v.kem_public_key === undefined) return;
      expectEqual('canonical phrase', p.words(), v.phrase);
      expectEqual('kem public key', toHex(p.kemPublicKey), v.kem_public_key);
    });
  },
  'coffre-device-log-vectors': async (lib, doc, v, sha256) => {
    const pins = {};
    if (v.pinned) pins.head = { seq: u64(v.pinned.seq), hash: hex(v.pinned.hash) };
    if (v.genesis_hash) pins.genesisHash = hex(v.genesis_hash);
    let log;
    expectEqual('outcome', codeOf(lib, () => { log = lib.VerifiedLog.verify(frameEntries(doc, v.entries), pins); }),
      v.expect);
    if (log === undefined) return;
    try {
      expectEqual('head seq', log.head.seq, u64(v.head.seq));
      expectEqual('head hash', toHex(log.head.hash), v.head.hash);
      expectEqual('user id', toHex(log.userId), v.user_id);
      expectEqual('identity key', toHex(log.identityPublicKey), v.identity_pk);
      expectEqual('identity generation', log.identityGeneration, v.identity_generation);
      expectEqual('suite version', log.suiteVersion, v.suite_version);
      expectEqual('root epoch', log.rootEpoch, v.root_epoch);
      expectEqual('suite key', await sha256(log.suitePublicKey), v.suite_pk_sha256);
      expectEqual('recovery key', await sha256(log.recoveryPublicKey), v.recovery_pk_sha256);
      const devices = [];
      for (const d of log.devices) {
        devices.push({ id: toHex(d.id), name: toHex(new TextEncoder().encode(d.name)), sign_pk: toHex(d.signPublicKey),
          kem_pk_sha256: await sha256(d.kemPublicKey), transcript_hash: toHex(d.transcriptHash) });
      }
      expectEqual('devices', JSON.stringify(devices), JSON.stringify(v.devices));
      expectEqual('revoked', JSON.stringify(log.revoked.map(toHex)), JSON.stringify(v.revoked));
    } finally {
      log.dispose();
    }
  },
  'coffre-enrollment-vectors': async (lib, doc, v) => {
    const transcript = () => {
      let t;
      const code = codeOf(lib, () => { t = lib.enrollmentTranscript(hex(v.request), hex(v.response), hex(v.reveal)); });
      return { code, t };
    };
    const approve = (now, used) => using([deviceOf(lib, doc, v.approver),
      lib.VerifiedLog.verify(frameEntries(doc, v.log)), usedOf(lib, used)], (e, log, u) => {
      let a;
      const code = codeOf(lib, () => { a = lib.EnrollmentApprover.onRequest(hex(v.request), e, log, u, now); });
      a?.dispose();
      return code;
    });
    if (v.kind === 'transcript') {
      expectEqual('outcome', transcript().code, v.expect);
    } else if (v.kind === 'exchange') {
      const { code, t } = transcript();
      expectEqual('outcome', code, 'success');
      expectEqual('transcript hash', toHex(t.transcriptHash), v.transcript_hash);
      expectEqual('SAS', t.sas, v.sas);
      expectEqual('approver', approve(u64(v.approver_now), []), 'success');
    } else if (v.kind === 'request') {
      expectEqual('outcome', approve(u64(v.now), v.used), v.expect);
    } else {
      throw new Error(`unknown kind ${v.kind}`);
    }
  },
  'coffre-account-state-vectors': async (lib, doc, v) => {
    using([lib.VerifiedLog.verify(frameEntries(doc, v.log))], (log) => {
      let root;
      let code = codeOf(lib, () => {
        if (v.recipient === 'recovery') {
          using([lib.RecoveryPhrase.fromWords(doc.recovery_phrase)], (p) => {
            root = lib.RootKey.unwrapRecovery(p, log, hex(v.wrap));
          });
        } else {
          using([deviceOf(lib, doc, v.recipient)], (d) => { root = lib.RootKey.unwrap(d, log, hex(v.wrap)); });
        }
      });
      using([root], (r) => {
        if (code === 'success') code = codeOf(lib, () => lib.AccountSecrets.open(r, log, hex(v.sealed_state)).dispose());
        expectEqual('outcome', code, v.expect);
        if (code !== 'success') return;
        expectEqual('identity fingerprint', log.identityFingerprint, v.identity_fingerprint);
        expectEqual('root epoch', r.epoch, v.root_epoch);
      });
    });
  },
  'coffre-store-request-vectors': async (lib, doc, v) => {
    const user = v.user === null ? undefined : hex(v.user);
    const fields = { method: v.method, target: v.target, contentSha256: hex(v.content_sha256), time: u64(v.time),
      nonce: hex(v.nonce), user };
    let message;
    expectEqual('message outcome', codeOf(lib, () => { message = lib.storeRequestMessage(fields); }),
      v.message === null ? 'invalid_argument' : 'success');
    if (message !== undefined) expectEqual('message', toHex(message), v.message);
    // The headers as the store receives them (node lower-cases their names).
    const received = Object.fromEntries(Object.entries(v.headers).map(([k, x]) => [k.toLowerCase(), x]));
    const parsed = lib.parseStoreRequestHeaders(received);
    expectEqual('key', parsed.keyHex, v.key);
    expectEqual('user', parsed.userHex ?? null, v.user);
    expectEqual('time', parsed.time, u64(v.time));
    expectEqual('nonce', parsed.nonceHex, v.nonce);
    expectEqual('content_sha256', parsed.contentSha256Hex, v.content_sha256);
    let verified;
    expectEqual('outcome', codeOf(lib, () => { verified = lib.verifyStoreRequest(received, v.method, v.target); }),
      v.expect);
    if (v.expect !== 'success') return;
    expectEqual('verified target', verified.target, v.target);
    expectEqual('verified nonce', toHex(verified.nonce), v.nonce);
    expectEqual('body hash', toHex(lib.sha256(hex(v.body))), v.content_sha256);
    const s = doc.signers[v.signer];
    const signer = s.phrase !== undefined ? lib.RecoveryPhrase.fromWords(s.phrase)
      : lib.DeviceKeys.fromSeeds({ id: hex(s.id), signSeed: hex(s.sign_seed), kemSeed: hex(s.kem_seed) });
    using([signer], (k) => {
      const { headers } = lib.signStoreRequest(k, { method: v.method, target: v.target, body: hex(v.body),
        time: u64(v.time), nonce: hex(v.nonce), user });
      expectEqual('headers', JSON.stringify(headers), JSON.stringify(v.headers));
    });
  },
  // Unwrap gives `expect`; on success the data key, and a new wrap of it (the system RNG: not the vector's bytes)
  // unwraps to it.
  'coffre-kek-wrap-vectors': async (lib, doc, v) => {
    const context = { label: hex(v.label), keyId: hex(v.key_id) };
    using([lib.KeyEncryptionKey.fromBytes(hex(v.kek))], (kek) => {
      let key;
      expectEqual('outcome', codeOf(lib, () => { key = lib.unwrapDataKey(kek, hex(v.wrapped), context); }), v.expect);
      if (key === undefined) return;
      using([key], (k) => {
        expectEqual('data key', toHex(k.export()), v.data_key);
        const again = lib.wrapDataKey(kek, k, context);
        using([lib.unwrapDataKey(kek, again, context)], (k2) => expectEqual('new wrap', toHex(k2.export()), v.data_key));
      });
    });
  },
};

function usedOf(lib, records) {
  const bytes = new Uint8Array(24 * records.length);
  const view = new DataView(bytes.buffer);
  records.forEach((u, i) => {
    bytes.set(hex(u.request_id), 24 * i);
    view.setBigUint64(24 * i + 16, u64(u.expires));
  });
  return lib.UsedEnrollmentRequests.import(bytes);
}

/**
 * Replays every vector of the account files among `files` ({ 'file.json': parsed }; other formats are skipped).
 * `sha256(bytes)` returns hex (async allowed). Returns one result per vector: { file, name, ok, detail }.
 */
export async function replayAccountVectors(lib, files, sha256) {
  const results = [];
  for (const [file, doc] of Object.entries(files)) {
    const replay = accountReplays[doc.format];
    if (replay === undefined) continue;
    for (const v of doc.vectors) {
      try {
        await replay(lib, doc, v, sha256);
        results.push({ file, name: v.name, ok: true, detail: '' });
      } catch (e) {
        results.push({ file, name: v.name, ok: false, detail: String(e?.stack ?? e) });
      }
    }
  }
  return results;
}

/** The account files every replay must find (vectors/README.md). */
export const ACCOUNT_VECTOR_FILES = ['account-state.json', 'device-log.json', 'enrollment.json', 'kek_wrap.json',
  'recovery.json', 'store-request.json', 'xwing.json'];

/** "document.json 23/23, file.json 45/45" */
export function summarize(results) {
  const byFile = new Map();
  for (const r of results) {
    const s = byFile.get(r.file) ?? { pass: 0, total: 0 };
    s.total++;
    if (r.ok) s.pass++;
    byFile.set(r.file, s);
  }
  return [...byFile].map(([f, s]) => `${f} ${s.pass}/${s.total}`).join(', ');
}
