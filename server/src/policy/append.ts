// Log appends (docs/STORE.md section 4): serialized per account by a row lock, the new entry verified with coffre's
// own verifier against the log the database holds, and the signer checked against the log *with* the entry.
import { VerifiedLog } from '@coffre/core';
import type { Principal } from '../auth/authenticate.js';
import { type AccountLog, currentLog, describe, rememberLog } from '../auth/logs.js';
import { holdClaim } from '../db/accounts.js';
import { checkConditions, getObject, idBytes, writeObject } from '../db/objects.js';
import type { Tx } from '../db/pool.js';
import { forbidden, libraryCheck, StoreError } from '../http/errors.js';

const RECOVERY_AUTHOR = 'ff'.repeat(16);
const KIND_OFFSET = 4 + 1 + 8 + 32;     // "CFRL" | version | u64 seq | prev[32] | kind
const AUTHOR_FROM_END = 16 + 3 * 64;    // author[16] | sig_identity | sig_author | tail

export interface AppendOptions {
  inviteOnly: boolean;
  quota: number;
}

/** Appends `entry` as entry `seq` of `user`'s log; the verified log after it (cache it once committed). */
export async function appendEntry(tx: Tx, who: Principal, user: string, seq: bigint, entry: Buffer,
  path: string, o: AppendOptions): Promise<AccountLog> {
  if (who.kind === 'claimant') await holdClaim(tx, user, who.key, who.headers.invite, o.inviteOnly);
  const before = await currentLog(tx, user, /* forUpdate */ true);
  const length = before?.length ?? 0n;
  if (seq < length) {
    // The same entry again (a retry after a lost answer): 412 exists, as any create-only object, so the client
    // finds its own entry stored. Another entry at that place is a race lost or a fork: below.
    const stored = await getObject(tx, path);
    if (stored?.bytes && stored.bytes.equals(entry)) {
      checkConditions(stored, { createOnly: true, ifMatch: undefined });
    }
  }
  if (seq !== length) {
    throw new StoreError(409, 'log_conflict', `the log has ${length} entries`, { length: Number(length) });
  }
  const bytes = new Uint8Array(entry);
  const log = before === undefined
    ? libraryCheck(() => VerifiedLog.verify([bytes]))
    : libraryCheck(() => before.log.verifyAppended([bytes]));
  const after = describe(user, log);
  if (Buffer.from(log.userId).toString('hex') !== user) throw forbidden('the genesis names another account');
  checkSigner(who, after, entry);
  await writeObject(tx, { path, kind: 'log', owner: user, bytes: entry, logSeq: seq },
    { createOnly: true, ifMatch: undefined }, o.quota);
  await tx.query('UPDATE accounts SET log_length = $2, head_hash = $3, claim_key = NULL WHERE user_id = $1',
    [idBytes(user), (seq + 1n).toString(), Buffer.from(after.headHash, 'hex')]);
  await recordDeviceKeys(tx, user, log);
  return after;
}

/** The signer must be a non-revoked device of the log with the entry, or the recovery key adding a device. */
function checkSigner(who: Principal, after: AccountLog, entry: Buffer): void {
  if (who.kind === 'recovery') {
    const kind = entry[KIND_OFFSET];
    const author = entry.subarray(entry.length - AUTHOR_FROM_END, entry.length - AUTHOR_FROM_END + 16).toString('hex');
    if (kind !== 2 || author !== RECOVERY_AUTHOR) {
      throw forbidden('the recovery key appends only add-device entries it authored');
    }
    return;
  }
  if (who.kind === 'anonymous' || !after.deviceKeys.has(who.key)) {
    throw forbidden('the signer is not a device of the log with this entry');
  }
}

/** Remembers every signing key the log enrolled, and which were revoked (device_revoked vs device_not_enrolled). */
async function recordDeviceKeys(tx: Tx, user: string, log: VerifiedLog): Promise<void> {
  for (const d of log.devices) {
    await tx.query(
      `INSERT INTO device_keys (sign_pk, user_id, device_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [Buffer.from(d.signPublicKey), idBytes(user), Buffer.from(d.id)]);
  }
  const revoked = log.revoked.map((id) => Buffer.from(id));
  if (revoked.length > 0) {
    await tx.query('UPDATE device_keys SET revoked = true WHERE user_id = $1 AND device_id = ANY($2)',
      [idBytes(user), revoked]);
  }
}

export { rememberLog };
