import { Status } from './errors.js';
import { check, errorFor, type Frame, invalidArgument, wasm, withFrame } from './wasm.js';

const handles = new WeakMap<ContentKey, number>();
const registry = new FinalizationRegistry<number>((p) => wasm()._coffre_key_free(p));

/**
 * A 32-byte content key (one per document or file, and version). It lives in the WebAssembly module's secure
 * memory; `dispose()` wipes it. A FinalizationRegistry frees keys that were not disposed, but call dispose().
 */
export class ContentKey {
  /** Key size in bytes (32). */
  static get size(): number {
    return wasm()._coffre_content_key_bytes();
  }

  private constructor(p: number) {
    handles.set(this, p);
    registry.register(this, p, this);
  }

  /** A new random key (crypto.getRandomValues). */
  static generate(): ContentKey {
    return withFrame((f) => {
      const out = f.alloc(4);
      check(f.m._coffre_key_generate(out));
      return new ContentKey(f.u32(out));
    });
  }

  /** @internal A key handle the library made (an opened wrap, a rotation, a Drive file key). */
  static adopt(p: number): ContentKey {
    return new ContentKey(p);
  }

  /** A key from its 32 bytes (`invalid_argument` otherwise). The caller should wipe its copy (`bytes.fill(0)`). */
  static fromBytes(bytes: Uint8Array): ContentKey {
    if (!(bytes instanceof Uint8Array)) throw invalidArgument('key bytes must be a Uint8Array.');
    return withFrame((f) => {
      const out = f.alloc(4);
      check(f.m._coffre_key_from_bytes(f.bytes(bytes), bytes.length, out));
      return new ContentKey(f.u32(out));
    });
  }

  /** The key's 32 bytes, to wrap or store. Wipe the copy (`fill(0)`) once done. */
  export(): Uint8Array {
    const key = keyPointer(this);
    return withFrame((f) => {
      const size = f.m._coffre_content_key_bytes();
      const out = f.alloc(size);
      check(f.m._coffre_key_export(key, out, size));
      return f.read(out, size);
    });
  }

  /** Wipes and frees the key. Idempotent. */
  dispose(): void {
    const p = handles.get(this);
    if (p === undefined) return;
    handles.delete(this);
    registry.unregister(this);
    wasm()._coffre_key_free(p);
  }

  get disposed(): boolean {
    return !handles.has(this);
  }
}

/** @internal The key's handle in the module; invalid_argument once disposed. */
export function keyPointer(key: ContentKey): number {
  const p = key instanceof ContentKey ? handles.get(key) : undefined;
  if (p === undefined) {
    throw errorFor(Status.invalid_argument, undefined,
      key instanceof ContentKey ? 'This ContentKey was disposed.' : 'Expected a ContentKey.');
  }
  return p;
}

/**
 * What opens a file: a content key, or a passphrase. A string is normalized to NFKD (`normalize('NFKD')`) and encoded
 * to UTF-8; bytes are taken as given and must be UTF-8 (else invalid_argument). Either way the module uses the NFKD
 * form (docs/SPEC.md 5.1), so "é" as U+00E9 or as e + U+0301, or full-width letters and ASCII, open the same file.
 */
export type FileSecret = ContentKey | { passphrase: string | Uint8Array };

/** @internal */
export function passphraseBytes(f: Frame, secret: { passphrase: string | Uint8Array }): { p: number; len: number } {
  const pw = secret.passphrase;
  let bytes: Uint8Array;
  // NFKD here too (the module applies it again, a no-op): the string handed over is already in its canonical form.
  if (typeof pw === 'string') bytes = new TextEncoder().encode(pw.normalize('NFKD'));
  else if (pw instanceof Uint8Array) bytes = pw;
  else throw invalidArgument('passphrase must be a string or a Uint8Array.');
  const p = f.bytes(bytes);
  if (typeof pw === 'string') bytes.fill(0);  // our own copy
  return { p, len: bytes.length };
}

export function isPassphrase(secret: FileSecret): secret is { passphrase: string | Uint8Array } {
  return !(secret instanceof ContentKey) && typeof secret === 'object' && secret !== null && 'passphrase' in secret;
}
