// The request signature check (docs/STORE.md section 2, step 3).
import { createPublicKey, verify } from 'node:crypto';
import { storeRequestMessage, type StoreRequestFields } from './message.js';

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function verifyRequestSignature(publicKey: Buffer, request: StoreRequestFields, signature: Buffer): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, storeRequestMessage(request), key, signature);
  } catch {
    return false;
  }
}
