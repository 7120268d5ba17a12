// Handles of the C ABI and the argument and output helpers of devices.ts, sharing.ts and drive.ts. Internal: not
// exported from index.ts.
import { Status } from './errors.js';
import { check, errorFor, type Frame, invalidArgument, wasm } from './wasm.js';

export type Ptr = number;

/** The name of a C function freeing a handle, e.g. `_coffre_trust_store_free`. */
export type FreeFn = `_coffre_${string}_free`;

function freeBy(free: FreeFn, p: Ptr): void {
  (wasm() as unknown as Record<FreeFn, (p: Ptr) => void>)[free](p);
}

// Handles not disposed are freed (and wiped) when collected; dispose() does it now.
const registry = new FinalizationRegistry<{ p: Ptr; free: FreeFn }>(({ p, free }) => freeBy(free, p));

/** A handle in the WebAssembly module, freed (and its secrets wiped) by dispose(). */
export abstract class Handle {
  #p: Ptr | undefined;
  readonly #free: FreeFn;

  protected constructor(p: Ptr, free: FreeFn) {
    this.#p = p;
    this.#free = free;
    registry.register(this, { p, free }, this);
  }

  /** @internal */
  ptr(): Ptr {
    if (this.#p === undefined) {
      throw errorFor(Status.invalid_argument, undefined, `This ${this.constructor.name} was disposed.`);
    }
    return this.#p;
  }

  /** Frees the handle, wiping any secret it holds. Idempotent. */
  dispose(): void {
    if (this.#p === undefined) return;
    const p = this.#p;
    this.#p = undefined;
    registry.unregister(this);
    freeBy(this.#free, p);
  }

  get disposed(): boolean {
    return this.#p === undefined;
  }
}

/** The pointer of `v` if it is an instance of `cls` (a handle class of this package), else invalid_argument. */
export function handleOf(cls: { prototype: { ptr(): Ptr }; name: string }, v: unknown, name: string): Ptr {
  if (typeof v !== 'object' || v === null || !Object.prototype.isPrototypeOf.call(cls.prototype, v)) {
    throw invalidArgument(`${name} must be a ${cls.name}.`);
  }
  return (v as { ptr(): Ptr }).ptr();
}

export function bytesArg(name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw invalidArgument(`${name} must be a Uint8Array.`);
  return v;
}

/** What the encrypt/decrypt entry points take as data: any BufferSource. */
export type Bytes = Uint8Array | ArrayBuffer | ArrayBufferView;

/** `v` (a Uint8Array, an ArrayBuffer or any ArrayBufferView) as a Uint8Array over the same memory: no copy. */
export function dataArg(name: string, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw invalidArgument(`${name} must be a Uint8Array, an ArrayBuffer or an ArrayBufferView.`);
}

/** An id of exactly `size` bytes (user, document, node). */
export function idArg(name: string, v: unknown, size = 16): Uint8Array {
  const b = bytesArg(name, v);
  if (b.length !== size) throw invalidArgument(`${name} must be ${size} bytes.`);
  return b;
}

/** A uint64 from a number or a bigint. */
export function u64Arg(name: string, v: number | bigint | undefined, fallback = 0n): bigint {
  if (v === undefined) return fallback;
  const b = typeof v === 'bigint' ? v : Number.isSafeInteger(v) ? BigInt(v) : -1n;
  if (b < 0n || b >= 1n << 64n) throw invalidArgument(`${name} must be an integer between 0 and 2^64 - 1.`);
  return b;
}

export function u32Arg(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw invalidArgument(`${name} must be an integer between 0 and 2^32 - 1.`);
  }
  return v;
}

/** A fixed-size output: `size` bytes filled by `fill(out, size)`. */
export function fixed(f: Frame, size: number, fill: (out: Ptr, size: number) => number): Uint8Array {
  const out = f.alloc(size);
  check(fill(out, size));
  return f.read(out, size);
}

/** A library-owned output buffer: call `fill(out, outLen)`, copy it out and free (wipe) it. */
export function owned(f: Frame, fill: (out: Ptr, outLen: Ptr) => number): Uint8Array {
  const out = f.alloc(4);
  const outLen = f.alloc(4);
  check(fill(out, outLen));
  return takeOwned(f, out, outLen);
}

/** The library buffer whose pointer and length are at `out` and `outLen`: copied out, then freed (wiped). */
export function takeOwned(f: Frame, out: Ptr, outLen: Ptr): Uint8Array {
  const p = f.u32(out);
  const len = f.u32(outLen);
  const bytes = f.read(p, len);
  f.m._coffre_buffer_free(p, len);
  return bytes;
}

/** A new handle from `make(out)`. */
export function newHandle(f: Frame, make: (out: Ptr) => number): Ptr {
  const out = f.alloc(4);
  check(make(out));
  return f.u32(out);
}

/** NUL-terminated text written by the library into a buffer of `cap` bytes. */
export function text(f: Frame, cap: number, fill: (out: Ptr, cap: number) => number): string {
  const out = f.alloc(cap);
  check(fill(out, cap));
  const bytes = f.read(out, cap);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.subarray(0, end < 0 ? cap : end));
}

/** `items` (each `size` bytes) concatenated: how the C ABI takes lists of ids. */
export function concat(name: string, items: readonly Uint8Array[], size = 16): Uint8Array {
  if (!Array.isArray(items)) throw invalidArgument(`${name} must be an array of Uint8Array.`);
  const out = new Uint8Array(items.length * size);
  items.forEach((item, i) => out.set(idArg(`${name}[${i}]`, item, size), i * size));
  return out;
}

/** `items` as frames (u32 big-endian length || bytes): how the C ABI takes lists of records. */
export function frames(name: string, items: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(items)) throw invalidArgument(`${name} must be an array of Uint8Array.`);
  let total = 0;
  for (const item of items) total += 4 + bytesArg(name, item).length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const item of items) {
    view.setUint32(at, item.length);
    out.set(item, at + 4);
    at += 4 + item.length;
  }
  return out;
}
