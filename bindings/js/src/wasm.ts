// Loading the WebAssembly module (the C ABI of bindings/c/include/coffre.h) and moving bytes across its heap.
// Internal: nothing here is part of the public API except LoadOptions.
import { CoffreError, type ErrorCode, Status } from './errors.js';
// The Emscripten glue (wasm/CMakeLists.txt: -sMODULARIZE -sEXPORT_ES6), imported statically so that it is part of
// the package's module graph: bundlers include it in their output like any other module, and nothing is imported by
// URL at run time (a bundle has no coffre.mjs next to it).
import createCoffreModule from './wasm/coffre.mjs';

type Ptr = number;

/** The C functions the module exports (wasm32: pointers and size_t are numbers, uint64_t is a BigInt). */
export interface Exports {
  HEAPU8: Uint8Array;
  _malloc(size: number): Ptr;
  _free(p: Ptr): void;
  _coffre_init(): number;
  _coffre_error_code(status: number): Ptr;
  _coffre_error_message(status: number): Ptr;
  _coffre_content_key_bytes(): number;
  _coffre_document_overhead(): number;
  _coffre_chunk_overhead(): number;
  _coffre_default_chunk_size(): number;
  _coffre_min_chunk_size(): number;
  _coffre_max_chunk_size(): number;
  _coffre_file_header_prefix_bytes(): number;
  _coffre_file_header_max_bytes(): number;
  _coffre_buffer_free(p: Ptr, len: number): void;
  _coffre_key_generate(out: Ptr): number;
  _coffre_key_from_bytes(bytes: Ptr, len: number, out: Ptr): number;
  _coffre_key_export(key: Ptr, out: Ptr, len: number): number;
  _coffre_key_free(key: Ptr): void;
  _coffre_document_seal(key: Ptr, id: Ptr, idLen: number, revision: bigint, keyVersion: number, pt: Ptr,
    ptLen: number, out: Ptr, outLen: Ptr): number;
  _coffre_document_open(key: Ptr, id: Ptr, idLen: number, revision: bigint, keyVersion: number, env: Ptr,
    envLen: number, out: Ptr, outLen: Ptr): number;
  _coffre_file_header_inspect(bytes: Ptr, len: number, headerSize: Ptr, keySource: Ptr, chunkSize: Ptr,
    keyVersion: Ptr, opslimit: Ptr, memlimitKib: Ptr): number;
  _coffre_encryptor_new(key: Ptr, id: Ptr, idLen: number, revision: bigint, keyVersion: number, chunkSize: number,
    threads: number, out: Ptr): number;
  _coffre_encryptor_new_passphrase(pw: Ptr, pwLen: number, id: Ptr, idLen: number, revision: bigint,
    keyVersion: number, opslimit: number, memlimitKib: number, chunkSize: number, threads: number, out: Ptr): number;
  _coffre_encryptor_max_update_output(enc: Ptr, inLen: number): number;
  _coffre_encryptor_max_finish_output(enc: Ptr): number;
  _coffre_encryptor_update(enc: Ptr, input: Ptr, inLen: number, out: Ptr, cap: number, outLen: Ptr): number;
  _coffre_encryptor_finish(enc: Ptr, out: Ptr, cap: number, outLen: Ptr): number;
  _coffre_encryptor_free(enc: Ptr): void;
  _coffre_decryptor_new(key: Ptr, id: Ptr, idLen: number, revision: bigint, keyVersion: number, threads: number,
    out: Ptr): number;
  _coffre_decryptor_new_passphrase(pw: Ptr, pwLen: number, id: Ptr, idLen: number, revision: bigint,
    keyVersion: number, threads: number, maxOpslimit: number, maxMemlimitKib: number, out: Ptr): number;
  _coffre_decryptor_max_update_output(dec: Ptr, inLen: number): number;
  _coffre_decryptor_max_finish_output(dec: Ptr): number;
  _coffre_decryptor_update(dec: Ptr, input: Ptr, inLen: number, out: Ptr, cap: number, outLen: Ptr): number;
  _coffre_decryptor_finish(dec: Ptr, out: Ptr, cap: number, outLen: Ptr): number;
  _coffre_decryptor_ended_properly(dec: Ptr): number;
  _coffre_decryptor_free(dec: Ptr): void;
  _coffre_range_reader_final_chunk_range(header: Ptr, headerLen: number, ciphertextSize: bigint, ctBegin: Ptr,
    ctEnd: Ptr): number;
  _coffre_range_reader_new(header: Ptr, headerLen: number, ciphertextSize: bigint, finalChunk: Ptr,
    finalChunkLen: number, key: Ptr, id: Ptr, idLen: number, revision: bigint, keyVersion: number, out: Ptr): number;
  _coffre_range_reader_new_passphrase(header: Ptr, headerLen: number, ciphertextSize: bigint, finalChunk: Ptr,
    finalChunkLen: number, pw: Ptr, pwLen: number, id: Ptr, idLen: number, revision: bigint, keyVersion: number,
    maxOpslimit: number, maxMemlimitKib: number, out: Ptr): number;
  _coffre_range_reader_plaintext_size(reader: Ptr): bigint;
  _coffre_range_reader_ciphertext_range(reader: Ptr, begin: bigint, end: bigint, ctBegin: Ptr, ctEnd: Ptr): number;
  _coffre_range_reader_read(reader: Ptr, begin: bigint, end: bigint, fetched: Ptr, fetchedLen: number, out: Ptr,
    cap: number): number;
  _coffre_range_reader_free(reader: Ptr): void;
}

/**
 * Where to find the WebAssembly module. The default, `new URL('./wasm/coffre.wasm', import.meta.url)`, suits node
 * (the file is read from disk), any server that serves the package as is, and bundlers that follow that pattern
 * (vite, webpack 5, esbuild with the file copied next to the bundle: see README.md).
 */
export interface LoadOptions {
  /**
   * URL of coffre.wasm, e.g. from `import url from '@coffre/core/wasm/coffre.wasm?url'`. A relative URL is resolved
   * like fetch() does: against the page's (or worker's) location; in node, against this file.
   */
  wasmUrl?: string | URL;
  /** The bytes of coffre.wasm (or a compiled WebAssembly.Module), for bundlers and embedded uses: nothing is fetched. */
  wasmBinary?: BufferSource | WebAssembly.Module;
}

let wasmExports: Exports | undefined;
let loading: Promise<Exports> | undefined;

interface RandomSource {
  getRandomValues<T extends ArrayBufferView | null>(array: T): T;
}

// node < 19 has no global Web Crypto; its `crypto` module has it.
async function randomSource(): Promise<RandomSource> {
  const g = globalThis as { crypto?: RandomSource };
  if (g.crypto?.getRandomValues) return g.crypto;
  const name = 'node:crypto';  // a variable: bundlers for the web must not follow it
  const nodeCrypto = (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as { webcrypto: RandomSource };
  // lib/src/base/random.cpp's bulk source reads globalThis.crypto: give it the same generator.
  if (!g.crypto) {
    Object.defineProperty(globalThis, 'crypto', { value: nodeCrypto.webcrypto, configurable: true, writable: true });
  }
  return nodeCrypto.webcrypto;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

async function wasmSource(url: URL): Promise<BufferSource | Response> {
  if (url.protocol === 'file:' && isNode()) {
    const name = 'node:fs/promises';
    const fs = (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as {
      readFile(u: URL): Promise<Uint8Array<ArrayBuffer>>;
    };
    return fs.readFile(url);
  }
  return fetch(url, { credentials: 'same-origin' });
}

async function instantiate(
  source: BufferSource | WebAssembly.Module | URL,
  imports: WebAssembly.Imports,
): Promise<WebAssembly.Instance> {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, imports);
  const bytes = source instanceof URL ? await wasmSource(source) : source;
  if (!(bytes instanceof Response)) return (await WebAssembly.instantiate(bytes, imports)).instance;
  if (!bytes.ok) throw new Error(`coffre: fetching ${bytes.url} failed: HTTP ${bytes.status}`);
  if (typeof WebAssembly.instantiateStreaming === 'function' &&
      bytes.headers.get('Content-Type')?.split(';')[0]?.trim() === 'application/wasm') {
    return (await WebAssembly.instantiateStreaming(bytes, imports)).instance;
  }
  return (await WebAssembly.instantiate(await bytes.arrayBuffer(), imports)).instance;
}

// The literal `new URL('./…', import.meta.url)` is what bundlers recognise: they emit the file as an asset and
// rewrite the URL to it. Evaluated only when no location was given (import.meta.url is empty in IIFE bundles).
function defaultWasmUrl(): URL {
  return new URL('./wasm/coffre.wasm', import.meta.url);
}

function wasmLocation(options: LoadOptions): BufferSource | WebAssembly.Module | URL {
  if (options.wasmBinary !== undefined) return options.wasmBinary;
  if (options.wasmUrl === undefined) return defaultWasmUrl();
  const base = (globalThis as { location?: { href?: string } }).location?.href ?? import.meta.url;
  return new URL(options.wasmUrl, base);
}

async function load(options: LoadOptions): Promise<Exports> {
  const wasm = wasmLocation(options);
  const random = await randomSource();

  let fail: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // libsodium 1.0.18's Emscripten randombytes_buf() calls Module.getRandomValue() once per random BYTE (it ignores
  // randombytes_set_implementation, so lib/src/base/random.cpp's bulk source is never reached). One getRandomValues()
  // call per byte costs ~5 us in node: serve the values from a small pool, refilled in bulk and wiped as consumed.
  // Setting getRandomValue also skips libsodium's own detection, which needs `window`/`self` or `require` (absent
  // in node ES modules).
  const pool = new Uint32Array(64);
  let next = pool.length;
  const module = createCoffreModule({
    getRandomValue: () => {
      if (next === pool.length) {
        random.getRandomValues(pool);
        next = 0;
      }
      const v = pool[next]! >>> 0;
      pool[next++] = 0;
      return v;
    },
    // The module is instantiated here, not by Emscripten's loader: the same artifact then works in a page, a
    // worker and node (no fetch() of a file path, no __dirname).
    instantiateWasm: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void) => {
      instantiate(wasm, imports).then(receive, fail);
      return {};
    },
    // Any locateFile makes the glue skip its own `new URL('coffre.wasm', import.meta.url)`, which it never fetches
    // (instantiateWasm above) and which throws where import.meta.url is empty.
    locateFile: (path: string) => path,
    onAbort: (what: unknown) => fail(new Error(`coffre: WebAssembly module aborted: ${String(what)}`)),
    print: () => {},
    printErr: () => {},
  });
  const m = await Promise.race([module, failed]);
  const status = m._coffre_init();
  if (status !== 0) throw new Error(`coffre: initialization failed (status ${status})`);
  return m;
}

/** Loads and initializes the module once; later calls return the same promise. */
export function loadModule(options: LoadOptions = {}): Promise<Exports> {
  if (loading === undefined) {
    loading = load(options).then(
      (m) => {
        wasmExports = m;
        return m;
      },
      (e: unknown) => {
        loading = undefined; // let a later call retry (e.g. after a network error)
        throw e;
      },
    );
  }
  return loading;
}

export function isLoaded(): boolean {
  return wasmExports !== undefined;
}

/** The loaded module; throws a CoffreError (bad_state) before `await Coffre.load()`. */
export function wasm(): Exports {
  if (wasmExports === undefined) {
    throw new CoffreError(Status.bad_state, 'bad_state', 'coffre is not loaded: call `await Coffre.load()` first.');
  }
  return wasmExports;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

function cString(m: Exports, p: Ptr): string {
  const heap = m.HEAPU8;
  let end = p;
  while (heap[end] !== 0) end++;
  return new TextDecoder().decode(heap.subarray(p, end));
}

/** The CoffreError for a status of the C ABI, with its code and message from the library. */
export function errorFor(status: number, released?: Uint8Array, message?: string): CoffreError {
  const m = wasm();
  const code = cString(m, m._coffre_error_code(status)) as ErrorCode;
  return new CoffreError(status, code, message ?? cString(m, m._coffre_error_message(status)), released);
}

export function check(status: number): void {
  if (status !== 0) throw errorFor(status);
}

export function invalidArgument(message: string): CoffreError {
  return errorFor(Status.invalid_argument, undefined, message);
}

// ---------------------------------------------------------------------------------------------------------------
// Heap buffers: every allocation is zeroed before it is freed (keys, passphrases and plaintext pass through them).

/**
 * The allocations of one call into the module. `release()` wipes and frees them all; use it in a `finally`.
 * Pointers stay valid across memory growth, but views of the heap do not: always go through `m.HEAPU8` afresh.
 */
export class Frame {
  readonly m: Exports;
  private readonly allocations: Array<[Ptr, number]> = [];

  constructor() {
    this.m = wasm();
  }

  /** `size` zeroed bytes (a valid, non-null pointer even for 0). */
  alloc(size: number): Ptr {
    const p = this.m._malloc(Math.max(size, 1));
    if (p === 0) throw errorFor(Status.out_of_memory, undefined, 'WebAssembly memory is exhausted.');
    this.allocations.push([p, Math.max(size, 1)]);
    this.m.HEAPU8.fill(0, p, p + Math.max(size, 1));
    return p;
  }

  /** A copy of `bytes` on the heap. */
  bytes(bytes: Uint8Array): Ptr {
    const p = this.alloc(bytes.length);
    this.m.HEAPU8.set(bytes, p);
    return p;
  }

  /** A copy of bytes out of the heap. */
  read(p: Ptr, len: number): Uint8Array {
    return this.m.HEAPU8.slice(p, p + len);
  }

  u32(p: Ptr): number {
    return new DataView(this.m.HEAPU8.buffer).getUint32(p, true);
  }

  u64(p: Ptr): bigint {
    return new DataView(this.m.HEAPU8.buffer).getBigUint64(p, true);
  }

  release(): void {
    const heap = this.m.HEAPU8;
    for (const [p, size] of this.allocations) {
      heap.fill(0, p, p + size);
      this.m._free(p);
    }
    this.allocations.length = 0;
  }
}

/** Runs `body` with a Frame, always wiping and freeing its allocations. */
export function withFrame<T>(body: (f: Frame) => T): T {
  const f = new Frame();
  try {
    return body(f);
  } finally {
    f.release();
  }
}
