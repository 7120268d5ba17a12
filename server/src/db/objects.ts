// Objects in PostgreSQL: conditional writes under a per-path advisory lock, quotas charged to the path's account,
// listings by byte order. Callers run these inside a transaction (inTransaction).
import { createHash } from 'node:crypto';
import { StoreError } from '../http/errors.js';
import type { Db, Tx } from './pool.js';

export interface StoredObject {
  path: string;
  kind: string;
  size: number;
  etag: string;
  bytes: Buffer | null;
  blobId: string | null;
}

export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('hex')}"`;
}

export const idBytes = (hex: string): Buffer => Buffer.from(hex, 'hex');

/** Serializes the writers of one path (the row may not exist yet, so a row lock cannot). */
export async function lockPath(tx: Tx, path: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`path:${path}`]);
}

export async function getObject(db: Db | Tx, path: string, withBytes = true): Promise<StoredObject | undefined> {
  const r = await db.query<{ path: string; kind: string; size: string; etag: string; bytes: Buffer | null;
    blob_id: string | null }>(
    `SELECT path, kind, size, etag, ${withBytes ? 'bytes' : 'NULL::bytea AS bytes'}, blob_id FROM objects
     WHERE path = $1`, [path]);
  const row = r.rows[0];
  if (row === undefined) return undefined;
  return { path: row.path, kind: row.kind, size: Number(row.size), etag: row.etag, bytes: row.bytes,
    blobId: row.blob_id };
}

/** Adds `delta` bytes to the account's use: quota_exceeded (413) when it would go over `quota`. */
export async function charge(tx: Tx, account: string | null, delta: number, quota: number): Promise<void> {
  if (account === null || delta === 0) return;
  const r = await tx.query(
    `UPDATE accounts SET quota_used = greatest(0, quota_used + $2) WHERE user_id = $1
     AND ($2 <= 0 OR quota_used + $2 <= $3)`, [idBytes(account), delta, quota]);
  if (r.rowCount === 0 && delta > 0) {
    throw new StoreError(413, 'quota_exceeded', 'the account is over its storage quota');
  }
}

export interface Conditions {
  /** If-None-Match: * */
  createOnly: boolean;
  /** If-Match: "<etag>" */
  ifMatch: string | undefined;
}

/** Checks the conditions against the current object (412 exists / precondition_failed). */
export function checkConditions(existing: StoredObject | undefined, c: Conditions): void {
  if (c.createOnly && existing !== undefined) {
    throw new StoreError(412, 'exists', 'the object exists', { etag: existing.etag });
  }
  if (c.ifMatch !== undefined && (existing === undefined || existing.etag !== c.ifMatch)) {
    throw new StoreError(412, 'precondition_failed', 'the object is not the version named by If-Match');
  }
}

export interface NewObject {
  path: string;
  kind: string;
  owner: string | null;
  bytes: Buffer;
  logSeq?: bigint;
}

/** Creates or replaces an object (the path locked, conditions checked); whether it was created. */
export async function writeObject(tx: Tx, o: NewObject, c: Conditions, quota: number): Promise<boolean> {
  await lockPath(tx, o.path);
  const existing = await getObject(tx, o.path, false);
  checkConditions(existing, c);
  if (existing?.blobId) throw new StoreError(409, 'create_only', 'a blob is never replaced');
  await charge(tx, o.owner, o.bytes.length - (existing?.size ?? 0), quota);
  const etag = etagOf(o.bytes);
  const owner = o.owner === null ? null : idBytes(o.owner);
  if (existing === undefined) {
    await tx.query(
      `INSERT INTO objects (path, owner, kind, size, etag, bytes, log_seq) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [o.path, owner, o.kind, o.bytes.length, etag, o.bytes, o.logSeq ?? null]);
  } else {
    await tx.query('UPDATE objects SET bytes = $2, size = $3, etag = $4, created_at = now() WHERE path = $1',
      [o.path, o.bytes, o.bytes.length, etag]);
  }
  return existing === undefined;
}

/** Removes an object (a blob with its parts) and refunds its bytes; whether there was one. */
export async function removeObject(tx: Tx, path: string, owner: string | null, quota: number,
  ifMatch?: string): Promise<boolean> {
  await lockPath(tx, path);
  const existing = await getObject(tx, path, false);
  checkConditions(existing, { createOnly: false, ifMatch });
  if (existing === undefined) return false;
  await tx.query('DELETE FROM objects WHERE path = $1', [path]);
  if (existing.blobId !== null) await tx.query('DELETE FROM blob_parts WHERE blob_id = $1', [existing.blobId]);
  await tx.query('DELETE FROM drive_edges WHERE path = $1', [path]);
  await charge(tx, owner, -existing.size, quota);
  return true;
}

/**
 * The names directly under `dir/` (an object's last segment or the next segment of a deeper path, each once), in
 * byte order, after `after`, at most `limit`; and whether more follow.
 */
export async function listNames(db: Db, dir: string, after: string | undefined, limit: number):
  Promise<{ names: string[]; more: boolean }> {
  // Paths under dir/ are the range [dir/, dir0) in byte order ('0' follows '/').
  const from = after === undefined ? `${dir}/` : `${dir}/${after}`;
  const r = await db.query<{ name: string }>(
    `SELECT name FROM (
       SELECT DISTINCT split_part(substr(path, $3), '/', 1) COLLATE "C" AS name FROM objects
       WHERE path >= $1 AND path < $2) n
     WHERE name > ($4::text COLLATE "C") ORDER BY name LIMIT $5`,
    [from, `${dir}0`, dir.length + 2, after ?? '', limit + 1]);
  const names = r.rows.map((x) => x.name);
  return { names: names.slice(0, limit), more: names.length > limit };
}

/** Every object path under `dir/`. */
export async function pathsUnder(db: Db | Tx, dir: string): Promise<string[]> {
  const r = await db.query<{ path: string }>('SELECT path FROM objects WHERE path >= $1 AND path < $2 ORDER BY path',
    [`${dir}/`, `${dir}0`]);
  return r.rows.map((x) => x.path);
}
