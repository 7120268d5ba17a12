// The signed-request headers of docs/STORE.md section 2, parsed strictly (unauthenticated when any is missing or
// malformed).
import type { IncomingHttpHeaders } from 'node:http';
import { StoreError } from '../http/errors.js';

export interface SignedHeaders {
  key: Buffer;            // Ed25519 public key, 32 bytes
  user: string | null;    // 32 hex digits, or null (a device in no account yet)
  time: bigint;
  nonce: Buffer;          // 16 bytes
  contentSha256: Buffer;  // 32 bytes
  signature: Buffer;      // 64 bytes
  invite: string | null;
}

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? undefined : v;
}

function hexHeader(headers: IncomingHttpHeaders, name: string, digits: number): Buffer {
  const v = one(headers, name);
  if (v === undefined || v.length !== digits || !/^[0-9a-f]+$/.test(v)) {
    throw new StoreError(401, 'unauthenticated', `${name} is missing or is not ${digits} lowercase hex digits`);
  }
  return Buffer.from(v, 'hex');
}

export function parseSignedHeaders(headers: IncomingHttpHeaders): SignedHeaders {
  const key = hexHeader(headers, 'coffre-key', 64);
  const userRaw = one(headers, 'coffre-user');
  const user = userRaw === undefined ? null : hexHeader(headers, 'coffre-user', 32).toString('hex');
  const timeRaw = one(headers, 'coffre-time');
  if (timeRaw === undefined || !/^(0|[1-9][0-9]{0,19})$/.test(timeRaw) || BigInt(timeRaw) >= 1n << 64n) {
    throw new StoreError(401, 'unauthenticated', 'Coffre-Time is missing or is not decimal seconds');
  }
  const invite = one(headers, 'coffre-invite') ?? null;
  return {
    key,
    user,
    time: BigInt(timeRaw),
    nonce: hexHeader(headers, 'coffre-nonce', 32),
    contentSha256: hexHeader(headers, 'coffre-content-sha256', 64),
    signature: hexHeader(headers, 'coffre-signature', 128),
    invite,
  };
}
