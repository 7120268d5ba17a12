// Members of a document and readers of a Drive node (docs/STORE.md section 4), checked by the server itself: the
// document's access lists are opened (SPEC 16.1) with the owner's identity key from the owner's verified log.
import { AccessList, type Purpose, TrustedContact } from '@coffre/core';
import { type AccountLog, currentLog } from '../auth/logs.js';
import type { Db } from '../db/pool.js';

const PURPOSES: readonly Purpose[] = ['document', 'file', 'drive-node'];
const MAX_DEPTH = 256;

/** members (hex) of a list, by its path, ETag and the owner's log head: a new list or a revocation is a new key */
const memberCache = new Map<string, Set<string> | null>();

function cacheSet(k: string, v: Set<string> | null): void {
  memberCache.set(k, v);
  while (memberCache.size > 4096) memberCache.delete(memberCache.keys().next().value!);
}

export interface Document {
  owner: string;
  doc: string;
  purpose: number;
}

const accessDir = (d: Document): string => `docs/${d.owner}/${d.doc}/${d.purpose}/access`;

/** d's access list in `bytes`, opened (SPEC 16.1) with the owner's current identity; throws the library's error. */
export function openAccessList(bytes: Uint8Array, d: Document, log: AccountLog): AccessList {
  const contact = TrustedContact.fromKeys({
    userId: Buffer.from(d.owner, 'hex'),
    identityPublicKey: log.log.identityPublicKey,
    generation: log.log.identityGeneration,
  });
  try {
    return AccessList.open(new Uint8Array(bytes), contact,
      { documentId: Buffer.from(d.doc, 'hex'), purpose: PURPOSES[d.purpose - 1]! }, null);
  } finally {
    contact.dispose();
  }
}

/**
 * The members of the access list stored at `path` (one of d's), or null when that list does not open (SPEC 16.1)
 * with the owner's current identity key and generation as d's list.
 */
async function listMembers(db: Db, d: Document, path: string, etag: string, log: AccountLog):
  Promise<Set<string> | null> {
  const key = `${path}:${etag}:${log.headHash}`;
  const cached = memberCache.get(key);
  if (cached !== undefined) return cached;
  const r = await db.query<{ bytes: Buffer }>('SELECT bytes FROM objects WHERE path = $1 AND etag = $2', [path, etag]);
  const bytes = r.rows[0]?.bytes;
  if (bytes === undefined) return null;  // replaced meanwhile: not cached, the next request sees the new list
  let result: Set<string> | null = null;
  try {
    const list = openAccessList(bytes, d, log);
    result = new Set(list.members.map((m) => Buffer.from(m).toString('hex')));
    list.dispose();
  } catch {
    result = null;  // a list the owner's current identity did not sign gives no access
  }
  cacheSet(key, result);
  return result;
}

/** The ETag of d's access list at `path`, or undefined. */
async function etagOf(db: Db, path: string): Promise<string | undefined> {
  const r = await db.query<{ etag: string }>('SELECT etag FROM objects WHERE path = $1', [path]);
  return r.rows[0]?.etag;
}

/** A member of d: listed in its access/current list (STORE.md section 4). */
export async function isMember(db: Db, owner: string, doc: string, purpose: number, user: string): Promise<boolean> {
  const d = { owner, doc, purpose };
  const path = `${accessDir(d)}/current`;
  const etag = await etagOf(db, path);
  if (etag === undefined) return false;
  const log = await currentLog(db, owner);
  if (log === undefined) return false;
  return (await listMembers(db, d, path, etag, log))?.has(user) ?? false;
}

/**
 * A present or past member of d: listed in its current list or in one of its versions' lists (`<v>.access`). A
 * removed member still opens the content of the versions it held (SPEC 16.3, THREAT-MODEL), for which its client
 * reads `current` (the pins' rollback check) and the list of that version (STORE.md section 4).
 */
export async function isListed(db: Db, owner: string, doc: string, purpose: number, user: string): Promise<boolean> {
  if (await isMember(db, owner, doc, purpose, user)) return true;
  const d = { owner, doc, purpose };
  const log = await currentLog(db, owner);
  if (log === undefined) return false;
  const dir = accessDir(d);
  const r = await db.query<{ path: string; etag: string }>(
    'SELECT path, etag FROM objects WHERE path >= $1 AND path < $2 AND path <> $3',
    [`${dir}/`, `${dir}0`, `${dir}/current`]);
  for (const { path, etag } of r.rows) {
    if ((await listMembers(db, d, path, etag, log))?.has(user)) return true;
  }
  return false;
}

/** `node` and its ancestors in the owner's tree, as the record paths shape it. */
async function selfAndAncestors(db: Db, owner: string, node: string): Promise<string[]> {
  const r = await db.query<{ node: Buffer }>(
    `WITH RECURSIVE up(node, depth) AS (
       SELECT $2::bytea, 0
       UNION
       SELECT e.parent, up.depth + 1 FROM drive_edges e JOIN up ON e.owner = $1 AND e.node = up.node
       WHERE up.depth < ${MAX_DEPTH})
     SELECT DISTINCT node FROM up`, [Buffer.from(owner, 'hex'), Buffer.from(node, 'hex')]);
  return r.rows.map((x) => x.node.toString('hex'));
}

/** Whether `user` is a member of a shared folder of `owner` that is `node` or above it. */
export async function isMemberReader(db: Db, owner: string, node: string, user: string): Promise<boolean> {
  for (const folder of await selfAndAncestors(db, owner, node)) {
    if (await isMember(db, owner, folder, 3, user)) return true;
  }
  return false;
}

/**
 * Whether `user` may write the blob of `node`, a node with no record yet (SPEC 15.3: claim, content, record): a
 * member reader of the parent of a name claim that holds the node's id. A node with a record: its place decides.
 */
export async function isClaimWriter(db: Db, owner: string, node: string, user: string): Promise<boolean> {
  const o = Buffer.from(owner, 'hex');
  const n = Buffer.from(node, 'hex');
  const placed = await db.query('SELECT 1 FROM drive_edges WHERE owner = $1 AND node = $2 LIMIT 1', [o, n]);
  if (placed.rows.length > 0) return false;
  const claims = await db.query<{ path: string }>(
    `SELECT path FROM objects WHERE owner = $1 AND kind = 'name' AND bytes = $2`, [o, n]);
  for (const { path } of claims.rows) {
    const parent = path.split('/')[3]!;  // drive/<owner>/names/<parent>/<tag>/<name_hash>
    if (await isMemberReader(db, owner, parent, user)) return true;
  }
  return false;
}
