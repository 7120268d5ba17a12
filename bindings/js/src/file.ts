// File envelope (docs/SPEC.md section 5): streaming encryption and decryption, header inspection.
import { type Context, encodeContext } from './context.js';
import { Status } from './errors.js';
import { type FileSecret, isPassphrase, keyPointer, passphraseBytes } from './key.js';
import { type Bytes, dataArg } from './handle.js';
import { check, errorFor, type Exports, invalidArgument, wasm, withFrame } from './wasm.js';

/** Input is handed to the module in slices of at most this size, so the heap stays small for big buffers. */
const SLICE = 1 << 20;

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

// concat, then wipe the pieces (they may hold plaintext).
function concatWipe(parts: Uint8Array[]): Uint8Array {
  const out = concat(parts);
  if (parts.length > 1) for (const p of parts) p.fill(0);
  return out;
}

interface StreamFns {
  maxUpdate(p: number, inLen: number): number;
  maxFinish(p: number): number;
  update(p: number, input: number, inLen: number, out: number, cap: number, outLen: number): number;
  finish(p: number, out: number, cap: number, outLen: number): number;
  free(p: number): void;
}

// One call into a streaming handle: the output written (also on error, see coffre.h) and the status.
function step(fns: StreamFns, p: number, input: Uint8Array | null): { out: Uint8Array; status: number } {
  return withFrame((f) => {
    const cap = (input ? fns.maxUpdate(p, input.length) : fns.maxFinish(p)) >>> 0;
    const inPtr = input ? f.bytes(input) : 0;
    const outPtr = f.alloc(cap);
    const outLen = f.alloc(4);
    const status = input
      ? fns.update(p, inPtr, input.length, outPtr, cap, outLen)
      : fns.finish(p, outPtr, cap, outLen);
    return { out: f.read(outPtr, f.u32(outLen)), status };
  });
}

/** Shared machinery of FileEncryptor and FileDecryptor: a native handle, freed when the stream ends. */
abstract class NativeStream {
  #p: number;
  readonly #fns: StreamFns;
  readonly #registry: FinalizationRegistry<number>;

  protected constructor(p: number, fns: StreamFns, registry: FinalizationRegistry<number>) {
    this.#p = p;
    this.#fns = fns;
    this.#registry = registry;
    registry.register(this, p, this);
  }

  /** Feeds `data` (a Uint8Array, an ArrayBuffer or any ArrayBufferView); returns the output that is final so far. */
  update(bytes: Bytes): Uint8Array {
    const data = dataArg('data', bytes);
    const p = this.#live();
    const parts: Uint8Array[] = [];
    for (let off = 0; ; off += SLICE) {
      const { out, status } = step(this.#fns, p, data.subarray(off, off + SLICE));
      parts.push(out);
      if (status !== 0) this.#fail(status, parts);
      if (off + SLICE >= data.length) break;
    }
    return concatWipe(parts);
  }

  /** Ends the stream; returns the last output. The native handle is freed: later calls throw bad_state. */
  finish(): Uint8Array {
    const p = this.#live();
    const { out, status } = step(this.#fns, p, null);
    if (status !== 0) this.#fail(status, [out]);
    this.onFinished(p);
    this.dispose();
    return out;
  }

  /** Wipes and frees the native state. Idempotent; called by finish() and on any error. */
  dispose(): void {
    if (this.#p === 0) return;
    this.#registry.unregister(this);
    this.#fns.free(this.#p);
    this.#p = 0;
  }

  protected onFinished(_p: number): void {}
  protected abstract releases(): boolean;

  #live(): number {
    if (this.#p === 0) throw errorFor(Status.bad_state);
    return this.#p;
  }

  #fail(status: number, parts: Uint8Array[]): never {
    this.dispose();
    throw errorFor(status, this.releases() ? concatWipe(parts) : undefined);
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

let encryptorRegistry: FinalizationRegistry<number> | undefined;
let decryptorRegistry: FinalizationRegistry<number> | undefined;

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
    encryptorRegistry ??= new FinalizationRegistry((q) => wasm()._coffre_encryptor_free(q));
    super(p, encryptorFns(m), encryptorRegistry);
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
    decryptorRegistry ??= new FinalizationRegistry((q) => wasm()._coffre_decryptor_free(q));
    super(p, decryptorFns(m), decryptorRegistry);
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
