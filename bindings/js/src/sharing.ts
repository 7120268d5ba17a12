// Sharing (docs/SPEC.md section 16) and the key directory, trust store and safety numbers (section 17): an idiomatic
// layer over the C ABI's "Sharing" section. Nothing here does I/O: the caller moves directory records, access lists
// and wraps to and from the store, which is assumed malicious; every binding is checked when opening, and
// signatures are accepted only from contacts the TrustStore hands out.
//
//   publish:  DirectoryRecord.make(me[, { previous: the secrets a revocation replaced }]) -> record.bytes to the store
//   trust:    trust.observe(DirectoryRecord.verify(bytes)); trust.checkSharable(user) -> TrustedContact
//   share:    AccessList.make(owner, ...) -> wrapContentKeyToMany(owner, contacts, list, key)
//   read:     AccessList.open(bytes, ownerContact, ...) -> wrapSender(wrap) -> openContentWrap(wrap, me, list, sender)
import { AccountSecrets, VerifiedLog } from './devices.js';
import { type Context, encodeContext } from './context.js';
import { ContentKey, keyPointer } from './key.js';
import {
  bytesArg, concat, fixed, Handle, handleOf, idArg, newHandle, owned, type Ptr, text, u32Arg, u64Arg,
} from './handle.js';
import { check, type Exports, type Frame, invalidArgument, wasm, withFrame } from './wasm.js';

/** The C functions of the sharing and directory part of coffre.h. */
interface SharingExports extends Exports {
  _coffre_account_secrets_from_seeds(identity: Ptr, identityLen: number, generation: number, suites: Ptr,
    suitesLen: number, out: Ptr): number;
  _coffre_account_secrets_generate(out: Ptr): number;
  _coffre_directory_record_make(user: Ptr, userLen: number, secrets: Ptr, created: bigint, previous: Ptr,
    out: Ptr): number;
  _coffre_directory_record_verify(bytes: Ptr, len: number, out: Ptr): number;
  _coffre_directory_record_check_log(r: Ptr, log: Ptr): number;
  _coffre_directory_record_export(r: Ptr, out: Ptr, len: number): number;
  _coffre_directory_record_user_id(r: Ptr, out: Ptr, len: number): number;
  _coffre_directory_record_identity_generation(r: Ptr): number;
  _coffre_directory_record_identity_public_key(r: Ptr, out: Ptr, len: number): number;
  _coffre_directory_record_suite_version(r: Ptr): number;
  _coffre_directory_record_suite_public_key(r: Ptr, out: Ptr, len: number): number;
  _coffre_directory_record_created(r: Ptr): bigint;
  _coffre_directory_record_previous_identity_public_key(r: Ptr, out: Ptr, len: number): number;
  _coffre_safety_number_of_records(a: Ptr, b: Ptr, out: Ptr, cap: number): number;
  _coffre_trusted_contact_self(user: Ptr, userLen: number, secrets: Ptr, out: Ptr): number;
  _coffre_trusted_contact_from_keys(user: Ptr, userLen: number, identityPk: Ptr, identityPkLen: number,
    generation: number, suiteVersion: number, suitePk: Ptr, suitePkLen: number, out: Ptr): number;
  _coffre_trusted_contact_user_id(c: Ptr, out: Ptr, len: number): number;
  _coffre_trusted_contact_identity_public_key(c: Ptr, out: Ptr, len: number): number;
  _coffre_trusted_contact_identity_generation(c: Ptr): number;
  _coffre_trusted_contact_suite_version(c: Ptr): number;
  _coffre_trusted_contact_suite_public_key(c: Ptr, out: Ptr, len: number): number;
  _coffre_safety_number(a: Ptr, b: Ptr, out: Ptr, cap: number): number;
  _coffre_safety_number_check(a: Ptr, b: Ptr, typed: Ptr, typedLen: number): number;
  _coffre_trust_store_new(out: Ptr): number;
  _coffre_trust_store_parse(bytes: Ptr, len: number, out: Ptr): number;
  _coffre_trust_store_encode(s: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_trust_store_observe(s: Ptr, record: Ptr, observation: Ptr): number;
  _coffre_trust_store_check_sharable(s: Ptr, user: Ptr, userLen: number, out: Ptr): number;
  _coffre_trust_store_safety_number(s: Ptr, user: Ptr, userLen: number, me: Ptr, out: Ptr, cap: number): number;
  _coffre_trust_store_verify(s: Ptr, user: Ptr, userLen: number, typed: Ptr, typedLen: number, me: Ptr): number;
  _coffre_trust_store_refuse(s: Ptr, user: Ptr, userLen: number): number;
  _coffre_trust_store_count(s: Ptr): number;
  _coffre_trust_store_contact(s: Ptr, i: number, user: Ptr, userLen: number, state: Ptr, pending: Ptr): number;
  _coffre_trust_store_pinned_record(s: Ptr, i: number, out: Ptr): number;
  _coffre_trust_store_pending_record(s: Ptr, i: number, out: Ptr): number;
  _coffre_access_list_make(owner: Ptr, ownerLen: number, secrets: Ptr, doc: Ptr, docLen: number, purpose: number,
    keyVersion: number, revision: bigint, members: Ptr, membersLen: number, out: Ptr): number;
  _coffre_access_list_add_members(secrets: Ptr, current: Ptr, added: Ptr, addedLen: number, out: Ptr): number;
  _coffre_access_list_rotate(secrets: Ptr, current: Ptr, removed: Ptr, removedLen: number, key: Ptr,
    list: Ptr): number;
  _coffre_access_list_open(bytes: Ptr, len: number, owner: Ptr, doc: Ptr, docLen: number, purpose: number,
    hasPin: number, pinRevision: bigint, pinKeyVersion: number, out: Ptr): number;
  _coffre_access_list_bytes(l: Ptr, out: Ptr, outLen: Ptr): number;
  _coffre_access_list_owner_user_id(l: Ptr, out: Ptr, len: number): number;
  _coffre_access_list_document_id(l: Ptr, out: Ptr, len: number): number;
  _coffre_access_list_purpose(l: Ptr): number;
  _coffre_access_list_owner_identity_generation(l: Ptr): number;
  _coffre_access_list_key_version(l: Ptr): number;
  _coffre_access_list_revision(l: Ptr): bigint;
  _coffre_access_list_member_count(l: Ptr): number;
  _coffre_access_list_member(l: Ptr, i: number, out: Ptr, len: number): number;
  _coffre_access_list_is_member(l: Ptr, user: Ptr, userLen: number): number;
  _coffre_wrap_content_key(sender: Ptr, senderLen: number, secrets: Ptr, recipient: Ptr, access: Ptr, key: Ptr,
    out: Ptr, len: number): number;
  _coffre_wrap_content_key_to_many(sender: Ptr, senderLen: number, secrets: Ptr, recipients: Ptr, count: number,
    access: Ptr, key: Ptr, threads: number, out: Ptr, outLen: Ptr): number;
  _coffre_wrap_sender(wrap: Ptr, len: number, out: Ptr, outLen: number): number;
  _coffre_wrap_open(wrap: Ptr, len: number, me: Ptr, meLen: number, secrets: Ptr, access: Ptr, sender: Ptr,
    out: Ptr, keyVersion: Ptr): number;
  _coffre_reencrypt_document(env: Ptr, envLen: number, oldKey: Ptr, id: Ptr, idLen: number, oldRevision: bigint,
    oldKeyVersion: number, currentKey: Ptr, currentKeyVersion: number, newRevision: bigint, out: Ptr,
    outLen: Ptr): number;
}

const USER_ID_BYTES = 16;
const SEED_BYTES = 32;
const SIGN_PK_BYTES = 32;
const KEM_PK_BYTES = 1216;
const RECORD_BYTES = 1445;
const WRAP_BYTES = 1314;
const SAFETY_NUMBER_BYTES = 72;

function sm(f: Frame): SharingExports {
  return f.m as SharingExports;
}

function ex(): SharingExports {
  return wasm() as SharingExports;
}

const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------------------------
// The client's own account

/** The client's own account as sharing needs it: its user id and its secrets (from AccountSecrets.open). */
export interface OwnAccount {
  userId: Uint8Array;
  secrets: AccountSecrets;
}

function own(name: string, a: OwnAccount): { user: Uint8Array; secrets: Ptr } {
  if (typeof a !== 'object' || a === null) throw invalidArgument(`${name} must be { userId, secrets }.`);
  return { user: idArg(`${name}.userId`, a.userId), secrets: handleOf(AccountSecrets, a.secrets, `${name}.secrets`) };
}

/**
 * FOR TESTS AND VECTORS ONLY. Account secrets from their seeds: the identity signing seed (32 bytes) with its
 * generation, and the suite-key seeds of versions 1..n. SECRET inputs: wipe them after use. No flow of the suite needs
 * it and nothing checks such secrets against a device list: an account's secrets come from createAccount,
 * AccountSecrets.open and planRevocation, and no secret key is exported.
 */
export function accountSecretsFromSeeds(seeds: { identitySeed: Uint8Array; generation: number;
  suiteSeeds: readonly Uint8Array[] }): AccountSecrets {
  const identity = bytesArg('identitySeed', seeds?.identitySeed);
  const generation = u32Arg('generation', seeds.generation);
  const suites = concat('suiteSeeds', seeds.suiteSeeds, SEED_BYTES);
  try {
    return withFrame((f) => new AccountSecrets(newHandle(f, (out) => sm(f)._coffre_account_secrets_from_seeds(
      f.bytes(identity), identity.length, generation, f.bytes(suites), suites.length, out))));
  } finally {
    suites.fill(0);
  }
}

/** A new account's secrets (generation 1, suite version 1), for tests and benchmarks. */
export function generateAccountSecrets(): AccountSecrets {
  return withFrame((f) => new AccountSecrets(newHandle(f, (out) => sm(f)._coffre_account_secrets_generate(out))));
}

// ---------------------------------------------------------------------------------------------------------------
// Directory records

/** DirectoryRecord.make's options: when the record was created, and the secrets a revocation replaced. */
export interface DirectoryRecordOptions {
  created?: number | bigint | Date;
  previous?: AccountSecrets;
}

/** A directory record (section 17) that passed verification alone: layout, suite key, signatures. No trust yet. */
export class DirectoryRecord extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_directory_record_free');
  }

  /** @internal */
  static adopt(p: Ptr): DirectoryRecord {
    return new DirectoryRecord(p);
  }

  /**
   * The client's own record. `created`: Unix seconds (default now). `previous`: above identity generation 1, the
   * AccountSecrets that the last revocation replaced, whose identity key signs the record too (continuity): those
   * given to planRevocation, or on another device those of the previous epoch (AccountSecrets.open against the log as
   * it was before the revocation). No secret key leaves the module. invalid_argument, in this order: an option other
   * than these two; `previous` missing above generation 1 or given for generation 1; `previous` not of generation - 1
   * (the same generation, an older or a newer one); `previous` of another account (its suite keys are not the first
   * suite keys of `me.secrets`).
   */
  static make(me: OwnAccount, options: DirectoryRecordOptions = {}): DirectoryRecord {
    const { user, secrets } = own('me', me);
    if (typeof options !== 'object' || options === null || options instanceof Date ||
      Object.keys(options).some((k) => k !== 'created' && k !== 'previous')) {
      throw invalidArgument('options must be { created?, previous? }.');
    }
    const { created, previous } = options;
    const when = created instanceof Date ? BigInt(Math.floor(created.getTime() / 1000))
      : u64Arg('created', created, BigInt(Math.floor(Date.now() / 1000)));
    const prev = previous === undefined ? 0 : handleOf(AccountSecrets, previous, 'previous');
    return withFrame((f) => new DirectoryRecord(newHandle(f, (out) => sm(f)._coffre_directory_record_make(
      f.bytes(user), user.length, secrets, when, prev, out))));
  }

  /** A record served by the store: record_invalid, public_key_invalid, signature_invalid. */
  static verify(bytes: Uint8Array): DirectoryRecord {
    const b = bytesArg('bytes', bytes);
    return withFrame((f) => new DirectoryRecord(newHandle(f, (out) =>
      sm(f)._coffre_directory_record_verify(f.bytes(b), b.length, out))));
  }

  /**
   * Throws unless the record states exactly the identity key and generation, suite key and version of `log`, the
   * user's verified device list (section 17): key_version_rollback if the record is older than the log,
   * record_invalid for another user or any other key (a record no device of the account made after the log's last
   * revocation: a revoked device signing with the identity key it kept). Check a contact's record against its log
   * before TrustStore.observe when the log is at hand.
   */
  checkAgainstLog(log: VerifiedLog): void {
    const r = this.ptr();
    const l = handleOf(VerifiedLog, log, 'log');
    check(ex()._coffre_directory_record_check_log(r, l));
  }

  /** The record's 1445 bytes, as the store keeps them. */
  get bytes(): Uint8Array {
    const r = this.ptr();
    return withFrame((f) => fixed(f, RECORD_BYTES, (o, n) => sm(f)._coffre_directory_record_export(r, o, n)));
  }

  get userId(): Uint8Array {
    const r = this.ptr();
    return withFrame((f) => fixed(f, USER_ID_BYTES, (o, n) => sm(f)._coffre_directory_record_user_id(r, o, n)));
  }

  get identityGeneration(): number {
    return ex()._coffre_directory_record_identity_generation(this.ptr()) >>> 0;
  }

  get identityPublicKey(): Uint8Array {
    const r = this.ptr();
    return withFrame((f) => fixed(f, SIGN_PK_BYTES, (o, n) =>
      sm(f)._coffre_directory_record_identity_public_key(r, o, n)));
  }

  get suiteVersion(): number {
    return ex()._coffre_directory_record_suite_version(this.ptr()) >>> 0;
  }

  get suitePublicKey(): Uint8Array {
    const r = this.ptr();
    return withFrame((f) => fixed(f, KEM_PK_BYTES, (o, n) =>
      sm(f)._coffre_directory_record_suite_public_key(r, o, n)));
  }

  /** Seconds since the Unix epoch. */
  get created(): bigint {
    return BigInt.asUintN(64, ex()._coffre_directory_record_created(this.ptr()));
  }

  /** The identity key of generation - 1 (undefined for generation 1). */
  get previousIdentityPublicKey(): Uint8Array | undefined {
    if (this.identityGeneration <= 1) return undefined;
    const r = this.ptr();
    return withFrame((f) => fixed(f, SIGN_PK_BYTES, (o, n) =>
      sm(f)._coffre_directory_record_previous_identity_public_key(r, o, n)));
  }
}

/**
 * The safety number of two users (12 groups of 5 digits; the same both ways), from their records or their trusted
 * contacts. invalid_argument if both have the same user id.
 */
export function safetyNumber(a: DirectoryRecord | TrustedContact, b: DirectoryRecord | TrustedContact): string {
  if (a instanceof DirectoryRecord && b instanceof DirectoryRecord) {
    const pa = a.ptr();
    const pb = b.ptr();
    return withFrame((f) => text(f, SAFETY_NUMBER_BYTES, (o, n) => sm(f)._coffre_safety_number_of_records(pa, pb, o,
      n)));
  }
  const pa = handleOf(TrustedContact, a, 'a');
  const pb = handleOf(TrustedContact, b, 'b');
  return withFrame((f) => text(f, SAFETY_NUMBER_BYTES, (o, n) => sm(f)._coffre_safety_number(pa, pb, o, n)));
}

/**
 * Compares a number the user typed (spaces, tabs and hyphens ignored) with the safety number of two contacts:
 * trust_mismatch if it differs, invalid_argument unless it is 60 digits.
 */
export function checkSafetyNumber(a: TrustedContact, b: TrustedContact, typed: string): void {
  const pa = handleOf(TrustedContact, a, 'a');
  const pb = handleOf(TrustedContact, b, 'b');
  if (typeof typed !== 'string') throw invalidArgument('typed must be a string.');
  const t = utf8.encode(typed);
  withFrame((f) => check(sm(f)._coffre_safety_number_check(pa, pb, f.bytes(t), t.length)));
}

// ---------------------------------------------------------------------------------------------------------------
// Trust

/**
 * Whom to wrap to and whose signatures to accept: from TrustStore.checkSharable for a contact, TrustedContact.self
 * for the client's own account. Nothing else makes one.
 */
export class TrustedContact extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_trusted_contact_free');
  }

  /** @internal */
  static adopt(p: Ptr): TrustedContact {
    return new TrustedContact(p);
  }

  /** The client's own identity and current suite key (self-wraps, its own access lists, safety numbers). */
  static self(me: OwnAccount): TrustedContact {
    const { user, secrets } = own('me', me);
    return withFrame((f) => new TrustedContact(newHandle(f, (out) =>
      sm(f)._coffre_trusted_contact_self(f.bytes(user), user.length, secrets, out))));
  }

  /**
   * A contact from keys trusted by other means (trust decisions kept elsewhere, test vectors): it bypasses the trust
   * store, so only for keys authenticated otherwise. Without `suite`, its signatures are accepted but it cannot be
   * wrapped to.
   */
  static fromKeys(keys: { userId: Uint8Array; identityPublicKey: Uint8Array; generation: number;
    suite?: { version: number; publicKey: Uint8Array } }): TrustedContact {
    const user = idArg('userId', keys?.userId);
    const pk = bytesArg('identityPublicKey', keys.identityPublicKey);
    const generation = u32Arg('generation', keys.generation);
    const version = keys.suite === undefined ? 0 : u32Arg('suite.version', keys.suite.version);
    const suite = keys.suite === undefined ? new Uint8Array(0) : bytesArg('suite.publicKey', keys.suite.publicKey);
    return withFrame((f) => new TrustedContact(newHandle(f, (out) => sm(f)._coffre_trusted_contact_from_keys(
      f.bytes(user), user.length, f.bytes(pk), pk.length, generation, version, suite.length === 0 ? 0 : f.bytes(suite),
      suite.length, out))));
  }

  get userId(): Uint8Array {
    const c = this.ptr();
    return withFrame((f) => fixed(f, USER_ID_BYTES, (o, n) => sm(f)._coffre_trusted_contact_user_id(c, o, n)));
  }

  get identityPublicKey(): Uint8Array {
    const c = this.ptr();
    return withFrame((f) => fixed(f, SIGN_PK_BYTES, (o, n) =>
      sm(f)._coffre_trusted_contact_identity_public_key(c, o, n)));
  }

  get identityGeneration(): number {
    return ex()._coffre_trusted_contact_identity_generation(this.ptr()) >>> 0;
  }

  /** 0 for a contact that cannot be wrapped to. */
  get suiteVersion(): number {
    return ex()._coffre_trusted_contact_suite_version(this.ptr()) >>> 0;
  }

  /** The suite public key wrapped to (1216 bytes); undefined for a contact that cannot be wrapped to. */
  get suitePublicKey(): Uint8Array | undefined {
    if (this.suiteVersion === 0) return undefined;
    const c = this.ptr();
    return withFrame((f) => fixed(f, KEM_PK_BYTES, (o, n) => sm(f)._coffre_trusted_contact_suite_public_key(c, o, n)));
  }
}

export type TrustState = 'unknown' | 'verified' | 'refused';
export type Observation = 'pinned_first' | 'followed' | 'unchanged';
const TRUST_STATES: readonly TrustState[] = ['unknown', 'verified', 'refused'];
const OBSERVATIONS: readonly Observation[] = ['pinned_first', 'followed', 'unchanged'];

/** One contact of a trust store: its pinned record, its state and a pending (changed, not followed) record. */
export interface ContactTrust {
  userId: Uint8Array;
  state: TrustState;
  /** New handles: dispose them. */
  pinned: DirectoryRecord;
  pending: DirectoryRecord | undefined;
}

/** The client's trust in its contacts' records (section 17.1). Local state: persist encode() after every change. */
export class TrustStore extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_trust_store_free');
  }

  static create(): TrustStore {
    return withFrame((f) => new TrustStore(newHandle(f, (out) => sm(f)._coffre_trust_store_new(out))));
  }

  /** A store as encode() gave it (record_invalid if malformed; every record is verified again). */
  static parse(bytes: Uint8Array): TrustStore {
    const b = bytesArg('bytes', bytes);
    return withFrame((f) => new TrustStore(newHandle(f, (out) => sm(f)._coffre_trust_store_parse(f.bytes(b), b.length,
      out))));
  }

  encode(): Uint8Array {
    const s = this.ptr();
    return withFrame((f) => owned(f, (o, n) => sm(f)._coffre_trust_store_encode(s, o, n)));
  }

  /**
   * Observes a verified record: 'followed' for a newer suite version under the pinned identity key. Errors:
   * user_refused, trust_mismatch (now pending: another suite key of the same version, or any identity change, even
   * one the pinned key signed, since a revoked device keeps that key), key_version_rollback.
   */
  observe(record: DirectoryRecord): Observation {
    const s = this.ptr();
    const r = handleOf(DirectoryRecord, record, 'record');
    return withFrame((f) => {
      const out = f.alloc(4);
      check(sm(f)._coffre_trust_store_observe(s, r, out));
      return OBSERVATIONS[f.u32(out) - 1]!;
    });
  }

  /** The contact to share with or accept signatures from: not_found, user_refused, trust_mismatch. */
  checkSharable(userId: Uint8Array): TrustedContact {
    const s = this.ptr();
    const u = idArg('userId', userId);
    return withFrame((f) => TrustedContact.adopt(newHandle(f, (out) =>
      sm(f)._coffre_trust_store_check_sharable(s, f.bytes(u), u.length, out))));
  }

  /** The number to show the user for `userId` (of its pending record if any); `me`: TrustedContact.self. */
  safetyNumber(userId: Uint8Array, me: TrustedContact): string {
    const s = this.ptr();
    const u = idArg('userId', userId);
    const m = handleOf(TrustedContact, me, 'me');
    return withFrame((f) => text(f, SAFETY_NUMBER_BYTES, (o, n) =>
      sm(f)._coffre_trust_store_safety_number(s, f.bytes(u), u.length, m, o, n)));
  }

  /** Compares a typed number: equal, the contact is verified (pending pinned); else trust_mismatch. */
  verify(userId: Uint8Array, typed: string, me: TrustedContact): void {
    const s = this.ptr();
    const u = idArg('userId', userId);
    if (typeof typed !== 'string') throw invalidArgument('typed must be a string.');
    const t = utf8.encode(typed);
    const m = handleOf(TrustedContact, me, 'me');
    withFrame((f) => check(sm(f)._coffre_trust_store_verify(s, f.bytes(u), u.length, f.bytes(t), t.length, m)));
  }

  /** Refuses the contact: no sharing with it until verified (not_found if unknown). */
  refuse(userId: Uint8Array): void {
    const s = this.ptr();
    const u = idArg('userId', userId);
    withFrame((f) => check(sm(f)._coffre_trust_store_refuse(s, f.bytes(u), u.length)));
  }

  /** Every contact, in user-id order. */
  contacts(): ContactTrust[] {
    const s = this.ptr();
    const count = ex()._coffre_trust_store_count(s) >>> 0;
    const out: ContactTrust[] = [];
    for (let i = 0; i < count; i++) {
      out.push(withFrame((f) => {
        const state = f.alloc(4);
        const pending = f.alloc(4);
        const userId = fixed(f, USER_ID_BYTES, (o, n) => sm(f)._coffre_trust_store_contact(s, i, o, n, state, pending));
        const pinned = DirectoryRecord.adopt(newHandle(f, (o) => sm(f)._coffre_trust_store_pinned_record(s, i, o)));
        const hasPending = f.u32(pending) !== 0;
        return {
          userId,
          state: TRUST_STATES[f.u32(state) - 1]!,
          pinned,
          pending: hasPending ? DirectoryRecord.adopt(newHandle(f, (o) =>
            sm(f)._coffre_trust_store_pending_record(s, i, o))) : undefined,
        };
      }));
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Access lists and wraps

/** What a content key opens (the purpose byte of section 16). */
export type Purpose = 'document' | 'file' | 'drive-node';
const PURPOSES: readonly Purpose[] = ['document', 'file', 'drive-node'];

function purposeArg(p: unknown): number {
  const i = PURPOSES.indexOf(p as Purpose);
  if (i < 0) throw invalidArgument(`purpose must be one of ${PURPOSES.join(', ')}.`);
  return i + 1;
}

/** The highest access list opened for a document: older ones are refused (key_version_rollback). */
export interface AccessPin {
  revision: bigint;
  keyVersion: number;
}

/** A signed access list (section 16.1) made here or opened: who may hold the content key of one version. */
export class AccessList extends Handle {
  private constructor(p: Ptr) {
    super(p, '_coffre_access_list_free');
  }

  /**
   * The owner's list for document (owner, documentId, purpose): `members` in any order, the owner added.
   * invalid_argument: a key version or revision of 0, more than 4096 members.
   */
  static make(owner: OwnAccount, document: { documentId: Uint8Array; purpose: Purpose }, keyVersion: number,
    revision: number | bigint, members: readonly Uint8Array[]): AccessList {
    const { user, secrets } = own('owner', owner);
    const doc = idArg('documentId', document?.documentId);
    const purpose = purposeArg(document.purpose);
    const version = u32Arg('keyVersion', keyVersion);
    const rev = u64Arg('revision', revision);
    const list = concat('members', members);
    return withFrame((f) => new AccessList(newHandle(f, (out) => sm(f)._coffre_access_list_make(f.bytes(user),
      user.length, secrets, f.bytes(doc), doc.length, purpose, version, rev, f.bytes(list), list.length, out))));
  }

  /**
   * Opens a list served by the store for (owner, documentId, purpose) with the owner's trusted contact, in the spec's
   * order: record_invalid, wrong_context, trust_mismatch, signature_invalid, key_version_rollback (below `pin`).
   * Pass `pin: null` only to read old content, and then check keyVersion against the envelope's.
   */
  static open(bytes: Uint8Array, owner: TrustedContact, document: { documentId: Uint8Array; purpose: Purpose },
    pin: AccessPin | null): AccessList {
    const b = bytesArg('bytes', bytes);
    const o = handleOf(TrustedContact, owner, 'owner');
    const doc = idArg('documentId', document?.documentId);
    const purpose = purposeArg(document.purpose);
    if (pin !== null && (typeof pin !== 'object' || pin === undefined)) {
      throw invalidArgument('pin must be { revision, keyVersion } or null.');
    }
    const pinRevision = pin === null ? 0n : u64Arg('pin.revision', pin.revision);
    const pinVersion = pin === null ? 0 : u32Arg('pin.keyVersion', pin.keyVersion);
    return withFrame((f) => new AccessList(newHandle(f, (out) => sm(f)._coffre_access_list_open(f.bytes(b), b.length,
      o, f.bytes(doc), doc.length, purpose, pin === null ? 0 : 1, pinRevision, pinVersion, out))));
  }

  /** The next list (revision + 1, same key version) with `added` members too. */
  addMembers(owner: OwnAccount, added: readonly Uint8Array[]): AccessList {
    const l = this.ptr();
    const { secrets } = own('owner', owner);
    const list = concat('added', added);
    return withFrame((f) => new AccessList(newHandle(f, (out) =>
      sm(f)._coffre_access_list_add_members(secrets, l, f.bytes(list), list.length, out))));
  }

  /**
   * Removing members (16.3): a new content key of version keyVersion + 1 and its list (revision + 1). Wrap the key to
   * every remaining member (the owner included), then seal new content under it.
   */
  rotate(owner: OwnAccount, removed: readonly Uint8Array[]): { key: ContentKey; access: AccessList } {
    const l = this.ptr();
    const { secrets } = own('owner', owner);
    const list = concat('removed', removed);
    return withFrame((f) => {
      const key = f.alloc(4);
      const access = f.alloc(4);
      check(sm(f)._coffre_access_list_rotate(secrets, l, f.bytes(list), list.length, key, access));
      return { key: ContentKey.adopt(f.u32(key)), access: new AccessList(f.u32(access)) };
    });
  }

  /** The exact signed bytes (what the store keeps). */
  get bytes(): Uint8Array {
    const l = this.ptr();
    return withFrame((f) => owned(f, (o, n) => sm(f)._coffre_access_list_bytes(l, o, n)));
  }

  get ownerUserId(): Uint8Array {
    const l = this.ptr();
    return withFrame((f) => fixed(f, USER_ID_BYTES, (o, n) => sm(f)._coffre_access_list_owner_user_id(l, o, n)));
  }

  get documentId(): Uint8Array {
    const l = this.ptr();
    return withFrame((f) => fixed(f, USER_ID_BYTES, (o, n) => sm(f)._coffre_access_list_document_id(l, o, n)));
  }

  get purpose(): Purpose {
    return PURPOSES[ex()._coffre_access_list_purpose(this.ptr()) - 1]!;
  }

  get ownerIdentityGeneration(): number {
    return ex()._coffre_access_list_owner_identity_generation(this.ptr()) >>> 0;
  }

  get keyVersion(): number {
    return ex()._coffre_access_list_key_version(this.ptr()) >>> 0;
  }

  get revision(): bigint {
    return BigInt.asUintN(64, ex()._coffre_access_list_revision(this.ptr()));
  }

  /** What to pin once this list is accepted. */
  get pin(): AccessPin {
    return { revision: this.revision, keyVersion: this.keyVersion };
  }

  /** The members, in increasing byte order (the owner is one of them). */
  get members(): Uint8Array[] {
    const l = this.ptr();
    const count = ex()._coffre_access_list_member_count(l) >>> 0;
    return withFrame((f) => Array.from({ length: count }, (_, i) =>
      fixed(f, USER_ID_BYTES, (o, n) => sm(f)._coffre_access_list_member(l, i, o, n))));
  }

  isMember(userId: Uint8Array): boolean {
    const l = this.ptr();
    const u = idArg('userId', userId);
    return withFrame((f) => sm(f)._coffre_access_list_is_member(l, f.bytes(u), u.length) === 1);
  }
}

/**
 * A wrap (1314 bytes) of `key` (of access.keyVersion) to `recipient`, signed by `sender`. not_a_member: the sender
 * or the recipient is not a member; public_key_invalid.
 */
export function wrapContentKey(sender: OwnAccount, recipient: TrustedContact, access: AccessList,
  key: ContentKey): Uint8Array {
  const { user, secrets } = own('sender', sender);
  const r = handleOf(TrustedContact, recipient, 'recipient');
  const a = handleOf(AccessList, access, 'access');
  const k = keyPointer(key);
  return withFrame((f) => fixed(f, WRAP_BYTES, (o, n) =>
    sm(f)._coffre_wrap_content_key(f.bytes(user), user.length, secrets, r, a, k, o, n)));
}

/** The same to many recipients, in their order; fails as a whole with the first recipient's error. */
export function wrapContentKeyToMany(sender: OwnAccount, recipients: readonly TrustedContact[], access: AccessList,
  key: ContentKey): Uint8Array[] {
  const { user, secrets } = own('sender', sender);
  if (!Array.isArray(recipients)) throw invalidArgument('recipients must be an array of TrustedContact.');
  const ptrs = recipients.map((r, i) => handleOf(TrustedContact, r, `recipients[${i}]`));
  const a = handleOf(AccessList, access, 'access');
  const k = keyPointer(key);
  const all = withFrame((f) => {
    const list = f.alloc(4 * ptrs.length);
    const view = new DataView(f.m.HEAPU8.buffer);
    ptrs.forEach((p, i) => view.setUint32(list + 4 * i, p, true));
    return owned(f, (o, n) => sm(f)._coffre_wrap_content_key_to_many(f.bytes(user), user.length, secrets, list,
      ptrs.length, a, k, 1, o, n));
  });
  return Array.from({ length: ptrs.length }, (_, i) => all.slice(i * WRAP_BYTES, (i + 1) * WRAP_BYTES));
}

/** The sender a wrap names (not authenticated yet): look up its TrustedContact, then openContentWrap. */
export function wrapSender(wrap: Uint8Array): Uint8Array {
  const w = bytesArg('wrap', wrap);
  return withFrame((f) => fixed(f, USER_ID_BYTES, (o, n) => sm(f)._coffre_wrap_sender(f.bytes(w), w.length, o, n)));
}

/**
 * The content key in `wrap` for `me`, under an opened access list and the sender's trusted contact, in the spec's
 * order: wrap_invalid, wrong_context, not_a_member, trust_mismatch, signature_invalid, wrap_invalid.
 */
export function openContentWrap(wrap: Uint8Array, me: OwnAccount, access: AccessList,
  sender: TrustedContact): { key: ContentKey; keyVersion: number } {
  const w = bytesArg('wrap', wrap);
  const { user, secrets } = own('me', me);
  const a = handleOf(AccessList, access, 'access');
  const s = handleOf(TrustedContact, sender, 'sender');
  return withFrame((f) => {
    const key = f.alloc(4);
    const version = f.alloc(4);
    check(sm(f)._coffre_wrap_open(f.bytes(w), w.length, f.bytes(user), user.length, secrets, a, s, key, version));
    return { key: ContentKey.adopt(f.u32(key)), keyVersion: f.u32(version) };
  });
}

/**
 * Explicit re-encryption (16.3): a document envelope sealed under `oldKey` in `oldContext` (whose keyVersion is the
 * old key's), sealed again under `currentKey` of `currentKeyVersion`, same object id, revision `newRevision`.
 */
export function reencryptDocument(envelope: Uint8Array, oldKey: ContentKey, oldContext: Context,
  currentKey: ContentKey, currentKeyVersion: number, newRevision: number | bigint): Uint8Array {
  const env = bytesArg('envelope', envelope);
  const oldK = keyPointer(oldKey);
  const curK = keyPointer(currentKey);
  const version = u32Arg('currentKeyVersion', currentKeyVersion);
  const rev = u64Arg('newRevision', newRevision);
  return withFrame((f) => {
    const c = encodeContext(f, oldContext);
    return owned(f, (o, n) => sm(f)._coffre_reencrypt_document(f.bytes(env), env.length, oldK, c.id, c.idLen,
      c.revision, c.keyVersion, curK, version, rev, o, n));
  });
}
