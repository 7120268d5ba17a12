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

/**
 * `source` through `stream` as a byte stream. Each pull feeds the stream one slice of the source (reading the source
 * when needed) and copies the output from the module's memory straight into the reader's view (a BYOB reader: no
 * allocation), or into one fresh chunk (a default reader). Output that does not fit the view waits in the module for
 * the next read. A decryption failure delivers the plaintext that authenticated before it, then errors the stream.
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

  async function produce(): Promise<void> {
    while (outAt === outEnd && !ended) {
      if (inputAt === input.length) {
        const next = await reader.read();
        if (next.done) {
          ended = true;
          [outAt, outEnd] = [0, stream.step(null)];
          return;
        }
        [input, inputAt] = [dataArg('stream chunk', next.value), 0];
        continue;
      }
      const slice = input.subarray(inputAt, inputAt + SLICE);
      inputAt += slice.length;
      [outAt, outEnd] = [0, stream.step(slice)];
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
    reader.cancel(e).catch(() => {});
  }

  const underlying: UnderlyingByteSource = {
    type: 'bytes',
    async pull(controller) {
      if (failure === undefined) {
        try {
          await produce();
        } catch (e) {
          fail(e);
        }
      }
      if (outAt < outEnd) {
        const bytes = pending();
        const view = controller.byobRequest?.view;
        if (view) {
          const n = Math.min(view.byteLength, bytes.length);
          new Uint8Array(view.buffer, view.byteOffset, n).set(bytes.subarray(0, n));
          outAt += n;
          controller.byobRequest!.respond(n);
        } else {
          controller.enqueue(bytes.slice()); // a copy: a chunk's buffer is transferred, the module's cannot be
          outAt = outEnd;
        }
        if (outAt < outEnd || failure !== undefined || !ended) return;
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
