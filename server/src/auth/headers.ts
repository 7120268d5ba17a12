// The signed-request headers and signature (docs/STORE.md section 2, steps 1 and 3), checked by coffre's own
// parseStoreRequestHeaders / verifyStoreRequest.
import type { IncomingMessage } from 'node:http';
import { CoffreError, parseStoreRequestHeaders, type StoreRequestHeaders, verifyStoreRequest } from '@coffre/core';
import { StoreError } from '../http/errors.js';

export interface SignedHeaders {
  key: Buffer;            // Ed25519 public key, 32 bytes
  user: string | null;    // 32 hex digits, or null (a device in no account yet)
  time: bigint;
  nonce: Buffer;          // 16 bytes
  contentSha256: Buffer;  // 32 bytes, compared with the body once read
  invite: string | null;  // Coffre-Invite (not signed)
  parsed: StoreRequestHeaders;
}

/** Step 1: every header present and well-formed (401 unauthenticated). */
export function parseSignedHeaders(req: IncomingMessage): SignedHeaders {
  let parsed: StoreRequestHeaders;
  try {
    parsed = parseStoreRequestHeaders(req.headers);
  } catch (e) {
    if (e instanceof CoffreError) throw new StoreError(401, 'unauthenticated', e.message);
    throw e;
  }
  const invite = req.headers['coffre-invite'];
  return {
    key: Buffer.from(parsed.key),
    user: parsed.userHex ?? null,
    time: parsed.time,
    nonce: Buffer.from(parsed.nonce),
    contentSha256: Buffer.from(parsed.contentSha256),
    invite: typeof invite === 'string' ? invite : null,
    parsed,
  };
}

/** Step 3: the signature over the request line as received (401 signature_invalid, or unauthenticated). */
export function checkSignature(req: IncomingMessage, h: SignedHeaders): void {
  try {
    verifyStoreRequest(h.parsed, req.method ?? '', req.url ?? '');
  } catch (e) {
    if (e instanceof CoffreError) {
      throw e.code === 'signature_invalid'
        ? new StoreError(401, 'signature_invalid', 'the request signature does not verify')
        : new StoreError(401, 'unauthenticated', e.message);
    }
    throw e;
  }
}
