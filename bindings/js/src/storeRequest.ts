// Signed store requests (docs/STORE.md section 2): the Coffre-* headers a client sends with every HTTP request to a
// store, and their check on the server. The message and the Ed25519 signature are the library's (the C ABI's
// "Signed store requests" section); this file only moves headers, hex and bytes.
import { DeviceKeys, RecoveryPhrase } from './devices.js';
import { type CoffreError, Status } from './errors.js';
import { bytesArg, fixed, handleOf, idArg, owned, type Ptr, u64Arg } from './handle.js';
import { check, errorFor, type Exports, type Frame, invalidArgument, withFrame } from './wasm.js';

/** The C functions of the "Signed store requests" section of coffre.h. */
interface StoreExports extends Exports {
  _coffre_sha256(data: Ptr, len: number, out: Ptr, outLen: number): number;
  _coffre_store_request_nonce(out: Ptr, len: number): number;
  _coffre_store_request_message(method: Ptr, methodLen: number, target: Ptr, targetLen: number, sha: Ptr,
    shaLen: number, time: bigint, nonce: Ptr, nonceLen: number, user: Ptr, userLen: number, out: Ptr,
    outLen: Ptr): number;
  _coffre_store_request_sign(keys: Ptr, method: Ptr, methodLen: number, target: Ptr, targetLen: number, sha: Ptr,
    shaLen: number, time: bigint, nonce: Ptr, nonceLen: number, user: Ptr, userLen: number, sig: Ptr,
    sigLen: number): number;
  _coffre_store_request_sign_recovery(phrase: Ptr, method: Ptr, methodLen: number, target: Ptr, targetLen: number,
    sha: Ptr, shaLen: number, time: bigint, nonce: Ptr, nonceLen: number, user: Ptr, userLen: number, sig: Ptr,
    sigLen: number): number;
  _coffre_store_request_verify(key: Ptr, keyLen: number, method: Ptr, methodLen: number, target: Ptr,
    targetLen: number, sha: Ptr, shaLen: number, time: bigint, nonce: Ptr, nonceLen: number, user: Ptr,
    userLen: number, sig: Ptr, sigLen: number): number;
}

const SHA256_BYTES = 32;
const NONCE_BYTES = 16;
const USER_BYTES = 16;
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

function sm(f: Frame): StoreExports {
  return f.m as StoreExports;
}

/** The header names of docs/STORE.md section 2, as a client sends them. */
export const STORE_REQUEST_HEADERS = {
  key: 'Coffre-Key',
  user: 'Coffre-User',
  time: 'Coffre-Time',
  nonce: 'Coffre-Nonce',
  contentSha256: 'Coffre-Content-SHA256',
  signature: 'Coffre-Signature',
} as const;

/** SHA-256 of `bytes` (32 bytes). */
export function sha256(bytes: Uint8Array): Uint8Array {
  const b = bytesArg('bytes', bytes);
  return withFrame((f) => fixed(f, SHA256_BYTES, (o, n) => sm(f)._coffre_sha256(f.bytes(b), b.length, o, n)));
}

// ---------------------------------------------------------------------------------------------------------------
// Hex (lowercase only: the headers' form)

const HEX_DIGITS = '0123456789abcdef';
const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i >> 4]! + HEX_DIGITS[i & 15]!);

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX_BYTE[b]!;
  return s;
}

function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** `size` bytes from exactly 2 * size lowercase hex digits, or undefined. */
function fromHex(s: string, size: number): Uint8Array | undefined {
  if (s.length !== 2 * size) return undefined;
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const hi = nibble(s.charCodeAt(2 * i));
    const lo = nibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The fields, as the C ABI takes them

interface Fields {
  method: string;
  target: string;
  contentSha256: Uint8Array;
  time: bigint;
  nonce: Uint8Array;
  user: Uint8Array | undefined;
}

type FieldCall = (method: Ptr, methodLen: number, target: Ptr, targetLen: number, sha: Ptr, shaLen: number,
  time: bigint, nonce: Ptr, nonceLen: number, user: Ptr, userLen: number) => number;

const utf8 = new TextEncoder();

/** Calls `call` with the fields copied into one heap block (method and target as UTF-8: the library refuses
 * anything but the ASCII a request line carries). */
function withFields(f: Frame, x: Fields, call: FieldCall): number {
  const method = utf8.encode(x.method);
  const target = utf8.encode(x.target);
  const userLen = x.user?.length ?? 0;
  const p = f.alloc(method.length + target.length + SHA256_BYTES + NONCE_BYTES + userLen);
  const heap = f.m.HEAPU8;
  const pTarget = p + method.length;
  const pSha = pTarget + target.length;
  const pNonce = pSha + SHA256_BYTES;
  const pUser = pNonce + NONCE_BYTES;
  heap.set(method, p);
  heap.set(target, pTarget);
  heap.set(x.contentSha256, pSha);
  heap.set(x.nonce, pNonce);
  if (x.user) heap.set(x.user, pUser);
  return call(p, method.length, pTarget, target.length, pSha, SHA256_BYTES, x.time, pNonce, NONCE_BYTES,
    x.user ? pUser : 0, userLen);
}

function stringArg(name: string, v: unknown): string {
  if (typeof v !== 'string') throw invalidArgument(`${name} must be a string.`);
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Signing (clients)

function newNonce(): Uint8Array {
  return withFrame((f) => fixed(f, NONCE_BYTES, (o, n) => sm(f)._coffre_store_request_nonce(o, n)));
}

/** The fields checked and completed: with `fresh`, time defaults to now and the nonce to a random one. */
function fieldsOf(fields: StoreRequestFields, fresh: boolean): Fields {
  if (typeof fields !== 'object' || fields === null) throw invalidArgument('fields must be an object.');
  if (!fresh && (fields.time === undefined || fields.nonce === undefined)) {
    throw invalidArgument('time and nonce are required.');
  }
  if (fields.body !== undefined && fields.contentSha256 !== undefined) {
    throw invalidArgument('Give body or contentSha256, not both.');
  }
  return {
    method: stringArg('method', fields.method),
    target: stringArg('target', fields.target),
    contentSha256: fields.contentSha256 !== undefined
      ? idArg('contentSha256', fields.contentSha256, SHA256_BYTES)
      : sha256(fields.body === undefined ? new Uint8Array(0) : bytesArg('body', fields.body)),
    time: u64Arg('time', fields.time, BigInt(Math.floor(Date.now() / 1000))),
    nonce: fields.nonce === undefined ? newNonce() : idArg('nonce', fields.nonce, NONCE_BYTES),
    user: fields.user === undefined ? undefined : idArg('user', fields.user, USER_BYTES),
  };
}

/** What a client signs. `method` and `target` exactly as sent (upper-case method; path and query, with the base URL's
 * prefix). The body's hash: `contentSha256` (32 bytes), or `body` to hash here; neither means no body. */
export interface StoreRequestFields {
  method: string;
  target: string;
  body?: Uint8Array;
  contentSha256?: Uint8Array;
  /** Unix seconds; default: the local clock. */
  time?: number | bigint;
  /** 16 bytes, never reused with this key; default: random (the library's CSPRNG). */
  nonce?: Uint8Array;
  /** The 16-byte id of the account the signer acts for; absent for a device in no account yet. */
  user?: Uint8Array;
}

export interface SignedStoreRequest {
  /** The Coffre-* headers to send (Coffre-User only with `user`). */
  headers: Record<string, string>;
}

/**
 * Signs a request to the store with a device's signing key, or with the recovery signing key of `phrase` (a recovery
 * signer: it may only recover, docs/STORE.md section 4; each call derives the recovery key, a few milliseconds).
 * invalid_argument for a method that is not upper-case letters, a target that does not start with '/' or holds
 * anything but visible ASCII, or a wrong size.
 */
export function signStoreRequest(signer: DeviceKeys | RecoveryPhrase, fields: StoreRequestFields): SignedStoreRequest {
  const recovery = signer instanceof RecoveryPhrase;
  const handle = recovery ? handleOf(RecoveryPhrase, signer, 'signer') : handleOf(DeviceKeys, signer, 'signer');
  const x = fieldsOf(fields, true);
  const signature = withFrame((f) => fixed(f, SIGNATURE_BYTES, (o, n) => withFields(f, x, (...a) => recovery
    ? sm(f)._coffre_store_request_sign_recovery(handle, ...a, o, n)
    : sm(f)._coffre_store_request_sign(handle, ...a, o, n))));
  const headers: Record<string, string> = { [STORE_REQUEST_HEADERS.key]: toHex(signer.signPublicKey) };
  if (x.user) headers[STORE_REQUEST_HEADERS.user] = toHex(x.user);
  headers[STORE_REQUEST_HEADERS.time] = x.time.toString();
  headers[STORE_REQUEST_HEADERS.nonce] = toHex(x.nonce);
  headers[STORE_REQUEST_HEADERS.contentSha256] = toHex(x.contentSha256);
  headers[STORE_REQUEST_HEADERS.signature] = toHex(signature);
  return { headers };
}

/** m of docs/STORE.md section 2 (the bytes the signature covers; `time` and `nonce` required), for tests and other
 * implementations. */
export function storeRequestMessage(fields: StoreRequestFields): Uint8Array {
  const x = fieldsOf(fields, false);
  return withFrame((f) => owned(f, (o, n) => withFields(f, x, (...a) => sm(f)._coffre_store_request_message(...a, o,
    n))));
}

// ---------------------------------------------------------------------------------------------------------------
// Checking (the store)

/** Request headers: node's `IncomingHttpHeaders` (lower-case names), a plain record, or a fetch `Headers`. */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The Coffre-* headers of a request, well-formed but not yet verified (parseStoreRequestHeaders). */
export class StoreRequestHeaders {
  /** @internal */
  constructor(
    /** The signer's Ed25519 public key (32 bytes) and its header form (64 lowercase hex digits). */
    readonly key: Uint8Array,
    readonly keyHex: string,
    /** The account the signer acts for (16 bytes, 32 hex digits), or undefined without Coffre-User. */
    readonly user: Uint8Array | undefined,
    readonly userHex: string | undefined,
    /** Unix seconds, the client's clock. */
    readonly time: bigint,
    readonly nonce: Uint8Array,
    readonly nonceHex: string,
    /** SHA-256 of the body the client sent (32 bytes, 64 hex digits): compare with the body read. */
    readonly contentSha256: Uint8Array,
    readonly contentSha256Hex: string,
    /** @internal */
    readonly signature: Uint8Array,
  ) {}
}

/** A request whose signature verified for `method` and `target`. */
export interface VerifiedStoreRequest extends StoreRequestHeaders {
  readonly method: string;
  readonly target: string;
}

function header(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const v = record[name.toLowerCase()] ?? record[name];
  if (v === undefined || typeof v === 'string') return v;
  throw malformed(name, 'is repeated');
}

function malformed(name: string, what: string): CoffreError {
  return errorFor(Status.invalid_argument, undefined, `The ${name} header ${what}.`);
}

function hexHeader(headers: HeadersLike, name: string, size: number): [Uint8Array, string] {
  const v = header(headers, name);
  if (v === undefined) throw malformed(name, 'is missing');
  const bytes = fromHex(v, size);
  if (bytes === undefined) throw malformed(name, `is not ${2 * size} lowercase hex digits`);
  return [bytes, v];
}

const DECIMAL_U64 = /^(0|[1-9][0-9]{0,19})$/;

/**
 * Step 1 of the store's checks (docs/STORE.md section 2): every Coffre-* header present (Coffre-User optional) and of
 * its form. A CoffreError `invalid_argument` whose message names the header otherwise (the store answers 401
 * `unauthenticated`). The store then checks `time` (`request_expired`) before verifyStoreRequest.
 */
export function parseStoreRequestHeaders(headers: HeadersLike): StoreRequestHeaders {
  if (typeof headers !== 'object' || headers === null) throw invalidArgument('headers must be an object.');
  const H = STORE_REQUEST_HEADERS;
  const [key, keyHex] = hexHeader(headers, H.key, KEY_BYTES);
  const userHex = header(headers, H.user);
  let user: Uint8Array | undefined;
  if (userHex !== undefined) {
    user = fromHex(userHex, USER_BYTES);
    if (user === undefined) throw malformed(H.user, `is not ${2 * USER_BYTES} lowercase hex digits`);
  }
  const timeText = header(headers, H.time);
  if (timeText === undefined) throw malformed(H.time, 'is missing');
  const time = DECIMAL_U64.test(timeText) ? BigInt(timeText) : -1n;
  if (time < 0n || time >= 1n << 64n) throw malformed(H.time, 'is not a decimal number of seconds below 2^64');
  const [nonce, nonceHex] = hexHeader(headers, H.nonce, NONCE_BYTES);
  const [contentSha256, contentSha256Hex] = hexHeader(headers, H.contentSha256, SHA256_BYTES);
  const [signature] = hexHeader(headers, H.signature, SIGNATURE_BYTES);
  return new StoreRequestHeaders(key, keyHex, user, userHex, time, nonce, nonceHex, contentSha256, contentSha256Hex,
    signature);
}

/**
 * Step 3 of the store's checks (docs/STORE.md section 2): the signature of the request `method` `target` (as received:
 * the request line's method and target). `request`: the headers (parsed here) or parseStoreRequestHeaders' result.
 * Returns the verified fields; throws a CoffreError: `signature_invalid` (401 `signature_invalid`), `invalid_argument`
 * (a malformed header as parseStoreRequestHeaders, or a method or target no request line carries: 401
 * `unauthenticated`). Freshness (`time`) and replay (`nonce`) are the store's own checks.
 */
export function verifyStoreRequest(request: HeadersLike | StoreRequestHeaders, method: string,
  target: string): VerifiedStoreRequest {
  const h = request instanceof StoreRequestHeaders ? request : parseStoreRequestHeaders(request);
  const x: Fields = {
    method: stringArg('method', method),
    target: stringArg('target', target),
    contentSha256: h.contentSha256,
    time: h.time,
    nonce: h.nonce,
    user: h.user,
  };
  withFrame((f) => {
    const key = f.alloc(KEY_BYTES + SIGNATURE_BYTES);
    f.m.HEAPU8.set(h.key, key);
    f.m.HEAPU8.set(h.signature, key + KEY_BYTES);
    check(withFields(f, x, (...a) => sm(f)._coffre_store_request_verify(key, KEY_BYTES, ...a, key + KEY_BYTES,
      SIGNATURE_BYTES)));
  });
  return { ...h, method, target };
}
