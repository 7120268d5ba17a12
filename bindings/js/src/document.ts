// Document envelope (docs/SPEC.md section 4): one-shot seal/open of a buffer under a content key and a context.
import { type Context, encodeContext } from './context.js';
import { type ContentKey, keyPointer } from './key.js';
import { check, invalidArgument, withFrame } from './wasm.js';

function bytesArg(name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw invalidArgument(`${name} must be a Uint8Array.`);
  return v;
}

/** Seals `plaintext` (up to 2^32 - 1 bytes) under `key` and `context`; the envelope is plaintext.length + 102 bytes. */
export function sealDocument(key: ContentKey, context: Context, plaintext: Uint8Array): Uint8Array {
  const k = keyPointer(key);
  const pt = bytesArg('plaintext', plaintext);
  return withFrame((f) => {
    const c = encodeContext(f, context);
    const out = f.alloc(4);
    const outLen = f.alloc(4);
    check(f.m._coffre_document_seal(k, c.id, c.idLen, c.revision, c.keyVersion, f.bytes(pt), pt.length, out, outLen));
    const p = f.u32(out);
    const len = f.u32(outLen);
    const envelope = f.read(p, len);
    f.m._coffre_buffer_free(p, len);
    return envelope;
  });
}

/**
 * Opens an envelope made by sealDocument. Throws a CoffreError (wrong_key, wrong_context, payload_invalid, ...) and
 * releases nothing unless every check passed.
 */
export function openDocument(key: ContentKey, context: Context, envelope: Uint8Array): Uint8Array {
  const k = keyPointer(key);
  const env = bytesArg('envelope', envelope);
  return withFrame((f) => {
    const c = encodeContext(f, context);
    const out = f.alloc(4);
    const outLen = f.alloc(4);
    check(f.m._coffre_document_open(k, c.id, c.idLen, c.revision, c.keyVersion, f.bytes(env), env.length, out, outLen));
    const p = f.u32(out);
    const len = f.u32(outLen);
    const plaintext = f.read(p, len);
    f.m._coffre_buffer_free(p, len); // wipes
    return plaintext;
  });
}
