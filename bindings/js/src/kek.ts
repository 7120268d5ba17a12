// Data-key wraps under a key-encryption key (docs/SPEC.md section 21), for applications with their own key
// management: the 32-byte KEK comes from the application's KMS or HSM (or KeyEncryptionKey.generate), and the data
// key of a file or document (a ContentKey) is stored wrapped under it, bound to a label and the KEK's key id.
import { ContentKey, keyPointer } from './key.js';
import { bytesArg, dataArg, fixed, Handle, handleOf, newHandle, type Ptr } from './handle.js';
import { type Exports, type Frame, invalidArgument, wasm, withFrame } from './wasm.js';

interface KekExports extends Exports {
  _coffre_kek_bytes(): number;
  _coffre_data_key_wrap_bytes(): number;
  _coffre_kek_generate(out: Ptr): number;
  _coffre_kek_from_bytes(bytes: Ptr, len: number, out: Ptr): number;
  _coffre_kek_export(kek: Ptr, out: Ptr, len: number): number;
  _coffre_data_key_wrap(kek: Ptr, key: Ptr, label: Ptr, labelLen: number, keyId: Ptr, keyIdLen: number, out: Ptr,
    outLen: number): number;
  _coffre_data_key_unwrap(kek: Ptr, wrapped: Ptr, wrappedLen: number, label: Ptr, labelLen: number, keyId: Ptr,
    keyIdLen: number, out: Ptr): number;
}

function km(f: Frame): KekExports {
  return f.m as KekExports;
}

/**
 * A 32-byte key-encryption key. It lives in the WebAssembly module's memory and `dispose()` wipes it; a
 * FinalizationRegistry frees keys that were not disposed, but call dispose().
 */
export class KeyEncryptionKey extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_kek_free');
  }

  /** KEK size in bytes (32). */
  static get size(): number {
    return (wasm() as KekExports)._coffre_kek_bytes();
  }

  /** A new random KEK (crypto.getRandomValues), e.g. to hand to a KMS that imports keys. */
  static generate(): KeyEncryptionKey {
    return withFrame((f) => new KeyEncryptionKey(newHandle(f, (out) => km(f)._coffre_kek_generate(out))));
  }

  /**
   * A KEK from its 32 bytes, as the application's KMS gives them (`invalid_argument` for another size). The caller
   * should wipe its copy (`bytes.fill(0)`).
   */
  static fromBytes(bytes: Uint8Array): KeyEncryptionKey {
    const b = bytesArg('bytes', bytes);
    return withFrame((f) => new KeyEncryptionKey(newHandle(f, (out) => km(f)._coffre_kek_from_bytes(f.bytes(b),
      b.length, out))));
  }

  /** The KEK's 32 bytes, to store in the application's key management. Wipe the copy (`fill(0)`) once done. */
  export(): Uint8Array {
    const p = this.ptr();
    return withFrame((f) => fixed(f, KeyEncryptionKey.size, (out, size) => km(f)._coffre_kek_export(p, out, size)));
  }
}

/**
 * What a data-key wrap is bound to: it unwraps only under the same label and key id. A string is encoded to UTF-8
 * (not normalized); bytes are taken as given.
 */
export interface DataKeyContext {
  /** The data key's purpose, e.g. `'invoices/2026'`: 1 to 1024 bytes. */
  label: string | Uint8Array;
  /** The id the application finds its KEK by (a KMS key name or version): 0 to 1024 bytes; none by default. */
  keyId?: string | Uint8Array;
}

const utf8 = new TextEncoder();

function contextBytes(context: DataKeyContext): { label: Uint8Array; keyId: Uint8Array } {
  if (typeof context !== 'object' || context === null) throw invalidArgument('context must be { label, keyId? }.');
  const text = (name: string, v: unknown) => (typeof v === 'string' ? utf8.encode(v) : bytesArg(name, v));
  return { label: text('label', context.label), keyId: context.keyId === undefined ? new Uint8Array(0)
    : text('keyId', context.keyId) };
}

/** Bytes of a data-key wrap (125). */
export function dataKeyWrapSize(): number {
  return (wasm() as KekExports)._coffre_data_key_wrap_bytes();
}

/**
 * Wraps `dataKey` (e.g. the key a file is encrypted with) under `kek`, bound to `context`; the wrap (125 bytes, a
 * random nonce each time) can be stored next to the data it protects.
 */
export function wrapDataKey(kek: KeyEncryptionKey, dataKey: ContentKey, context: DataKeyContext): Uint8Array {
  const k = handleOf(KeyEncryptionKey, kek, 'kek');
  const d = keyPointer(dataKey);
  const { label, keyId } = contextBytes(context);
  return withFrame((f) => fixed(f, dataKeyWrapSize(), (out, size) => km(f)._coffre_data_key_wrap(k, d,
    f.bytes(label), label.length, f.bytes(keyId), keyId.length, out, size)));
}

/**
 * The data key of a wrap made by wrapDataKey under the same KEK and context. Throws a CoffreError: `wrong_key`
 * (another KEK), `wrong_context` (another label or key id), `wrap_invalid` (the sealed key was modified),
 * `truncated`, `trailing_data`, `bad_magic`, `unsupported_version`, `invalid_argument`.
 */
export function unwrapDataKey(kek: KeyEncryptionKey, wrapped: Uint8Array | ArrayBuffer | ArrayBufferView,
  context: DataKeyContext): ContentKey {
  const k = handleOf(KeyEncryptionKey, kek, 'kek');
  const w = dataArg('wrapped', wrapped);
  const { label, keyId } = contextBytes(context);
  return withFrame((f) => ContentKey.adopt(newHandle(f, (out) => km(f)._coffre_data_key_unwrap(k, f.bytes(w),
    w.length, f.bytes(label), label.length, f.bytes(keyId), keyId.length, out))));
}
