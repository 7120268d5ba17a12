// Blobs (docs/STORE.md section 3.4): resumable uploads of parts, one row per part, committed atomically into an
// object that names them; reads stream part by part and a range reads only the parts that cover it.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { charge, etagOf, getObject, idBytes, lockPath } from '../db/objects.js';
import { type Db, inTransaction, type Tx } from '../db/pool.js';
import { notFound, StoreError } from '../http/errors.js';

export const UPLOAD_LIFETIME_SECONDS = 24 * 3600;

export interface Upload {
  id: string;       // 32 hex digits
  path: string;
  owner: string;
}

const uuidOf = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
const hexOf = (uuid: string): string => uuid.replace(/-/g, '');

export async function createUpload(db: Db, path: string, owner: string): Promise<string> {
  if (await getObject(db, path, false) !== undefined) throw new StoreError(412, 'exists', 'the blob exists');
  const id = randomBytes(16).toString('hex');
  await db.query('INSERT INTO uploads (id, path, owner) VALUES ($1, $2, $3)', [uuidOf(id), path, idBytes(owner)]);
  return id;
}

export async function findUpload(db: Db | Tx, id: string, forUpdate = false): Promise<Upload> {
  const r = await db.query<{ path: string; owner: Buffer }>(
    `SELECT path, owner FROM uploads WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [uuidOf(id)]);
  const row = r.rows[0];
  if (row === undefined) throw notFound();
  return { id, path: row.path, owner: row.owner.toString('hex') };
}

/**
 * Stores part k (`sha`: its SHA-256, checked against the body by readBody); the same bytes again is a no-op, other
 * bytes part_conflict. Three or four statements in one transaction: the upload's row touched (and locked: one part
 * write of an upload at a time), the part inserted unless k is there, then the new bytes charged (quota_exceeded
 * rolls the insert back) or the stored part's hash compared.
 */
export async function putPart(db: Db, id: string, k: number, bytes: Buffer, sha: Buffer, quota: number):
  Promise<void> {
  await inTransaction(db, async (tx) => {
    const u = await tx.query<{ owner: Buffer }>(
      'UPDATE uploads SET touched_at = now() WHERE id = $1 RETURNING owner', [uuidOf(id)]);
    const owner = u.rows[0]?.owner;
    if (owner === undefined) throw notFound();
    const inserted = await tx.query(
      `INSERT INTO blob_parts (blob_id, k, size, sha256, bytes) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (blob_id, k) DO NOTHING`, [uuidOf(id), k, bytes.length, sha, bytes]);
    if (inserted.rowCount === 1) {
      await charge(tx, owner.toString('hex'), bytes.length, quota);
      return;
    }
    const r = await tx.query<{ sha256: Buffer }>('SELECT sha256 FROM blob_parts WHERE blob_id = $1 AND k = $2',
      [uuidOf(id), k]);
    if (!r.rows[0]!.sha256.equals(sha)) throw new StoreError(409, 'part_conflict', `part ${k} holds other bytes`);
  });
}

export async function listParts(db: Db, id: string): Promise<{ k: number; size: number; sha256: string }[]> {
  const r = await db.query<{ k: number; size: number; sha256: Buffer }>(
    'SELECT k, size, sha256 FROM blob_parts WHERE blob_id = $1 ORDER BY k', [uuidOf(id)]);
  await db.query('UPDATE uploads SET touched_at = now() WHERE id = $1', [uuidOf(id)]);
  return r.rows.map((p) => ({ k: p.k, size: p.size, sha256: p.sha256.toString('hex') }));
}

/** Parts 0..n-1 summing to `size` become the blob at the upload's path, atomically; the upload is gone. */
export async function commitUpload(db: Db, id: string, n: number, size: number, quota: number): Promise<string> {
  return inTransaction(db, async (tx) => {
    const upload = await findUpload(tx, id, true);
    const r = await tx.query<{ k: number; size: number; sha256: Buffer }>(
      'SELECT k, size, sha256 FROM blob_parts WHERE blob_id = $1 ORDER BY k', [uuidOf(id)]);
    const parts = r.rows.filter((p) => p.k < n);
    const total = parts.reduce((s, p) => s + p.size, 0);
    if (parts.length !== n || parts.some((p, i) => p.k !== i) || total !== size) {
      throw new StoreError(409, 'upload_incomplete', `parts 0..${n - 1} are not all there or do not sum to ${size}`);
    }
    await lockPath(tx, upload.path);
    if (await getObject(tx, upload.path, false) !== undefined) throw new StoreError(412, 'exists', 'the blob exists');
    const extra = r.rows.filter((p) => p.k >= n);
    if (extra.length > 0) {
      await tx.query('DELETE FROM blob_parts WHERE blob_id = $1 AND k >= $2', [uuidOf(id), n]);
      await charge(tx, upload.owner, -extra.reduce((s, p) => s + p.size, 0), quota);
    }
    await tx.query(
      `UPDATE blob_parts p SET offset_in = o.offset_in FROM (
         SELECT k, sum(size) OVER (ORDER BY k) - size AS offset_in FROM blob_parts WHERE blob_id = $1) o
       WHERE p.blob_id = $1 AND p.k = o.k`, [uuidOf(id)]);
    const etag = etagOf(Buffer.concat(parts.map((p) => p.sha256)));
    await tx.query(
      `INSERT INTO objects (path, owner, kind, size, etag, blob_id) VALUES ($1, $2, 'blob', $3, $4, $5)`,
      [upload.path, idBytes(upload.owner), size, etag, uuidOf(id)]);
    await tx.query('DELETE FROM uploads WHERE id = $1', [uuidOf(id)]);
    return etag;
  });
}

/** Discards an upload and its parts (none: nothing to do). */
export async function discardUpload(db: Db, id: string, quota: number): Promise<void> {
  await inTransaction(db, async (tx) => {
    let upload: Upload;
    try {
      upload = await findUpload(tx, id, true);
    } catch {
      return;
    }
    const r = await tx.query<{ size: number }>('DELETE FROM blob_parts WHERE blob_id = $1 RETURNING size',
      [uuidOf(id)]);
    const total = r.rows.reduce((s, p) => s + p.size, 0);
    await tx.query('DELETE FROM uploads WHERE id = $1', [uuidOf(id)]);
    await charge(tx, upload.owner, -total, quota);
  });
}

/** Discards uploads no request touched for 24 hours. */
export async function pruneUploads(db: Db, quota: number): Promise<void> {
  const r = await db.query<{ id: string }>(
    'SELECT id FROM uploads WHERE touched_at < now() - make_interval(secs => $1)', [UPLOAD_LIFETIME_SECONDS]);
  for (const row of r.rows) await discardUpload(db, hexOf(row.id), quota);
}

/** Bytes [start, end] (inclusive) of a committed blob, read part by part: at most one part in memory. */
export function readBlob(db: Db, blobId: string, start: number, end: number): Readable {
  async function* parts(): AsyncGenerator<Buffer> {
    const r = await db.query<{ k: number; offset_in: string; size: number }>(
      `SELECT k, offset_in, size FROM blob_parts WHERE blob_id = $1 AND offset_in + size > $2 AND offset_in <= $3
       ORDER BY k`, [blobId, start, end]);
    for (const p of r.rows) {
      const offset = Number(p.offset_in);
      const from = Math.max(start, offset) - offset;
      const to = Math.min(end, offset + p.size - 1) - offset;
      // substring() of an uncompressed out-of-line value reads only the TOAST chunks it covers.
      const b = await db.query<{ bytes: Buffer }>(
        'SELECT substring(bytes FROM $3 FOR $4) AS bytes FROM blob_parts WHERE blob_id = $1 AND k = $2',
        [blobId, p.k, from + 1, to - from + 1]);
      const bytes = b.rows[0]?.bytes;
      if (bytes === undefined) throw new Error('the blob was removed while it was read');
      yield bytes;
    }
  }
  return Readable.from(parts(), { objectMode: false });
}
