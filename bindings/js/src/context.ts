import { type Frame, invalidArgument } from './wasm.js';

/**
 * The context an envelope is bound to (docs/SPEC.md section 3). It is never stored in the envelope: opening under
 * any other context fails with `wrong_context`.
 */
export interface Context {
  /** Document or file id: 0 to 1024 bytes once UTF-8 encoded. */
  objectId: string;
  /** The document revision or file version the caller expects: 0 to 2^64 - 1. */
  revision: bigint | number;
  /** The version of the content key: 0 to 2^32 - 1. */
  keyVersion: number;
}

/** A context as the C ABI takes it: (object_id, object_id_len, revision, key_version). */
export interface EncodedContext {
  id: number;
  idLen: number;
  revision: bigint;
  keyVersion: number;
}

const MAX_U64 = (1n << 64n) - 1n;

export function encodeContext(f: Frame, context: Context): EncodedContext {
  if (typeof context !== 'object' || context === null) throw invalidArgument('context must be an object.');
  const { objectId, revision, keyVersion } = context;
  if (typeof objectId !== 'string') throw invalidArgument('context.objectId must be a string.');
  let rev: bigint;
  if (typeof revision === 'bigint') {
    rev = revision;
  } else if (typeof revision === 'number' && Number.isSafeInteger(revision)) {
    rev = BigInt(revision);
  } else {
    throw invalidArgument('context.revision must be an integer (number or bigint).');
  }
  if (rev < 0n || rev > MAX_U64) throw invalidArgument('context.revision must be between 0 and 2^64 - 1.');
  if (!Number.isInteger(keyVersion) || keyVersion < 0 || keyVersion > 0xffffffff) {
    throw invalidArgument('context.keyVersion must be an integer between 0 and 2^32 - 1.');
  }
  const id = new TextEncoder().encode(objectId);
  return { id: f.bytes(id), idLen: id.length, revision: rev, keyVersion };
}
