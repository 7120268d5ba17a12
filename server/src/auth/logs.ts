// Accounts' device lists, verified by the server itself with coffre's verifier (VerifiedLog), cached by head hash
// only: a cache entry is the verification of exactly the entries whose last hash it is, so it is never stale, and
// any process re-derives it from the database.
import { VerifiedLog } from '@coffre/core';
import type { Db, Tx } from '../db/pool.js';

export interface AccountLog {
  user: string;
  log: VerifiedLog;
  length: bigint;
  headHash: string;
  /** hex signing keys of the enrolled (non-revoked) devices */
  deviceKeys: Set<string>;
  /** hex ids of the enrolled devices */
  deviceIds: Set<string>;
  recoveryKey: string;
  rootEpoch: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const CACHE_SIZE = 512;
const cache = new Map<string, AccountLog>();

function remember(a: AccountLog): AccountLog {
  cache.delete(a.headHash);
  cache.set(a.headHash, a);
  // Handles dropped here are freed when collected (the package's FinalizationRegistry): a request still using one
  // keeps it alive.
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return a;
}

export function describe(user: string, log: VerifiedLog): AccountLog {
  const head = log.head;
  return {
    user,
    log,
    length: head.seq + 1n,
    headHash: hex(head.hash),
    deviceKeys: new Set(log.devices.map((d) => hex(d.signPublicKey))),
    deviceIds: new Set(log.devices.map((d) => hex(d.id))),
    recoveryKey: hex(log.recoverySignPublicKey),
    rootEpoch: log.rootEpoch,
  };
}

/** The account's verified log as the database holds it now, or undefined when it has no entry. */
export async function currentLog(db: Db | Tx, user: string, forUpdate = false): Promise<AccountLog | undefined> {
  const r = await db.query<{ log_length: string; head_hash: Buffer | null }>(
    `SELECT log_length, head_hash FROM accounts WHERE user_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [Buffer.from(user, 'hex')]);
  const row = r.rows[0];
  if (row === undefined || row.head_hash === null || BigInt(row.log_length) === 0n) return undefined;
  const cached = cache.get(row.head_hash.toString('hex'));
  if (cached !== undefined) return remember(cached);
  const entries = await db.query<{ bytes: Buffer }>(
    'SELECT bytes FROM objects WHERE owner = $1 AND log_seq IS NOT NULL AND log_seq < $2 ORDER BY log_seq',
    [Buffer.from(user, 'hex'), row.log_length]);
  const log = VerifiedLog.verify(entries.rows.map((e) => new Uint8Array(e.bytes)));
  const described = describe(user, log);
  if (described.headHash !== row.head_hash.toString('hex') || described.user !== hex(log.userId)) {
    throw new Error(`the stored log of ${user} does not match its account row`);
  }
  return remember(described);
}

/** Caches a log verified by an append (its successor is what the database now holds). */
export function rememberLog(a: AccountLog): void {
  remember(a);
}
