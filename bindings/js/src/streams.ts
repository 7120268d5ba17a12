// Web Streams over FileEncryptor / FileDecryptor (works with fetch bodies, Blob.stream(), file system streams).
import type { Context } from './context.js';
import { CoffreError } from './errors.js';
import {
  FileDecryptor, FileEncryptor, type FileOptions, type PassphraseLimits, type PassphraseOptions,
} from './file.js';
import { type Bytes, dataArg } from './handle.js';
import type { FileSecret } from './key.js';
import { invalidArgument } from './wasm.js';

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
 * `new Response(encryptStream(...)).blob()` collects it.
 */
export function encryptStream(source: ByteSource, secret: FileSecret, context: Context,
  options: FileOptions & PassphraseOptions = {}): ReadableStream<Uint8Array> {
  return readableOf(source).pipeThrough(createEncryptTransform(secret, context, options));
}

/**
 * Decrypts a coffre file from a readable stream or a Blob: `decryptStream((await fetch(url)).body, key, context)`,
 * `decryptStream(blob, key, context)`.
 */
export function decryptStream(source: ByteSource, secret: FileSecret, context: Context,
  limits: PassphraseLimits = {}): ReadableStream<Uint8Array> {
  return readableOf(source).pipeThrough(createDecryptTransform(secret, context, limits));
}
