// File envelope (docs/SPEC.md section 5): streaming encryption and decryption, header inspection.
import { type Context, encodeContext } from './context.js';
import { CoffreError, Status } from './errors.js';
import { type FileSecret, isPassphrase, keyPointer, passphraseBytes } from './key.js';
import { type Bytes, dataArg } from './handle.js';
import { check, errorFor, type Exports, invalidArgument, wasm, withFrame } from './wasm.js';

/**
 * Input is handed to the module in slices of at most this size: the stream's two heap buffers stay small (and in the
 * CPU's cache, where the copies in and out cost little) whatever the size of the caller's data. @internal
 */
export const SLICE = 1 << 18;
/** The most one `updateInto()` takes: the C ABI's output bound is a 32-bit size_t. */
const MAX_CALL = 1 << 30;

export interface FileOptions {
  /** Plaintext bytes per chunk, 64 to 1048576 (default 65536). */
  chunkSize?: number;
}

/**
 * Argon2id cost for a passphrase (written in the header). Defaults: 3 passes, 256 MiB. Encryption refuses
 * (invalid_argument) less than MIN_OPSLIMIT passes or MIN_MEMLIMIT_KIB, and an empty passphrase (docs/SPEC.md 5.1).
 */
export interface PassphraseOptions {
  opslimit?: number;
  memlimitKib?: number;
}

export const DEFAULT_OPSLIMIT = 3;
export const DEFAULT_MEMLIMIT_KIB = 256 * 1024;
/** OWASP's Argon2id minimum (m = 19 MiB, t = 2, p = 1): the least an encryptor accepts. */
export const MIN_OPSLIMIT = 2;
export const MIN_MEMLIMIT_KIB = 19 * 1024;

/**
 * The most Argon2id work a reader runs for a passphrase header before anything is authenticated: a header asking for
 * more is refused with `kdf_cost_exceeded` before Argon2id runs. Defaults: 4 passes, 256 MiB (262144 KiB).
 */
export interface PassphraseLimits {
  maxOpslimit?: number;
  maxMemlimitKib?: number;
}

export const DEFAULT_MAX_OPSLIMIT = 4;
export const DEFAULT_MAX_MEMLIMIT_KIB = 256 * 1024;

/** The two limits as the C ABI takes them. @internal */
export function limitArgs(limits: PassphraseLimits): [number, number] {
  if (typeof limits !== 'object' || limits === null) throw invalidArgument('limits must be an object.');
  return [u32Arg('maxOpslimit', limits.maxOpslimit, DEFAULT_MAX_OPSLIMIT),
    u32Arg('maxMemlimitKib', limits.maxMemlimitKib, DEFAULT_MAX_MEMLIMIT_KIB)];
}

export function u32Arg(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw invalidArgument(`${name} must be an integer between 0 and 2^32 - 1.`);
  }
  return v;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

interface StreamFns {
  maxUpdate(p: number, inLen: number): number;
  maxFinish(p: number): number;
  update(p: number, input: number, inLen: number, out: number, cap: number, outLen: number): number;
  finish(p: number, out: number, cap: number, outLen: number): number;
  free(p: number): void;
}

/**
 * What a stream owns in the module: its native handle and two heap buffers (input slice, output of one call) reused by
 * every call, plus the 4-byte out_len slot. Held apart from the stream object so that the FinalizationRegistry can
 * wipe and free it all when a forgotten stream is collected.
 */
interface Native {
  p: number;
  free: (p: number) => void;
  inPtr: number;
  inCap: number;
  outPtr: number;
  outCap: number;
  outLen: number;
}

function wipeFree(m: Exports, ptr: number, size: number): void {
  if (ptr === 0) return;
  m.HEAPU8.fill(0, ptr, ptr + size);
  m._free(ptr);
}

function releaseNative(n: Native): void {
  if (n.p === 0) return;
  const m = wasm();
  n.free(n.p);
  wipeFree(m, n.inPtr, n.inCap);
  wipeFree(m, n.outPtr, n.outCap);
  wipeFree(m, n.outLen, 4);
  Object.assign(n, { p: 0, inPtr: 0, inCap: 0, outPtr: 0, outCap: 0, outLen: 0 });
}

const registry = new FinalizationRegistry<Native>(releaseNative);

// Grows the stream's input or output heap buffer to at least `size` bytes (the old one wiped and freed). Not
// zero-filled: it is overwritten (by a copy or by the library) before it is read.
function reserve(n: Native, side: 'in' | 'out', size: number): void {
  const ptr = side === 'in' ? n.inPtr : n.outPtr;
  const cap = side === 'in' ? n.inCap : n.outCap;
  if (ptr !== 0 && size <= cap) return;
  const m = wasm();
  wipeFree(m, ptr, cap);
  const fresh = m._malloc(Math.max(size, 1));
  const freshCap = fresh === 0 ? 0 : Math.max(size, 1);
  if (side === 'in') Object.assign(n, { inPtr: fresh, inCap: freshCap });
  else Object.assign(n, { outPtr: fresh, outCap: freshCap });
  if (fresh === 0) throw errorFor(Status.out_of_memory, undefined, 'WebAssembly memory is exhausted.');
}

function outArg(out: unknown, data: Uint8Array | null): Uint8Array {
  const o = dataArg('out', out);
  if (data !== null && o.buffer === data.buffer && o.byteOffset < data.byteOffset + data.length &&
      data.byteOffset < o.byteOffset + o.length) {
    throw invalidArgument('out must not overlap the input.');
  }
  return o;
}

/**
 * Shared machinery of FileEncryptor and FileDecryptor: a native handle and its two heap buffers, reused by every call
 * (no allocation per call once they have grown to the caller's slice size), wiped and freed when the stream ends.
 */
abstract class NativeStream {
  readonly #n: Native;
  readonly #fns: StreamFns;
  #status = 0;

  protected constructor(p: number, fns: StreamFns) {
    this.#fns = fns;
    this.#n = { p, free: fns.free, inPtr: 0, inCap: 0, outPtr: 0, outCap: 0, outLen: wasm()._malloc(4) };
    registry.register(this, this.#n, this);
    if (this.#n.outLen === 0) {
      this.dispose();
      throw errorFor(Status.out_of_memory, undefined, 'WebAssembly memory is exhausted.');
    }
  }

  /** The most output `update(data)` / `updateInto(data, out)` can give for `length` bytes of data now. */
  maxUpdateOutput(length: number): number {
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > MAX_CALL) {
      throw invalidArgument(`length must be an integer between 0 and ${MAX_CALL}.`);
    }
    return this.#fns.maxUpdate(this.#live(), length) >>> 0;
  }

  /** The most output `finish()` / `finishInto(out)` can give now. */
  maxFinishOutput(): number {
    return this.#fns.maxFinish(this.#live()) >>> 0;
  }

  /**
   * Feeds `data` (a Uint8Array, an ArrayBuffer or any ArrayBufferView); returns the output that is final so far, in a
   * fresh Uint8Array of its own (for more than 256 KiB of data, its ArrayBuffer may be a little longer than the view).
   */
  update(bytes: Bytes): Uint8Array {
    const data = dataArg('data', bytes);
    if (data.length <= SLICE) {
      const n = this.#run(data);
      const out = wasm().HEAPU8.slice(this.#n.outPtr, this.#n.outPtr + n);
      if (this.#status !== 0) this.#fail(out);
      return out;
    }
    const parts: Uint8Array[] = [];
    for (let off = 0; off < data.length; off += MAX_CALL) {
      const piece = data.subarray(off, off + MAX_CALL);
      const out = new Uint8Array(this.maxUpdateOutput(piece.length));
      try {
        const n = this.updateInto(piece, out);
        parts.push(n === out.length ? out : out.subarray(0, n));
      } catch (e) {
        // What earlier pieces of this call released belongs to this call's `released` too.
        if (parts.length > 0 && e instanceof CoffreError && this.releases()) {
          const released = concat([...parts, e.released]);
          for (const part of parts) part.fill(0);
          throw errorFor(e.status, released);
        }
        throw e;
      }
    }
    return concat(parts);
  }

  /**
   * `update(data)` into the caller's `out` (a Uint8Array or any ArrayBufferView, at least `maxUpdateOutput(length)`
   * bytes, not overlapping `data`): returns the number of bytes written at its start. Nothing is allocated; the only
   * copies are `data` into the module's memory and the output out of it. At most 1 GiB of data per call. A decryptor
   * that fails has written what it released before the failure to `out` (and to the error's `released`).
   */
  updateInto(bytes: Bytes, out: Bytes): number {
    const data = dataArg('data', bytes);
    const o = outArg(out, data);
    if (o.length < this.maxUpdateOutput(data.length)) {
      throw invalidArgument('out is smaller than maxUpdateOutput(data.length).');
    }
    let written = 0;
    for (let off = 0; off === 0 || off < data.length; off += SLICE) {
      written += this.#runInto(data.subarray(off, off + SLICE), o, written);
      if (this.#status !== 0) this.#fail(o.slice(0, written));
    }
    return written;
  }

  /** Ends the stream; returns the last output. The native handle is freed: later calls throw bad_state. */
  finish(): Uint8Array {
    const n = this.#run(null);
    const last = wasm().HEAPU8.slice(this.#n.outPtr, this.#n.outPtr + n);
    this.#end(last);
    return last;
  }

  /** `finish()` into the caller's `out` (at least `maxFinishOutput()` bytes): returns the number of bytes written. */
  finishInto(out: Bytes): number {
    const o = outArg(out, null);
    if (o.length < this.maxFinishOutput()) throw invalidArgument('out is smaller than maxFinishOutput().');
    const n = this.#runInto(null, o, 0);
    this.#end(o.subarray(0, n));
    return n;
  }

  /** Wipes and frees the native state and the stream's heap buffers. Idempotent; called by finish() and on any error. */
  dispose(): void {
    registry.unregister(this);
    releaseNative(this.#n);
  }

  /**
   * One slice (at most 256 KiB, or null to finish) through the module. Its output stays in the stream's heap buffer,
   * at `heapOutput()`, only until the next call. On failure the stream is disposed and the error carries what a
   * decryptor released. @internal (the Web Streams copy the output straight into their readers' views)
   */
  step(slice: Uint8Array | null): number {
    const n = this.#run(slice);
    if (this.#status !== 0) this.#fail(wasm().HEAPU8.slice(this.#n.outPtr, this.#n.outPtr + n));
    if (slice === null) this.#end(null);
    return n;
  }

  /** Where the output of the last `step()` lies in the module's memory (valid until the next call). @internal */
  heapOutput(): number {
    return this.#n.outPtr;
  }

  protected onFinished(_p: number): void {}
  protected abstract releases(): boolean;

  // After a finish: a failed one throws (disposing the stream), a successful one records the end and disposes.
  // The heap output of a successful step(null) is read by the caller before its next call, so dispose() must wait:
  // `last` null means the caller keeps the handle's buffers until it calls dispose() itself.
  #end(last: Uint8Array | null): void {
    if (this.#status !== 0) this.#fail(last ?? new Uint8Array(0));
    this.onFinished(this.#n.p);
    if (last !== null) this.dispose();
  }

  #live(): number {
    if (this.#n.p === 0) throw errorFor(Status.bad_state);
    return this.#n.p;
  }

  // Copies `input` into the heap and runs update (finish for null) into the output buffer: returns the bytes written
  // (also on failure: what a decryptor released) and leaves the status in #status.
  #run(input: Uint8Array | null): number {
    const n = this.#n;
    const fns = this.#fns;
    const p = this.#live();
    const m = wasm();
    reserve(n, 'out', (input ? fns.maxUpdate(p, input.length) : fns.maxFinish(p)) >>> 0);
    if (input) {
      reserve(n, 'in', Math.min(Math.max(input.length, 1 << 16), SLICE));
      m.HEAPU8.set(input, n.inPtr);
    }
    this.#status = input
      ? fns.update(p, n.inPtr, input.length, n.outPtr, n.outCap, n.outLen)
      : fns.finish(p, n.outPtr, n.outCap, n.outLen);
    return new DataView(m.HEAPU8.buffer).getUint32(n.outLen, true);
  }

  #runInto(input: Uint8Array | null, out: Uint8Array, at: number): number {
    const n = this.#run(input);
    out.set(wasm().HEAPU8.subarray(this.#n.outPtr, this.#n.outPtr + n), at);
    return n;
  }

  #fail(released: Uint8Array): never {
    const status = this.#status;
    this.dispose();
    throw errorFor(status, this.releases() ? released : undefined);
  }
}

function encryptorFns(m: Exports): StreamFns {
  return {
    maxUpdate: m._coffre_encryptor_max_update_output,
    maxFinish: m._coffre_encryptor_max_finish_output,
    update: m._coffre_encryptor_update,
    finish: m._coffre_encryptor_finish,
    free: m._coffre_encryptor_free,
  };
}

function decryptorFns(m: Exports): StreamFns {
  return {
    maxUpdate: m._coffre_decryptor_max_update_output,
    maxFinish: m._coffre_decryptor_max_finish_output,
    update: m._coffre_decryptor_update,
    finish: m._coffre_decryptor_finish,
    free: m._coffre_decryptor_free,
  };
}

/**
 * Encrypts a file as a stream: `update()` returns the header and every chunk known not to be the last, `finish()`
 * the final chunk. Memory stays O(chunk size).
 *
 *     const enc = new FileEncryptor(key, context);            // or ({ passphrase }, context, { opslimit, ... })
 *     const parts = [enc.update(a), enc.update(b), enc.finish()];
 */
export class FileEncryptor extends NativeStream {
  constructor(secret: FileSecret, context: Context, options: FileOptions & PassphraseOptions = {}) {
    const m = wasm();
    const chunkSize = u32Arg('chunkSize', options.chunkSize, m._coffre_default_chunk_size());
    const p = withFrame((f) => {
      const c = encodeContext(f, context);
      const out = f.alloc(4);
      if (isPassphrase(secret)) {
        const pw = passphraseBytes(f, secret);
        check(m._coffre_encryptor_new_passphrase(pw.p, pw.len, c.id, c.idLen, c.revision, c.keyVersion,
          u32Arg('opslimit', options.opslimit, DEFAULT_OPSLIMIT),
          u32Arg('memlimitKib', options.memlimitKib, DEFAULT_MEMLIMIT_KIB), chunkSize, 0, out));
      } else {
        check(m._coffre_encryptor_new(keyPointer(secret), c.id, c.idLen, c.revision, c.keyVersion, chunkSize, 0, out));
      }
      return f.u32(out);
    });
    super(p, encryptorFns(m));
  }

  protected releases(): boolean {
    return false;
  }
}

/**
 * Decrypts a file as a stream. Plaintext is released only after its chunk authenticated; a failure throws a
 * CoffreError whose `released` holds what this call released before it. The output is complete only if
 * `endedProperly` is true after `finish()`.
 */
export class FileDecryptor extends NativeStream {
  #endedProperly = false;

  /** @param limits for a passphrase: the most Argon2id work the header may ask for (see PassphraseLimits). */
  constructor(secret: FileSecret, context: Context, limits: PassphraseLimits = {}) {
    const m = wasm();
    const [maxOps, maxMem] = limitArgs(limits);
    const p = withFrame((f) => {
      const c = encodeContext(f, context);
      const out = f.alloc(4);
      if (isPassphrase(secret)) {
        const pw = passphraseBytes(f, secret);
        check(m._coffre_decryptor_new_passphrase(pw.p, pw.len, c.id, c.idLen, c.revision, c.keyVersion, 0, maxOps,
          maxMem, out));
      } else {
        check(m._coffre_decryptor_new(keyPointer(secret), c.id, c.idLen, c.revision, c.keyVersion, 0, out));
      }
      return f.u32(out);
    });
    super(p, decryptorFns(m));
  }

  /** True only after finish() succeeded: a final chunk authenticated and nothing followed it. */
  get endedProperly(): boolean {
    return this.#endedProperly;
  }

  protected override onFinished(p: number): void {
    this.#endedProperly = wasm()._coffre_decryptor_ended_properly(p) === 1;
  }

  protected releases(): boolean {
    return true;
  }
}

/** The public fields of a file header (nothing authenticated yet). */
export interface FileHeaderInfo {
  headerSize: number;
  keySource: 'key' | 'passphrase';
  chunkSize: number;
  keyVersion: number;
  /** Argon2id cost; only for keySource 'passphrase'. */
  passphraseParams?: { opslimit: number; memlimitKib: number };
}

/**
 * Reads the public fields of a file header from the file's first bytes (at least the header: 130 or 154 bytes; the
 * first 10 tell which). Throws `truncated` if fewer, and the spec's errors for a bad prefix.
 */
export function inspectFileHeader(bytes: Bytes): FileHeaderInfo {
  const b = dataArg('bytes', bytes);
  return withFrame((f) => {
    const [size, source, chunk, version, ops, mem] = [f.alloc(4), f.alloc(4), f.alloc(4), f.alloc(4), f.alloc(4),
      f.alloc(4)];
    check(f.m._coffre_file_header_inspect(f.bytes(b), b.length, size, source, chunk, version, ops, mem));
    const info: FileHeaderInfo = {
      headerSize: f.u32(size),
      keySource: f.u32(source) === 2 ? 'passphrase' : 'key',
      chunkSize: f.u32(chunk),
      keyVersion: f.u32(version),
    };
    if (info.keySource === 'passphrase') info.passphraseParams = { opslimit: f.u32(ops), memlimitKib: f.u32(mem) };
    return info;
  });
}
