// Account creation (docs/STORE.md section 4): the first write under accounts/<user>/ of an account with no log claims
// it for the signer; until the genesis only that key writes there; a claim left without genesis for an hour is
// discarded with its objects; with --invite the claim consumes a token.
import { StoreError } from '../http/errors.js';
import { idBytes } from './objects.js';
import { type Db, inTransaction, type Tx } from './pool.js';

export const CLAIM_LIFETIME_SECONDS = 3600;

export async function lockAccount(tx: Tx, user: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`account:${user}`]);
}

/** Makes sure `key` holds the claim on `user` (an account with no log), claiming it if nobody does. */
export async function holdClaim(tx: Tx, user: string, key: string, invite: string | null, inviteOnly: boolean):
  Promise<void> {
  await lockAccount(tx, user);
  const r = await tx.query<{ claim_key: Buffer | null; log_length: string; expired: boolean }>(
    `SELECT claim_key, log_length, claimed_at < now() - make_interval(secs => $2) AS expired
     FROM accounts WHERE user_id = $1 FOR UPDATE`, [idBytes(user), CLAIM_LIFETIME_SECONDS]);
  const row = r.rows[0];
  if (row !== undefined && BigInt(row.log_length) > 0n) {
    throw new StoreError(403, 'forbidden', 'the account exists: only its devices write there');
  }
  if (row?.claim_key?.toString('hex') === key) return;
  if (row !== undefined && row.claim_key !== null && !row.expired) {
    throw new StoreError(403, 'forbidden', 'another key is creating this account');
  }
  if (row !== undefined) await discardAccountObjects(tx, user);
  if (inviteOnly) {
    const used = invite === null ? { rowCount: 0 } : await tx.query(
      'UPDATE invites SET used_by = $2, used_at = now() WHERE token = $1 AND used_by IS NULL', [invite, idBytes(user)]);
    if (used.rowCount !== 1) throw new StoreError(403, 'invite_required', 'creating an account needs an unused invite');
  }
  await tx.query(
    `INSERT INTO accounts (user_id, claim_key, claimed_at) VALUES ($1, $2, now())
     ON CONFLICT (user_id) DO UPDATE SET claim_key = $2, claimed_at = now(), quota_used = 0`,
    [idBytes(user), Buffer.from(key, 'hex')]);
}

async function discardAccountObjects(tx: Tx, user: string): Promise<void> {
  await tx.query('DELETE FROM objects WHERE path >= $1 AND path < $2', [`accounts/${user}/`, `accounts/${user}0`]);
}

/** Discards claims older than an hour that have no genesis, with their objects. */
export async function pruneClaims(db: Db): Promise<void> {
  const r = await db.query<{ user_id: Buffer }>(
    `SELECT user_id FROM accounts WHERE log_length = 0 AND claimed_at < now() - make_interval(secs => $1)`,
    [CLAIM_LIFETIME_SECONDS]);
  for (const row of r.rows) {
    const user = row.user_id.toString('hex');
    await inTransaction(db, async (tx) => {
      await lockAccount(tx, user);
      const again = await tx.query(
        `DELETE FROM accounts WHERE user_id = $1 AND log_length = 0
         AND claimed_at < now() - make_interval(secs => $2)`, [row.user_id, CLAIM_LIFETIME_SECONDS]);
      if (again.rowCount === 1) await discardAccountObjects(tx, user);
    });
  }
}

export async function addInvites(db: Db, tokens: readonly string[]): Promise<void> {
  for (const t of tokens) await db.query('INSERT INTO invites (token) VALUES ($1) ON CONFLICT DO NOTHING', [t]);
}
