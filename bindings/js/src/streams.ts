// Web Streams over FileEncryptor / FileDecryptor (works with fetch bodies, Blob.stream(), file system streams).
import type { Context } from './context.js';
import { CoffreError } from './errors.js';
import {
  FileDecryptor, FileEncryptor, type FileOptions, type PassphraseLimits, type PassphraseOptions, SLICE,
} from './file.js';
import { type Bytes, dataArg } from './handle.js';
import type { FileSecret } from './key.js';
import { invalidArgument, wasm } from './wasm.js';

type Chunk = Bytes;

/** A readable stream of bytes, or a Blob (a File) read as a stream. */
export type ByteSource = ReadableStream<Chunk> | Blob;

// Duck-typed: streams and Blobs from another realm (an iframe, node's stream/web) are not instances of ours.
function readableOf(source: ByteSource): ReadableStream<Chunk> {
  const s = source as Partial<ReadableStream<Chunk> & Blob> | null;
  if (typeof s?.pipeThrough === 'function') return source as ReadableStream<Chunk>;
  if (typeof s?.stream === 'function') return (source as Blob).stream();
  throw invalidArgument('the source must be a ReadableStream or a Blob.');
}

function transformOver(stream: FileEncryptor | FileDecryptor): TransformStream<Chunk, Uint8Array> {
  return new TransformStream<Chunk, Uint8Array>({
    transform(chunk, controller) {
      try {
        const out = stream.update(dataArg('stream chunk', chunk));
        if (out.length > 0) controller.enqueue(out);
      } catch (e) {
        // A decryption failure carries the plaintext that authenticated before it: pass it on, then fail the stream.
        if (e instanceof CoffreError && e.released.length > 0) controller.enqueue(e.released);
        throw e;
      }
    },
    flush(controller) {
      try {
        const out = stream.finish();
        if (out.length > 0) controller.enqueue(out);
      } catch (e) {
        if (e instanceof CoffreError && e.released.length > 0) controller.enqueue(e.released);
        throw e;
      }
    },
    // Not every engine calls this yet (it is recent in the Streams spec); the FinalizationRegistry covers the rest.
    cancel() {
      stream.dispose();
    },
  } as Transformer<Chunk, Uint8Array>);
}

let byteStreams: boolean | undefined;

// ReadableStream of type 'bytes' (BYOB readers): Chromium, Firefox, node >= 18; feature-tested for other engines.
function byteStreamsSupported(): boolean {
  if (byteStreams === undefined) {
    try {
      new ReadableStream({ type: 'bytes' });
      byteStreams = true;
    } catch {
      byteStreams = false;
    }
  }
  return byteStreams;
}

// What a race against an already settled promise yields when the source's next read has not settled.
const NOT_READY = Symbol('not ready');

/**
 * `source` through `stream` as a byte stream. A BYOB read is filled in one pull: output left from the last read, then
 * slices of the source chunks that are available now (one that is not is awaited only while the view is still empty),
 * each fed to the stream and its output copied from the module's memory straight into the reader's view (no
 * allocation). A default reader gets one fresh chunk per slice. Output that does not fit the view waits in the module
 * for the next read. A decryption failure delivers the plaintext that authenticated before it, then errors the stream.
 */
function byteStreamOver(source: ReadableStream<Chunk>, stream: FileEncryptor | FileDecryptor): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let input: Uint8Array = new Uint8Array(0); // the source chunk being fed
  let inputAt = 0;
  let outAt = 0; // undelivered output: [outAt, outEnd) of the stream's heap output, or of `released` after a failure
  let outEnd = 0;
  let ended = false;
  let released: Uint8Array | undefined;
  let failure: unknown;
  let unsettled: Promise<ReadableStreamReadResult<Chunk>> | undefined; // a source read a full pull did not wait for

  // The source's next chunk: waited for, or (wait false) only if it is there now (else undefined, kept for later).
  async function nextChunk(wait: boolean): Promise<ReadableStreamReadResult<Chunk> | undefined> {
    const read = unsettled ?? reader.read();
    unsettled = undefined;
    if (wait) return read;
    // A read of a queued chunk is already settled: its reaction runs before the resolved promise's.
    const first = await Promise.race([read, Promise.resolve(NOT_READY)]);
    if (first !== NOT_READY) return first;
    unsettled = read;
    return undefined;
  }

  // Makes output pending (one slice through the stream, or the end): false if that needs a chunk not there yet.
  async function advance(wait: boolean): Promise<boolean> {
    if (inputAt === input.length) {
      const next = await nextChunk(wait);
      if (next === undefined) return false;
      if (next.done) {
        ended = true;
        [outAt, outEnd] = [0, stream.step(null)];
        return true;
      }
      [input, inputAt] = [dataArg('stream chunk', next.value), 0];
      return true; // an empty chunk makes no output: the caller comes back
    }
    const slice = input.subarray(inputAt, inputAt + SLICE);
    inputAt += slice.length;
    [outAt, outEnd] = [0, stream.step(slice)];
    return true;
  }

  // Makes output pending or ends (with the stream's end or its failure); waits for the source only if `wait`.
  async function produce(wait: boolean): Promise<void> {
    try {
      while (outAt === outEnd && !ended && failure === undefined && await advance(wait));
    } catch (e) {
      fail(e);
    }
  }

  function pending(): Uint8Array {
    if (released !== undefined) return released.subarray(outAt, outEnd);
    const at = stream.heapOutput();
    return wasm().HEAPU8.subarray(at + outAt, at + outEnd);
  }

  function fail(e: unknown): void {
    stream.dispose();
    failure = e;
    released = e instanceof CoffreError ? e.released : new Uint8Array(0);
    [outAt, outEnd] = [0, released.length];
    unsettled = undefined;
    reader.cancel(e).catch(() => {});
  }

  // Copies pending output into `view` from `at`: returns the new fill.
  function copyInto(view: Uint8Array, at: number): number {
    const n = Math.min(view.length - at, outEnd - outAt);
    if (n > 0) view.set(pending().subarray(0, n), at);
    outAt += n;
    return at + n;
  }

  // One BYOB read: as much of `view` as the output pending and the source's available chunks fill.
  async function fill(view: Uint8Array): Promise<number> {
    let filled = copyInto(view, 0);
    while (filled < view.length && !ended && failure === undefined) {
      await produce(filled === 0);
      if (outAt === outEnd) break; // the source has nothing more now, or it ended with no output
      filled = copyInto(view, filled);
    }
    return filled;
  }

  const underlying: UnderlyingByteSource = {
    type: 'bytes',
    async pull(controller) {
      const request = controller.byobRequest;
      if (request?.view) {
        const v = request.view;
        const filled = await fill(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        if (filled > 0) request.respond(filled);
        if (filled > 0 && (outAt < outEnd || failure !== undefined || !ended)) return;
      } else {
        await produce(true);
        if (outAt < outEnd) {
          controller.enqueue(pending().slice()); // a copy: a chunk's buffer is transferred, the module's cannot be
          outAt = outEnd;
          if (failure !== undefined || !ended) return;
        }
      }
      // Nothing left to deliver: an error is raised only now, so that the released plaintext reached a reader.
      if (failure !== undefined) {
        controller.error(failure);
        return;
      }
      stream.dispose();
      controller.close();
      controller.byobRequest?.respond(0);
    },
    cancel(reason) {
      stream.dispose();
      return reader.cancel(reason);
    },
  };
  return new ReadableStream(underlying);
}

function readableThrough(source: ByteSource, stream: () => FileEncryptor | FileDecryptor): ReadableStream<Uint8Array> {
  const readable = readableOf(source);
  const s = stream();
  return byteStreamsSupported() ? byteStreamOver(readable, s) : readable.pipeThrough(transformOver(s));
}

/** A TransformStream from plaintext to a coffre file (header, then chunks). */
export function createEncryptTransform(secret: FileSecret, context: Context,
  options: FileOptions & PassphraseOptions = {}): TransformStream<Chunk, Uint8Array> {
  return transformOver(new FileEncryptor(secret, context, options));
}

/**
 * A TransformStream from a coffre file to its plaintext. Every byte it emits authenticated; the readable side errors
 * (with a CoffreError) unless the file ended properly, so a stream that closes without error is complete.
 */
export function createDecryptTransform(secret: FileSecret, context: Context,
  limits: PassphraseLimits = {}): TransformStream<Chunk, Uint8Array> {
  return transformOver(new FileDecryptor(secret, context, limits));
}

/**
 * Encrypts plaintext from a readable stream or a Blob (a File): `encryptStream(file, key, context)`;
 * `new Response(encryptStream(...)).blob()` collects it. The result is a byte stream (type 'bytes') where the engine
 * has them: `getReader({ mode: 'byob' })` reads the ciphertext into the caller's own buffers.
 */
export function encryptStream(source: ByteSource, secret: FileSecret, context: Context,
  options: FileOptions & PassphraseOptions = {}): ReadableStream<Uint8Array> {
  return readableThrough(source, () => new FileEncryptor(secret, context, options));
}

/**
 * Decrypts a coffre file from a readable stream or a Blob: `decryptStream((await fetch(url)).body, key, context)`,
 * `decryptStream(blob, key, context)`. Every byte it delivers authenticated; it errors (with a CoffreError, after
 * delivering the plaintext that authenticated before the failure) unless the file ended properly. A byte stream like
 * encryptStream's: BYOB readers read into their own buffers.
 */
export function decryptStream(source: ByteSource, secret: FileSecret, context: Context,
  limits: PassphraseLimits = {}): ReadableStream<Uint8Array> {
  return readableThrough(source, () => new FileDecryptor(secret, context, limits));
}
