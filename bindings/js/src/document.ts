// Document envelope (docs/SPEC.md section 4): one-shot seal/open of a buffer under a content key and a context.
import { type Context, encodeContext } from './context.js';
import { type ContentKey, keyPointer } from './key.js';
import { type Bytes, dataArg } from './handle.js';
import { check, withFrame } from './wasm.js';

/**
 * Seals `plaintext` (up to 2^32 - 1 bytes; a Uint8Array, an ArrayBuffer or any ArrayBufferView) under `key` and
 * `context`; the envelope is plaintext.length + 102 bytes.
 */
export function sealDocument(key: ContentKey, context: Context, plaintext: Bytes): Uint8Array {
  const k = keyPointer(key);
  const pt = dataArg('plaintext', plaintext);
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
 * releases nothing unless every check passed. `envelope`: a Uint8Array, an ArrayBuffer or any ArrayBufferView.
 */
export function openDocument(key: ContentKey, context: Context, envelope: Bytes): Uint8Array {
  const k = keyPointer(key);
  const env = dataArg('envelope', envelope);
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
