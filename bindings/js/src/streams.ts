// Web Streams over FileEncryptor / FileDecryptor (works with fetch bodies, Blob.stream(), file system streams).
import type { Context } from './context.js';
import { CoffreError } from './errors.js';
import {
  FileDecryptor, FileEncryptor, type FileOptions, type PassphraseLimits, type PassphraseOptions,
} from './file.js';
import type { FileSecret } from './key.js';
import { invalidArgument } from './wasm.js';

type Chunk = Uint8Array | ArrayBuffer | ArrayBufferView;

function asBytes(chunk: Chunk): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw invalidArgument('stream chunks must be Uint8Array, ArrayBuffer or ArrayBufferView.');
}

function transformOver(stream: FileEncryptor | FileDecryptor): TransformStream<Chunk, Uint8Array> {
  return new TransformStream<Chunk, Uint8Array>({
    transform(chunk, controller) {
      try {
        const out = stream.update(asBytes(chunk));
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

/** Encrypts a readable stream of plaintext: `encryptStream(file.stream(), key, context)`. */
export function encryptStream(readable: ReadableStream<Chunk>, secret: FileSecret, context: Context,
  options: FileOptions & PassphraseOptions = {}): ReadableStream<Uint8Array> {
  return readable.pipeThrough(createEncryptTransform(secret, context, options));
}

/** Decrypts a readable stream of a coffre file: `decryptStream((await fetch(url)).body, key, context)`. */
export function decryptStream(readable: ReadableStream<Chunk>, secret: FileSecret, context: Context,
  limits: PassphraseLimits = {}): ReadableStream<Uint8Array> {
  return readable.pipeThrough(createDecryptTransform(secret, context, limits));
}
