// The in-browser half of bench/js_browser_bench.mjs: runs in a page and in a module Web Worker, returns plain data.
// Every variant processes the same `size` bytes, in interleaved rounds (the order rotates each round); a full garbage
// collection before each variant and one inside its timing at its end (collectGarbage).
//   a  the C ABI through the module's exports (the package's internal dist/wasm.js and dist/key.js, as the tests use
//      them, no second loader): the
//      plaintext/ciphertext already in the module's memory, coffre_{en,de}cryptor_update in 64 KiB steps: the floor
//   b  one shot: FileEncryptor/FileDecryptor updateInto(all, out) + finishInto (caller buffer); b_alloc: update(all)
//   c  streaming, 64 KiB at a time: updateInto(chunk, out at offset) (caller buffer); c_alloc: update(chunk)
//   d  Web Streams, 64 KiB source chunks: encryptStream/decryptStream read by a BYOB reader into a reused 1 MiB buffer;
//      d_transform: pipeThrough(createEncryptTransform/createDecryptTransform) read by a default reader
//   e  WebCrypto AES-256-GCM, one encrypt/decrypt call per 64 KiB chunk (awaited in turn, like a stream)
import { keyPointer } from '/dist/key.js';

const STEP = 1 << 16;

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function randomBytes(n) {
  const b = new Uint8Array(n);
  for (let off = 0; off < n; off += 65536) crypto.getRandomValues(b.subarray(off, Math.min(n, off + 65536)));
  return b;
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  const n4 = a.length >>> 2;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const x = new Uint32Array(a.buffer, a.byteOffset, n4);
    const y = new Uint32Array(b.buffer, b.byteOffset, n4);
    for (let i = 0; i < n4; i++) if (x[i] !== y[i]) return false;
    for (let i = n4 * 4; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// A ReadableStream handing out `data` in `step`-byte views (no copy), as a file or network source would.
function sourceOf(data, step = STEP) {
  let pos = 0;
  return new ReadableStream({
    pull(c) {
      if (pos >= data.length) return c.close();
      c.enqueue(data.subarray(pos, pos + step));
      pos += step;
    },
  });
}

// Reads a byte stream with a BYOB reader into one reused 1 MiB buffer, as a consumer writing the output on would (a
// read transfers its view's ArrayBuffer: reading straight into a 256 MiB buffer would move, and in node copy, all of
// it on every read). `keep` (warm-up rounds: verification) also copies each read into keep.buf; returns the length.
async function readByob(stream, keep) {
  const reader = stream.getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(1 << 20);
  let n = 0;
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(buffer));
    if (done) return n;
    if (keep) keep.buf.set(value, n);
    buffer = value.buffer;
    n += value.byteLength;
  }
}

function concatBytes(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

async function readDefault(stream) {
  const reader = stream.getReader();
  let n = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return n;
    n += value.length;
  }
}

// A full collection (Chromium started with --js-flags=--expose-gc; elsewhere nothing). Between variants, so that each
// pays for the garbage it made and none for its predecessor's: the rotation keeps neighbours, and a variant that
// allocates (promises, a BYOB read's transferred buffer) would otherwise trigger the collection of 256 MiB of chunks
// that c' (update per chunk) left behind, every round.
function collectGarbage() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

export async function runBench(lib, internals, { sizeMib, rounds, warmup }) {
  await lib.Coffre.load();
  const m = internals.wasm();
  const size = sizeMib << 20;
  const ctx = { objectId: 'bench-file-0001', revision: 1n, keyVersion: 1 };
  const key = lib.ContentKey.generate();
  const pt = randomBytes(size);

  // The reference ciphertext (decrypt input) and caller buffers.
  // (update()/finish(): the package before updateInto existed runs this benchmark too, without b_into, c_into, d_byob.)
  const ref = new lib.FileEncryptor(key, ctx);
  const ct = concatBytes([ref.update(pt), ref.finish()]);
  const ctLen = ct.length;
  const ctCap = ctLen + STEP;
  const ctOut = { buf: new Uint8Array(ctCap) };
  const ptOut = { buf: new Uint8Array(ctCap) }; // a decryptor's bound is the ciphertext length

  // The floor's heap buffers (outside every timing).
  const u32 = (p) => new DataView(m.HEAPU8.buffer).getUint32(p, true);
  const malloc = (n) => {
    const p = m._malloc(n);
    if (p === 0) throw new Error(`malloc(${n}) failed`);
    return p;
  };
  const id = new TextEncoder().encode(ctx.objectId);
  const idP = malloc(id.length);
  m.HEAPU8.set(id, idP);
  const slot = malloc(8);
  const plainP = malloc(size);
  const ctP = malloc(ctCap);
  const outP = malloc(size + STEP);
  m.HEAPU8.set(pt, plainP);
  m.HEAPU8.set(ct, ctP);
  const check = (status, what) => {
    if (status !== 0) throw new Error(`${what}: status ${status}`);
  };

  const aesKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const iv = (i) => {
    const v = new Uint8Array(12);
    new DataView(v.buffer).setUint32(8, i);
    return v;
  };
  const aesCt = [];
  for (let i = 0, pos = 0; pos < size; i++, pos += STEP) {
    aesCt.push(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv(i) }, aesKey, pt.subarray(pos, pos + STEP)));
  }

  const enc = {
    a_abi() {
      check(m._coffre_encryptor_new(keyPointer(key), idP, id.length, ctx.revision, ctx.keyVersion, STEP, 0, slot), 'new');
      const e = u32(slot);
      let off = 0;
      for (let pos = 0; pos < size; pos += STEP) {
        check(m._coffre_encryptor_update(e, plainP + pos, Math.min(STEP, size - pos), ctP + off, ctCap - off, slot),
          'update');
        off += u32(slot);
      }
      check(m._coffre_encryptor_finish(e, ctP + off, ctCap - off, slot), 'finish');
      off += u32(slot);
      m._coffre_encryptor_free(e);
      return off;
    },
    b_into() {
      const e = new lib.FileEncryptor(key, ctx);
      const n = e.updateInto(pt, ctOut.buf);
      return n + e.finishInto(ctOut.buf.subarray(n));
    },
    b_alloc() {
      const e = new lib.FileEncryptor(key, ctx);
      return e.update(pt).length + e.finish().length;
    },
    c_into() {
      const e = new lib.FileEncryptor(key, ctx);
      const out = ctOut.buf;
      let n = 0;
      for (let pos = 0; pos < size; pos += STEP) n += e.updateInto(pt.subarray(pos, pos + STEP), out.subarray(n));
      return n + e.finishInto(out.subarray(n));
    },
    c_alloc() {
      const e = new lib.FileEncryptor(key, ctx);
      const parts = [];
      for (let pos = 0; pos < size; pos += STEP) parts.push(e.update(pt.subarray(pos, pos + STEP)));
      parts.push(e.finish());
      return parts.reduce((n, p) => n + p.length, 0);
    },
    d_byob: (keep) => readByob(lib.encryptStream(sourceOf(pt), key, ctx), keep && ctOut),
    d_transform: () => readDefault(sourceOf(pt).pipeThrough(lib.createEncryptTransform(key, ctx))),
    async e_webcrypto() {
      let n = 0;
      for (let i = 0, pos = 0; pos < size; i++, pos += STEP) {
        n += (await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv(i) }, aesKey, pt.subarray(pos, pos + STEP)))
          .byteLength;
      }
      return n;
    },
  };
  const dec = {
    a_abi() {
      check(m._coffre_decryptor_new(keyPointer(key), idP, id.length, ctx.revision, ctx.keyVersion, 0, slot), 'new');
      const d = u32(slot);
      let off = 0;
      for (let pos = 0; pos < ctLen; pos += STEP) {
        check(m._coffre_decryptor_update(d, ctP + pos, Math.min(STEP, ctLen - pos), outP + off, size + STEP - off,
          slot), 'update');
        off += u32(slot);
      }
      check(m._coffre_decryptor_finish(d, outP + off, size + STEP - off, slot), 'finish');
      off += u32(slot);
      if (m._coffre_decryptor_ended_properly(d) !== 1) throw new Error('not ended properly');
      m._coffre_decryptor_free(d);
      return off;
    },
    b_into() {
      const d = new lib.FileDecryptor(key, ctx);
      const n = d.updateInto(ct, ptOut.buf);
      return n + d.finishInto(ptOut.buf.subarray(n));
    },
    b_alloc() {
      const d = new lib.FileDecryptor(key, ctx);
      return d.update(ct).length + d.finish().length;
    },
    c_into() {
      const d = new lib.FileDecryptor(key, ctx);
      const out = ptOut.buf;
      let n = 0;
      for (let pos = 0; pos < ctLen; pos += STEP) n += d.updateInto(ct.subarray(pos, pos + STEP), out.subarray(n));
      return n + d.finishInto(out.subarray(n));
    },
    c_alloc() {
      const d = new lib.FileDecryptor(key, ctx);
      const parts = [];
      for (let pos = 0; pos < ctLen; pos += STEP) parts.push(d.update(ct.subarray(pos, pos + STEP)));
      parts.push(d.finish());
      return parts.reduce((n, p) => n + p.length, 0);
    },
    d_byob: (keep) => readByob(lib.decryptStream(sourceOf(ct), key, ctx), keep && ptOut),
    d_transform: () => readDefault(sourceOf(ct).pipeThrough(lib.createDecryptTransform(key, ctx))),
    async e_webcrypto() {
      let n = 0;
      for (let i = 0; i < aesCt.length; i++) {
        n += (await crypto.subtle.decrypt({ name: 'AES-GCM', iv: iv(i) }, aesKey, aesCt[i])).byteLength;
      }
      return n;
    },
  };

  // Output checks (warm-up rounds only: comparing 256 MiB takes a while).
  const expect = {
    enc: (name, n) => {
      if (name === 'e_webcrypto') return n === size + 16 * aesCt.length;
      return n === ctLen;
    },
    dec: (name, n) => n === size,
  };
  function verify(op, name) {
    if (op !== 'dec' || name === 'e_webcrypto') return true;
    if (name === 'a_abi') return sameBytes(m.HEAPU8.subarray(outP, outP + size), pt);
    if (name.endsWith('alloc') || name === 'd_transform') return true; // outputs not kept
    return sameBytes(ptOut.buf.subarray(0, size), pt);
  }
  async function verifyEncrypted(name) {
    // The ciphertext in ctOut (b_into, c_into, d_byob) must decrypt to pt.
    if (!['b_into', 'c_into', 'd_byob'].includes(name)) return true;
    const d = new lib.FileDecryptor(key, ctx);
    const got = new Uint8Array(ctLen);
    const n = d.updateInto(ctOut.buf.subarray(0, ctLen), got);
    const total = n + d.finishInto(got.subarray(n));
    return d.endedProperly && total === size && sameBytes(got.subarray(0, size), pt);
  }

  // An older package (bench/js_browser_bench.mjs --pkg) lacks the caller-buffer API and byte streams: skip those.
  const missing = [];
  if (typeof lib.FileEncryptor.prototype.updateInto !== 'function') missing.push('b_into', 'c_into');
  try {
    await lib.encryptStream(new Blob([]), key, ctx).getReader({ mode: 'byob' }).cancel();
  } catch {
    missing.push('d_byob');
  }
  const names = Object.keys(enc).filter((n) => !missing.includes(n));
  const times = { enc: {}, dec: {} };
  for (const op of ['enc', 'dec']) for (const name of names) times[op][name] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    for (const op of ['enc', 'dec']) {
      const table = op === 'enc' ? enc : dec;
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + r) % names.length];
        collectGarbage(); // what earlier variants left: not this one's to pay
        const t0 = performance.now();
        const n = await table[name](r < warmup);
        collectGarbage(); // what this variant left: its own to pay
        const s = (performance.now() - t0) / 1e3;
        if (!expect[op](name, n)) throw new Error(`${op} ${name}: ${n} bytes`);
        if (r < warmup) {
          if (!verify(op, name)) throw new Error(`${op} ${name}: wrong plaintext`);
          if (op === 'enc' && !(await verifyEncrypted(name))) throw new Error(`enc ${name}: does not decrypt`);
        } else {
          times[op][name].push(s);
        }
      }
    }
  }
  for (const p of [idP, slot, plainP, ctP, outP]) m._free(p);
  key.dispose();

  const mbps = (s) => size / s / 1e6;
  const result = { sizeMib, rounds, warmup, skipped: missing, ops: {} };
  for (const op of ['enc', 'dec']) {
    const t = times[op];
    const o = { mbps: {}, vsAbi: {}, vsWebCrypto: {} };
    for (const name of names) {
      o.mbps[name] = median(t[name].map(mbps));
      // Ratios per round (both sides of a ratio ran within seconds of each other), then the median.
      o.vsAbi[name] = median(t[name].map((s, i) => t.a_abi[i] / s));
      o.vsWebCrypto[name] = median(t[name].map((s, i) => t.e_webcrypto[i] / s));
    }
    o.rounds = Object.fromEntries(names.map((n) => [n, t[n].map((s) => +mbps(s).toFixed(1))]));
    result.ops[op] = o;
  }
  return result;
}
