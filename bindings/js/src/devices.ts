// Accounts and devices (docs/SPEC.md sections 9 to 14): device keys, the verified device list, enrollment of a new
// device (both sides), the recovery phrase, and the account pieces a front-end needs to finish an enrollment.
// An idiomatic layer over the C ABI's "Accounts and devices" section; nothing here does I/O: the caller moves the
// bytes to and from the store. Times are seconds since the Unix epoch (default: the local clock).
import { bytesArg, fixed, frames as framesOf, Handle, handleOf, newHandle, owned, type Ptr, takeOwned } from './handle.js';
import { check, type Exports, type Frame, invalidArgument, wasm, withFrame } from './wasm.js';

/** The C functions of the "Accounts and devices" section of coffre.h. */
interface DeviceExports extends Exports {
  _coffre_device_keys_generate(out: Ptr): number;
  _coffre_device_keys_from_seeds(id: Ptr, idLen: number, sign: Ptr, signLen: number, kem: Ptr, kemLen: number,
    out: Ptr): number;
  _coffre_device_keys_id(k: Ptr, out: Ptr, len: number): number;
  _coffre_device_keys_sign_public_key(k: Ptr, out: Ptr, len: number): number;
  _coffre_device_keys_kem_public_key(k: Ptr, out: Ptr, len: number): number;
  _coffre_device_keys_export_secret_seeds(k: Ptr, sign: Ptr, signLen: number, kem: Ptr, kemLen: number): number;
  _coffre_log_verify(entries: Ptr, len: number, pinnedSeq: bigint, pinnedHash: Ptr, pinnedHashLen: number,
    genesis: Ptr, genesisLen: number, out: Ptr): number;
  _coffre_log_verify_appended(log: Ptr, entries: Ptr, len: number, out: Ptr): number;
  _coffre_log_user_id(log: Ptr, out: Ptr, len: number): number;
  _coffre_log_head(log: Ptr, seq: Ptr, hash: Ptr, len: number): number;
  _coffre_log_genesis_hash(log: Ptr, out: Ptr, len: number): number;
  _coffre_log_identity_public_key(log: Ptr, out: Ptr, len: number): number;
  _coffre_log_identity_generation(log: Ptr): number;
  _coffre_log_suite_version(log: Ptr): number;
  _coffre_log_root_epoch(log: Ptr): number;
  _coffre_log_suite_public_key(log: Ptr, out: Ptr, len: number): number;
  _coffre_log_recovery_public_key(log: Ptr, out: Ptr, len: number): number;
  _coffre_log_recovery_sign_public_key(log: Ptr, out: Ptr, len: number): number;
  _coffre_log_superseded_identity_count(log: Ptr): number;
  _coffre_log_superseded_identity(log: Ptr, i: number, out: Ptr, len: number): number;
  _coffre_log_device_count(log: Ptr): number;
  _coffre_log_device_id(log: Ptr, i: number, out: Ptr, len: number): number;
  _coffre_log_device_sign_public_key(log: Ptr, i: number, out: Ptr, len: number): number;
  _coffre_log_device_kem_public_key(log: Ptr, i: number, out: Ptr, len: number): number;
  _coffre_log_device_transcript_hash(log: Ptr, i: number, out: Ptr, len: number): number;
  _coffre_log_device_name(log: Ptr, i: number, out: Ptr, outLen: Ptr): number;
  _coffre_log_revoked_count(log: Ptr): number;
  _coffre_log_revoked_id(log: Ptr, i: number, out: Ptr, len: number): number;
  _coffre_log_contains(log: Ptr, id: Ptr, len: number): number;
  _coffre_used_requests_new(out: Ptr): number;
  _coffre_used_requests_import(records: Ptr, len: number, out: Ptr): number;
  _coffre_used_requests_export(used: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_used_requests_prune(used: Ptr, now: bigint): number;
  _coffre_used_requests_count(used: Ptr): number;
  _coffre_enrollment_requester_start(device: Ptr, name: Ptr, nameLen: number, now: bigint, lifetime: bigint,
    out: Ptr): number;
  _coffre_enrollment_requester_request(r: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_enrollment_requester_on_response(r: Ptr, response: Ptr, len: number, log: Ptr, now: bigint, reveal: Ptr,
    revealLen: Ptr, sas: Ptr, sasCap: number): number;
  _coffre_enrollment_requester_check_enrolled(r: Ptr, log: Ptr): number;
  _coffre_enrollment_approver_on_request(request: Ptr, len: number, own: Ptr, log: Ptr, now: bigint, used: Ptr,
    out: Ptr): number;
  _coffre_enrollment_approver_response(a: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_enrollment_approver_requester_name(a: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_enrollment_approver_on_reveal(a: Ptr, reveal: Ptr, len: number, now: bigint, sas: Ptr, sasCap: number): number;
  _coffre_enrollment_approve(a: Ptr, log: Ptr, secrets: Ptr, root: Ptr, own: Ptr, entry: Ptr, entryLen: Ptr,
    wrap: Ptr, wrapLen: Ptr): number;
  _coffre_root_key_unwrap(device: Ptr, log: Ptr, wrap: Ptr, len: number, out: Ptr): number;
  _coffre_root_key_unwrap_recovery(phrase: Ptr, log: Ptr, wrap: Ptr, len: number, out: Ptr): number;
  _coffre_root_key_epoch(root: Ptr): number;
  _coffre_account_state_open(root: Ptr, log: Ptr, sealed: Ptr, len: number, out: Ptr): number;
  _coffre_account_secrets_identity_generation(secrets: Ptr): number;
  _coffre_account_create(device: Ptr, name: Ptr, nameLen: number, phrase: Ptr, genesis: Ptr, genesisLen: Ptr,
    sealed: Ptr, sealedLen: Ptr, deviceWrap: Ptr, deviceWrapLen: Ptr, recoveryWrap: Ptr, recoveryWrapLen: Ptr,
    secrets: Ptr, root: Ptr): number;
  _coffre_recovery_phrase_generate(out: Ptr): number;
  _coffre_recovery_phrase_from_words(words: Ptr, len: number, out: Ptr): number;
  _coffre_recovery_phrase_words(p: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_recovery_phrase_kem_public_key(p: Ptr, out: Ptr, len: number): number;
  _coffre_recovery_phrase_sign_public_key(p: Ptr, out: Ptr, len: number): number;
  _coffre_recovery_enroll(phrase: Ptr, log: Ptr, secrets: Ptr, root: Ptr, device: Ptr, name: Ptr, nameLen: number,
    entry: Ptr, entryLen: Ptr, wrap: Ptr, wrapLen: Ptr): number;
  _coffre_recovery_phrase_check(words: Ptr, len: number): number;
  _coffre_log_identity_fingerprint(log: Ptr, out: Ptr, cap: number): number;
  _coffre_enrollment_transcript(request: Ptr, requestLen: number, response: Ptr, responseLen: number, reveal: Ptr,
    revealLen: number, hash: Ptr, hashLen: number, sas: Ptr, sasCap: number): number;
  _coffre_revocation_plan(log: Ptr, secrets: Ptr, own: Ptr, id: Ptr, idLen: number, out: Ptr): number;
  _coffre_revocation_entry(plan: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_revocation_sealed_state(plan: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_revocation_wrap_count(plan: Ptr): number;
  _coffre_revocation_wrap(plan: Ptr, i: number, recipient: Ptr, recipientLen: number, wrap: Ptr,
    wrapLen: number): number;
  _coffre_revocation_log(plan: Ptr, out: Ptr): number;
  _coffre_revocation_root_key(plan: Ptr, out: Ptr): number;
  _coffre_revocation_secrets(plan: Ptr, out: Ptr): number;
  _coffre_revocation_free(plan: Ptr): void;
}

const ID_BYTES = 16;
const HASH_BYTES = 32;
const SIGN_PK_BYTES = 32;
const SEED_BYTES = 32;
const KEM_PK_BYTES = 1216;
const SAS_BYTES = 7;
const FINGERPRINT_BYTES = 50;  // 49 characters and a NUL
const ROOT_WRAP_BYTES = 1197;

function dm(f: Frame): DeviceExports {
  return f.m as DeviceExports;
}

/** Seconds since the Unix epoch: the given time, or the local clock. */
function seconds(now: number | bigint | Date | undefined): bigint {
  if (now === undefined) return BigInt(Math.floor(Date.now() / 1000));
  if (now instanceof Date) return BigInt(Math.floor(now.getTime() / 1000));
  if (typeof now === 'bigint') {
    if (now < 0n || now >= 1n << 64n) throw invalidArgument('now must be a uint64 number of seconds.');
    return now;
  }
  if (!Number.isSafeInteger(now) || now < 0) throw invalidArgument('now must be a non-negative integer of seconds.');
  return BigInt(now);
}

function readSas(f: Frame, p: Ptr): string {
  return new TextDecoder().decode(f.read(p, 6));
}

const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------------------------

/** A device's own keys (its local state, never uploaded): device id, Ed25519 signing key, X-Wing KEM key. */
export class DeviceKeys extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_device_keys_free');
  }

  /** A fresh device: random id, signing key and KEM key. */
  static generate(): DeviceKeys {
    return withFrame((f) => new DeviceKeys(newHandle(f, (out) => dm(f)._coffre_device_keys_generate(out))));
  }

  /** A device from its local state (as exportSecretSeeds gave it). */
  static fromSeeds(seeds: { id: Uint8Array; signSeed: Uint8Array; kemSeed: Uint8Array }): DeviceKeys {
    const id = bytesArg('id', seeds?.id);
    const sign = bytesArg('signSeed', seeds.signSeed);
    const kem = bytesArg('kemSeed', seeds.kemSeed);
    return withFrame((f) => new DeviceKeys(newHandle(f, (out) =>
      dm(f)._coffre_device_keys_from_seeds(f.bytes(id), id.length, f.bytes(sign), sign.length, f.bytes(kem),
        kem.length, out))));
  }

  /** The 16-byte device id. */
  get id(): Uint8Array {
    const k = this.ptr();
    return withFrame((f) => fixed(f, ID_BYTES, (o, n) => dm(f)._coffre_device_keys_id(k, o, n)));
  }

  /** The Ed25519 public key (32 bytes). */
  get signPublicKey(): Uint8Array {
    const k = this.ptr();
    return withFrame((f) => fixed(f, SIGN_PK_BYTES, (o, n) => dm(f)._coffre_device_keys_sign_public_key(k, o, n)));
  }

  /** The X-Wing public key (1216 bytes). */
  get kemPublicKey(): Uint8Array {
    const k = this.ptr();
    return withFrame((f) => fixed(f, KEM_PK_BYTES, (o, n) => dm(f)._coffre_device_keys_kem_public_key(k, o, n)));
  }

  /** SECRET: what to keep in the device's protected local state. Wipe the copies (`fill(0)`) once stored. */
  exportSecretSeeds(): { id: Uint8Array; signSeed: Uint8Array; kemSeed: Uint8Array } {
    const k = this.ptr();
    return withFrame((f) => {
      const sign = f.alloc(SEED_BYTES);
      const kem = f.alloc(SEED_BYTES);
      check(dm(f)._coffre_device_keys_export_secret_seeds(k, sign, SEED_BYTES, kem, SEED_BYTES));
      return { id: this.id, signSeed: f.read(sign, SEED_BYTES), kemSeed: f.read(kem, SEED_BYTES) };
    });
  }
}

/** A device of a verified log. */
export interface LogDevice {
  id: Uint8Array;
  /** UTF-8 name as the log records it (at most 64 bytes). */
  name: string;
  signPublicKey: Uint8Array;
  kemPublicKey: Uint8Array;
  /** The enrollment transcript hash; zeros for the first device and recovery enrollments. */
  transcriptHash: Uint8Array;
}

/** A log head: the seq of the last entry and its hash. Pin it after a successful verification. */
export interface LogHead {
  seq: bigint;
  hash: Uint8Array;
}

/**
 * The account's device list, verified (docs/SPEC.md section 10). Only `verify` and `verifyAppended` make one: holding
 * a VerifiedLog means every check passed. Errors: log_rollback, log_fork, log_broken_chain, log_invalid,
 * device_revoked (an entry authored by a revoked device), identity_superseded (an entry signed by an identity key a
 * revocation replaced), signature_invalid.
 */
export class VerifiedLog extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_log_free');
  }

  /** @internal A handle the library verified (a revocation's log). */
  static adopt(p: Ptr): VerifiedLog {
    return new VerifiedLog(p);
  }

  /**
   * Verifies the whole log as the store served it (entries 0..n-1), against what was pinned after the last
   * verification: the head, and/or the genesis hash (nothing on a first fetch: confirm the identity with the user).
   */
  static verify(entries: readonly Uint8Array[], pins: { head?: LogHead; genesisHash?: Uint8Array } = {}):
    VerifiedLog {
    const frames = framesOf('entries', entries);
    const head = pins.head;
    const headHash = head === undefined ? undefined : bytesArg('head.hash', head.hash);
    const genesis = pins.genesisHash === undefined ? undefined : bytesArg('genesisHash', pins.genesisHash);
    const seq = head === undefined ? 0n : seconds(head.seq);  // the same uint64 checks
    return withFrame((f) => new VerifiedLog(newHandle(f, (out) => dm(f)._coffre_log_verify(
      f.bytes(frames), frames.length, seq, headHash ? f.bytes(headHash) : 0, headHash?.length ?? 0,
      genesis ? f.bytes(genesis) : 0, genesis?.length ?? 0, out))));
  }

  /** The entries after this log's head, verified incrementally: a new VerifiedLog (this one is unchanged). */
  verifyAppended(entries: readonly Uint8Array[]): VerifiedLog {
    const log = this.ptr();
    const frames = framesOf('entries', entries);
    return withFrame((f) => new VerifiedLog(newHandle(f, (out) =>
      dm(f)._coffre_log_verify_appended(log, f.bytes(frames), frames.length, out))));
  }

  get userId(): Uint8Array {
    const l = this.ptr();
    return withFrame((f) => fixed(f, ID_BYTES, (o, n) => dm(f)._coffre_log_user_id(l, o, n)));
  }

  get head(): LogHead {
    const l = this.ptr();
    return withFrame((f) => {
      const seq = f.alloc(8);
      const hash = fixed(f, HASH_BYTES, (o, n) => dm(f)._coffre_log_head(l, seq, o, n));
      return { seq: f.u64(seq), hash };
    });
  }

  get genesisHash(): Uint8Array {
    const l = this.ptr();
    return withFrame((f) => fixed(f, HASH_BYTES, (o, n) => dm(f)._coffre_log_genesis_hash(l, o, n)));
  }

  get identityPublicKey(): Uint8Array {
    const l = this.ptr();
    return withFrame((f) => fixed(f, SIGN_PK_BYTES, (o, n) => dm(f)._coffre_log_identity_public_key(l, o, n)));
  }

  /**
   * The identity fingerprint the user confirms on a first fetch (docs/SPEC.md section 9): 40 lowercase hex digits
   * in 10 groups of 4 separated by single spaces.
   */
  get identityFingerprint(): string {
    const l = this.ptr();
    return withFrame((f) => {
      const out = f.alloc(FINGERPRINT_BYTES);
      check(dm(f)._coffre_log_identity_fingerprint(l, out, FINGERPRINT_BYTES));
      return new TextDecoder().decode(f.read(out, FINGERPRINT_BYTES - 1));
    });
  }

  get identityGeneration(): number {
    return (wasm() as DeviceExports)._coffre_log_identity_generation(this.ptr()) >>> 0;
  }

  get suiteVersion(): number {
    return (wasm() as DeviceExports)._coffre_log_suite_version(this.ptr()) >>> 0;
  }

  get rootEpoch(): number {
    return (wasm() as DeviceExports)._coffre_log_root_epoch(this.ptr()) >>> 0;
  }

  get suitePublicKey(): Uint8Array {
    const l = this.ptr();
    return withFrame((f) => fixed(f, KEM_PK_BYTES, (o, n) => dm(f)._coffre_log_suite_public_key(l, o, n)));
  }

  get recoveryPublicKey(): Uint8Array {
    const l = this.ptr();
    return withFrame((f) => fixed(f, KEM_PK_BYTES, (o, n) => dm(f)._coffre_log_recovery_public_key(l, o, n)));
  }

  /** The recovery signing key (32 bytes) the genesis records: it authors recovery enrollments. */
  get recoverySignPublicKey(): Uint8Array {
    const l = this.ptr();
    return withFrame((f) => fixed(f, SIGN_PK_BYTES, (o, n) => dm(f)._coffre_log_recovery_sign_public_key(l, o, n)));
  }

  /**
   * The identity keys revocations replaced, oldest first (one per revocation: identityGeneration minus the genesis's
   * generation). Anything signed by one of them is a revoked device's or older than the revocation.
   */
  get supersededIdentities(): Uint8Array[] {
    const l = this.ptr();
    return withFrame((f) => {
      const m = dm(f);
      const count = m._coffre_log_superseded_identity_count(l);
      const out: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        out.push(fixed(f, SIGN_PK_BYTES, (o, n) => m._coffre_log_superseded_identity(l, i, o, n)));
      }
      return out;
    });
  }

  /** The enrolled devices, in the order they were added. */
  get devices(): LogDevice[] {
    const l = this.ptr();
    return withFrame((f) => {
      const m = dm(f);
      const count = m._coffre_log_device_count(l);
      const out: LogDevice[] = [];
      for (let i = 0; i < count; i++) {
        out.push({
          id: fixed(f, ID_BYTES, (o, n) => m._coffre_log_device_id(l, i, o, n)),
          name: new TextDecoder().decode(owned(f, (o, n) => m._coffre_log_device_name(l, i, o, n))),
          signPublicKey: fixed(f, SIGN_PK_BYTES, (o, n) => m._coffre_log_device_sign_public_key(l, i, o, n)),
          kemPublicKey: fixed(f, KEM_PK_BYTES, (o, n) => m._coffre_log_device_kem_public_key(l, i, o, n)),
          transcriptHash: fixed(f, HASH_BYTES, (o, n) => m._coffre_log_device_transcript_hash(l, i, o, n)),
        });
      }
      return out;
    });
  }

  /** The ids of revoked devices, in the order they were revoked. */
  get revoked(): Uint8Array[] {
    const l = this.ptr();
    return withFrame((f) => {
      const m = dm(f);
      const count = m._coffre_log_revoked_count(l);
      const out: Uint8Array[] = [];
      for (let i = 0; i < count; i++) out.push(fixed(f, ID_BYTES, (o, n) => m._coffre_log_revoked_id(l, i, o, n)));
      return out;
    });
  }

  /** Whether `deviceId` is an enrolled (added, not revoked) device. */
  contains(deviceId: Uint8Array): boolean {
    const l = this.ptr();
    const id = bytesArg('deviceId', deviceId);
    return withFrame((f) => dm(f)._coffre_log_contains(l, f.bytes(id), id.length) === 1);
  }
}

/** The enrollment request ids an enrolled device answered; persist it (`export`) with the device's local state. */
export class UsedEnrollmentRequests extends Handle {
  constructor(p?: Ptr) {
    super(p ?? withFrame((f) => newHandle(f, (out) => dm(f)._coffre_used_requests_new(out))),
      '_coffre_used_requests_free');
  }

  /** From `export()`'s bytes (24-byte records). */
  static import(records: Uint8Array): UsedEnrollmentRequests {
    const r = bytesArg('records', records);
    return withFrame((f) => new UsedEnrollmentRequests(newHandle(f, (out) =>
      dm(f)._coffre_used_requests_import(f.bytes(r), r.length, out))));
  }

  export(): Uint8Array {
    const u = this.ptr();
    return withFrame((f) => owned(f, (o, n) => dm(f)._coffre_used_requests_export(u, o, n)));
  }

  /** Forgets the ids of requests expired at `now`. */
  prune(now?: number | bigint | Date): void {
    const u = this.ptr();
    check((wasm() as DeviceExports)._coffre_used_requests_prune(u, seconds(now)));
  }

  get size(): number {
    return (wasm() as DeviceExports)._coffre_used_requests_count(this.ptr());
  }
}

/** The new device's side of an enrollment (docs/SPEC.md section 12). Every error is final (bad_state after it). */
export class EnrollmentRequester extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_enrollment_requester_free');
  }

  /** A request for `device` named `name` (UTF-8, at most 64 bytes); lifetime in seconds, 1..600 (default 600). */
  static start(device: DeviceKeys, name: string, options: { now?: number | bigint | Date; lifetime?: number } = {}):
    EnrollmentRequester {
    const d = handleOf(DeviceKeys, device, 'device');
    if (typeof name !== 'string') throw invalidArgument('name must be a string.');
    const n = utf8.encode(name);
    const lifetime = options.lifetime ?? 0;
    if (!Number.isSafeInteger(lifetime) || lifetime < 0) throw invalidArgument('lifetime must be seconds (1..600).');
    if (options.lifetime === 0) throw invalidArgument('lifetime must be seconds (1..600).');
    const now = seconds(options.now);
    return withFrame((f) => new EnrollmentRequester(newHandle(f, (out) =>
      dm(f)._coffre_enrollment_requester_start(d, f.bytes(n), n.length, now, BigInt(lifetime), out))));
  }

  /** The request, to put in the store's mailbox. */
  get request(): Uint8Array {
    const r = this.ptr();
    return withFrame((f) => owned(f, (o, n) => dm(f)._coffre_enrollment_requester_request(r, o, n)));
  }

  /**
   * The enrolled device's response, checked against the log verified after it arrived: the reveal to send back and
   * the 6-digit SAS to show. Errors: bad_state, enrollment_expired, enrollment_invalid, device_not_enrolled,
   * signature_invalid, log_rollback, log_fork.
   */
  onResponse(response: Uint8Array, log: VerifiedLog, now?: number | bigint | Date): { reveal: Uint8Array; sas: string } {
    const r = this.ptr();
    const resp = bytesArg('response', response);
    const l = handleOf(VerifiedLog, log, 'log');
    const t = seconds(now);
    return withFrame((f) => {
      const out = f.alloc(4);
      const outLen = f.alloc(4);
      const sas = f.alloc(SAS_BYTES);
      check(dm(f)._coffre_enrollment_requester_on_response(r, f.bytes(resp), resp.length, l, t, out, outLen, sas,
        SAS_BYTES));
      return { reveal: takeOwned(f, out, outLen), sas: readSas(f, sas) };
    });
  }

  /** After approval: throws unless `log` holds this device exactly as requested (device_not_enrolled, enrollment_invalid). */
  checkEnrolled(log: VerifiedLog): void {
    const r = this.ptr();
    const l = handleOf(VerifiedLog, log, 'log');
    check((wasm() as DeviceExports)._coffre_enrollment_requester_check_enrolled(r, l));
  }
}

/** What enrolls a device: uploaded by the approving device once the user confirmed equal SAS (or by a recovery). */
export interface EnrollmentApproval {
  /** The add-device entry, to append after the log's head. */
  entry: Uint8Array;
  /** The current root key wrapped to the new device. */
  wrap: Uint8Array;
}

/** Calls `make` with out-parameters for an entry and a root wrap (library buffers), and takes both. */
function entryAndWrap(f: Frame, make: (entry: Ptr, entryLen: Ptr, wrap: Ptr, wrapLen: Ptr) => number):
  EnrollmentApproval {
  const e = f.alloc(4);
  const eLen = f.alloc(4);
  const w = f.alloc(4);
  const wLen = f.alloc(4);
  check(make(e, eLen, w, wLen));
  return { entry: takeOwned(f, e, eLen), wrap: takeOwned(f, w, wLen) };
}

/** The enrolled device's side of an enrollment. Every error is final (bad_state after it). */
export class EnrollmentApprover extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_enrollment_approver_free');
  }

  /**
   * A new device's request, answered by `own` for the account of `log` (verified, current). On success the request
   * id is recorded in `used`. Errors: device_not_enrolled, enrollment_invalid, enrollment_expired,
   * enrollment_replayed, already_exists.
   */
  static onRequest(request: Uint8Array, own: DeviceKeys, log: VerifiedLog, used: UsedEnrollmentRequests,
    now?: number | bigint | Date): EnrollmentApprover {
    const req = bytesArg('request', request);
    const o = handleOf(DeviceKeys, own, 'own');
    const l = handleOf(VerifiedLog, log, 'log');
    const u = handleOf(UsedEnrollmentRequests, used, 'used');
    const t = seconds(now);
    return withFrame((f) => new EnrollmentApprover(newHandle(f, (out) =>
      dm(f)._coffre_enrollment_approver_on_request(f.bytes(req), req.length, o, l, t, u, out))));
  }

  /** The response, to send to the new device. */
  get response(): Uint8Array {
    const a = this.ptr();
    return withFrame((f) => owned(f, (o, n) => dm(f)._coffre_enrollment_approver_response(a, o, n)));
  }

  /** The name the new device gave (show it next to the SAS). */
  get requesterName(): string {
    const a = this.ptr();
    return new TextDecoder().decode(
      withFrame((f) => owned(f, (o, n) => dm(f)._coffre_enrollment_approver_requester_name(a, o, n))));
  }

  /** The new device's reveal: the SAS to show. Errors: bad_state, enrollment_expired, enrollment_invalid, signature_invalid. */
  onReveal(reveal: Uint8Array, now?: number | bigint | Date): string {
    const a = this.ptr();
    const rev = bytesArg('reveal', reveal);
    const t = seconds(now);
    return withFrame((f) => {
      const sas = f.alloc(SAS_BYTES);
      check(dm(f)._coffre_enrollment_approver_on_reveal(a, f.bytes(rev), rev.length, t, sas, SAS_BYTES));
      return readSas(f, sas);
    });
  }

  /**
   * Only after the user confirmed that both SAS are equal. The entry is authored and co-signed by `own`, the device
   * that answered the request. Errors: bad_state (before a successful onReveal), invalid_argument (`own` is not the
   * device that answered, `root` or `secrets` are not the log's), device_revoked / device_not_enrolled (`own` is no
   * longer enrolled), already_exists.
   */
  approve(log: VerifiedLog, secrets: AccountSecrets, root: RootKey, own: DeviceKeys): EnrollmentApproval {
    const a = this.ptr();
    const l = handleOf(VerifiedLog, log, 'log');
    const s = handleOf(AccountSecrets, secrets, 'secrets');
    const r = handleOf(RootKey, root, 'root');
    const o = handleOf(DeviceKeys, own, 'own');
    return withFrame((f) => entryAndWrap(f, (e, eLen, w, wLen) =>
      dm(f)._coffre_enrollment_approve(a, l, s, r, o, e, eLen, w, wLen)));
  }
}

/** The root key of an epoch (docs/SPEC.md section 11), opened from the wrap addressed to this device. */
export class RootKey extends Handle {
  /** @internal */
  constructor(p: Ptr) {
    super(p, '_coffre_root_key_free');
  }

  /** Opens the wrap addressed to `device`, for the log's user and current root epoch (wrap_invalid). */
  static unwrap(device: DeviceKeys, log: VerifiedLog, wrap: Uint8Array): RootKey {
    const d = handleOf(DeviceKeys, device, 'device');
    const l = handleOf(VerifiedLog, log, 'log');
    const w = bytesArg('wrap', wrap);
    return withFrame((f) => new RootKey(newHandle(f, (out) =>
      dm(f)._coffre_root_key_unwrap(d, l, f.bytes(w), w.length, out))));
  }

  /**
   * Opens the recovery key's wrap with the recovery phrase, after checking that the log's genesis is the one this
   * phrase created: log_fork for a genesis forged by the store (its recovery MAC is not the phrase's), wrap_invalid
   * for another account's phrase or a wrap that does not open.
   */
  static unwrapRecovery(phrase: RecoveryPhrase, log: VerifiedLog, wrap: Uint8Array): RootKey {
    const p = handleOf(RecoveryPhrase, phrase, 'phrase');
    const l = handleOf(VerifiedLog, log, 'log');
    const w = bytesArg('wrap', wrap);
    return withFrame((f) => new RootKey(newHandle(f, (out) =>
      dm(f)._coffre_root_key_unwrap_recovery(p, l, f.bytes(w), w.length, out))));
  }

  get epoch(): number {
    return (wasm() as DeviceExports)._coffre_root_key_epoch(this.ptr()) >>> 0;
  }
}

/** The account's secrets (identity key, suite keys), opened from the sealed state and checked against the log. */
export class AccountSecrets extends Handle {
  /** @internal */
  constructor(p: Ptr) {
    super(p, '_coffre_account_secrets_free');
  }

  /** Opens the sealed state of `root`'s epoch and checks it against `log` (wrap_invalid). */
  static open(root: RootKey, log: VerifiedLog, sealedState: Uint8Array): AccountSecrets {
    const r = handleOf(RootKey, root, 'root');
    const l = handleOf(VerifiedLog, log, 'log');
    const s = bytesArg('sealedState', sealedState);
    return withFrame((f) => new AccountSecrets(newHandle(f, (out) =>
      dm(f)._coffre_account_state_open(r, l, f.bytes(s), s.length, out))));
  }

  /** The identity key's generation (1 for a new account, + 1 per revocation). */
  get identityGeneration(): number {
    return (wasm() as DeviceExports)._coffre_account_secrets_identity_generation(this.ptr()) >>> 0;
  }
}

/** What a new account uploads (genesis, sealed state, the two wraps) and keeps in memory (secrets, root). */
export interface AccountCreation {
  genesis: Uint8Array;
  sealedState: Uint8Array;
  deviceWrap: Uint8Array;
  recoveryWrap: Uint8Array;
  secrets: AccountSecrets;
  root: RootKey;
}

/**
 * A new account whose first device is `device`, recoverable with `phrase` (show its words to the user once): the
 * genesis records the phrase's public key and its MAC of the genesis keys (docs/SPEC.md section 13).
 */
export function createAccount(device: DeviceKeys, name: string, phrase: RecoveryPhrase): AccountCreation {
  const d = handleOf(DeviceKeys, device, 'device');
  if (typeof name !== 'string') throw invalidArgument('name must be a string.');
  const n = utf8.encode(name);
  const p = handleOf(RecoveryPhrase, phrase, 'phrase');
  return withFrame((f) => {
    const outs = Array.from({ length: 10 }, () => f.alloc(4));
    check(dm(f)._coffre_account_create(d, f.bytes(n), n.length, p, outs[0]!, outs[1]!, outs[2]!, outs[3]!, outs[4]!,
      outs[5]!, outs[6]!, outs[7]!, outs[8]!, outs[9]!));
    return {
      genesis: takeOwned(f, outs[0]!, outs[1]!),
      sealedState: takeOwned(f, outs[2]!, outs[3]!),
      deviceWrap: takeOwned(f, outs[4]!, outs[5]!),
      recoveryWrap: takeOwned(f, outs[6]!, outs[7]!),
      secrets: new AccountSecrets(f.u32(outs[8]!)),
      root: new RootKey(f.u32(outs[9]!)),
    };
  });
}

/**
 * The transcript hash and SAS of a completed exchange, checked from its three messages alone (a third party, a test
 * vector): they belong together (one request id, the reveal's nonce opens the request's commitment) and the
 * reveal's proof of possession verifies. Errors: enrollment_invalid, signature_invalid. The response's signature,
 * the log head and the times are the state machines' checks, not this function's.
 */
export function enrollmentTranscript(request: Uint8Array, response: Uint8Array, reveal: Uint8Array):
  { transcriptHash: Uint8Array; sas: string } {
  const q = bytesArg('request', request);
  const r = bytesArg('response', response);
  const v = bytesArg('reveal', reveal);
  return withFrame((f) => {
    const sas = f.alloc(SAS_BYTES);
    const transcriptHash = fixed(f, HASH_BYTES, (o, n) => dm(f)._coffre_enrollment_transcript(f.bytes(q), q.length,
      f.bytes(r), r.length, f.bytes(v), v.length, o, n, sas, SAS_BYTES));
    return { transcriptHash, sas: readSas(f, sas) };
  });
}

/** A root wrap of a revocation and whom it is for (16 bytes 0xff: the recovery key). */
export interface RootWrap {
  recipientId: Uint8Array;
  wrap: Uint8Array;
}

/** Everything a revocation uploads, and what the revoking device keeps (docs/SPEC.md section 14). */
export interface Revocation {
  /** The revoke entry, authored by the revoking device: append it after the log's head. */
  entry: Uint8Array;
  /** The account secrets sealed under the new epoch's root key. */
  sealedState: Uint8Array;
  /** The new root key wrapped to every remaining device (in log order), then to the recovery key. */
  wraps: RootWrap[];
  /** The verified log after the entry: pin its head once the store accepted it. */
  log: VerifiedLog;
  /** The new epoch's root key, and the secrets with the new identity key and suite key, for this device. */
  root: RootKey;
  secrets: AccountSecrets;
}

/**
 * `own` revokes `deviceId`: the entry replaces the identity key (generation + 1) and the suite key (version + 1); a
 * new root key for epoch + 1 seals the account state, wrapped to every device but the revoked one. Pure: upload the
 * result, then publish a new DirectoryRecord: `DirectoryRecord.make({ userId, secrets: plan.secrets }, { previous:
 * secrets })` (the old secrets sign it too; keep them until then).
 * Errors: device_not_enrolled (`deviceId` or `own` is not an enrolled device of `log`), device_revoked (`own` was
 * revoked), wrap_invalid (`secrets` are not this log's), invalid_argument (`own` is the revoked device, an id that is
 * not 16 bytes, or a generation, version or epoch would overflow).
 */
export function planRevocation(log: VerifiedLog, secrets: AccountSecrets, own: DeviceKeys, deviceId: Uint8Array):
  Revocation {
  const l = handleOf(VerifiedLog, log, 'log');
  const s = handleOf(AccountSecrets, secrets, 'secrets');
  const o = handleOf(DeviceKeys, own, 'own');
  const id = bytesArg('deviceId', deviceId);
  return withFrame((f) => {
    const m = dm(f);
    const plan = newHandle(f, (out) => m._coffre_revocation_plan(l, s, o, f.bytes(id), id.length, out));
    try {
      const wraps: RootWrap[] = [];
      const count = m._coffre_revocation_wrap_count(plan);
      for (let i = 0; i < count; i++) {
        const recipient = f.alloc(ID_BYTES);
        const wrap = fixed(f, ROOT_WRAP_BYTES, (o, n) => m._coffre_revocation_wrap(plan, i, recipient, ID_BYTES, o, n));
        wraps.push({ recipientId: f.read(recipient, ID_BYTES), wrap });
      }
      const entry = owned(f, (o, n) => m._coffre_revocation_entry(plan, o, n));
      const sealedState = owned(f, (o, n) => m._coffre_revocation_sealed_state(plan, o, n));
      const newLog = VerifiedLog.adopt(newHandle(f, (out) => m._coffre_revocation_log(plan, out)));
      const root = new RootKey(newHandle(f, (out) => m._coffre_revocation_root_key(plan, out)));
      const newSecrets = new AccountSecrets(newHandle(f, (out) => m._coffre_revocation_secrets(plan, out)));
      return { entry, sealedState, wraps, log: newLog, root, secrets: newSecrets };
    } finally {
      m._coffre_revocation_free(plan);
    }
  });
}

/** The 24-word recovery phrase (docs/SPEC.md section 13). A secret: show it once, never log it. */
export class RecoveryPhrase extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_recovery_phrase_free');
  }

  static generate(): RecoveryPhrase {
    return withFrame((f) => new RecoveryPhrase(newHandle(f, (out) => dm(f)._coffre_recovery_phrase_generate(out))));
  }

  /**
   * Typed words, normalized as BIP-39 says (Unicode NFKD: full-width letters, non-ASCII spaces), then ASCII case and
   * whitespace; recovery_phrase_invalid otherwise.
   */
  static fromWords(words: string): RecoveryPhrase {
    if (typeof words !== 'string') throw invalidArgument('words must be a string.');
    const w = utf8.encode(words);
    return withFrame((f) => {
      try {
        return new RecoveryPhrase(newHandle(f, (out) => dm(f)._coffre_recovery_phrase_from_words(f.bytes(w), w.length,
          out)));
      } finally {
        w.fill(0);
      }
    });
  }

  /** Whether `words` is a valid phrase (keeps nothing). */
  static isValid(words: string): boolean {
    if (typeof words !== 'string') throw invalidArgument('words must be a string.');
    const w = utf8.encode(words);
    try {
      return withFrame((f) => dm(f)._coffre_recovery_phrase_check(f.bytes(w), w.length) === 0);
    } finally {
      w.fill(0);
    }
  }

  /** SECRET: the 24 words, lowercase, single spaces. */
  words(): string {
    const p = this.ptr();
    const bytes = withFrame((f) => owned(f, (o, n) => dm(f)._coffre_recovery_phrase_words(p, o, n)));
    const s = new TextDecoder().decode(bytes);
    bytes.fill(0);
    return s;
  }

  /** The recovery X-Wing public key (1216 bytes), recorded in the genesis entry. */
  get kemPublicKey(): Uint8Array {
    const p = this.ptr();
    return withFrame((f) => fixed(f, KEM_PK_BYTES, (o, n) => dm(f)._coffre_recovery_phrase_kem_public_key(p, o, n)));
  }

  /** The recovery signing key's public key (32 bytes), recorded in the genesis entry. */
  get signPublicKey(): Uint8Array {
    const p = this.ptr();
    return withFrame((f) => fixed(f, SIGN_PK_BYTES, (o, n) =>
      dm(f)._coffre_recovery_phrase_sign_public_key(p, o, n)));
  }
}

/**
 * Enrolls `device` (named `name`) with the recovery phrase, all devices being lost (docs/SPEC.md section 13): the
 * add-device entry, authored and co-signed by the recovery key, to append after the log's head, and the root wrap to
 * the device. `root` and `secrets`: RootKey.unwrapRecovery and AccountSecrets.open on `log`. Errors: wrap_invalid /
 * log_fork (the phrase is not the log's account), invalid_argument (`root` or `secrets` are not the log's, a name over
 * 64 bytes), already_exists (this device id was added before).
 */
export function enrollWithRecovery(phrase: RecoveryPhrase, log: VerifiedLog, secrets: AccountSecrets, root: RootKey,
  device: DeviceKeys, name: string): EnrollmentApproval {
  const p = handleOf(RecoveryPhrase, phrase, 'phrase');
  const l = handleOf(VerifiedLog, log, 'log');
  const s = handleOf(AccountSecrets, secrets, 'secrets');
  const r = handleOf(RootKey, root, 'root');
  const d = handleOf(DeviceKeys, device, 'device');
  if (typeof name !== 'string') throw invalidArgument('name must be a string.');
  const n = utf8.encode(name);
  return withFrame((f) => entryAndWrap(f, (e, eLen, w, wLen) =>
    dm(f)._coffre_recovery_enroll(p, l, s, r, d, f.bytes(n), n.length, e, eLen, w, wLen)));
}
