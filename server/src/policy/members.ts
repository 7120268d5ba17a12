// Members of a document and readers of a Drive node (docs/STORE.md section 4), checked by the server itself: the
// document's access/current list is opened (SPEC 16.1) with the owner's identity key from the owner's verified log.
import { AccessList, type Purpose, TrustedContact } from '@coffre/core';
import { currentLog } from '../auth/logs.js';
import type { Db } from '../db/pool.js';

const PURPOSES: readonly Purpose[] = ['document', 'file', 'drive-node'];
const MAX_DEPTH = 256;

/** members (hex) of a list, by list ETag and the owner's log head: a new list or a revocation is a new key */
const memberCache = new Map<string, Set<string> | null>();

function cacheSet(k: string, v: Set<string> | null): void {
  memberCache.set(k, v);
  while (memberCache.size > 4096) memberCache.delete(memberCache.keys().next().value!);
}

/** The members of docs/<owner>/<doc>/<purpose>'s current list, or null when there is none that opens. */
async function members(db: Db, owner: string, doc: string, purpose: number): Promise<Set<string> | null> {
  const r = await db.query<{ bytes: Buffer; etag: string }>('SELECT bytes, etag FROM objects WHERE path = $1',
    [`docs/${owner}/${doc}/${purpose}/access/current`]);
  const row = r.rows[0];
  if (row === undefined) return null;
  const log = await currentLog(db, owner);
  if (log === undefined) return null;
  const key = `${owner}/${doc}/${purpose}:${row.etag}:${log.headHash}`;
  const cached = memberCache.get(key);
  if (cached !== undefined) return cached;
  let result: Set<string> | null = null;
  try {
    const contact = TrustedContact.fromKeys({
      userId: Buffer.from(owner, 'hex'),
      identityPublicKey: log.log.identityPublicKey,
      generation: log.log.identityGeneration,
    });
    const list = AccessList.open(new Uint8Array(row.bytes), contact,
      { documentId: Buffer.from(doc, 'hex'), purpose: PURPOSES[purpose - 1]! }, null);
    result = new Set(list.members.map((m) => Buffer.from(m).toString('hex')));
    list.dispose();
    contact.dispose();
  } catch {
    result = null;  // a list the owner's current identity did not sign gives no access
  }
  cacheSet(key, result);
  return result;
}

export async function isMember(db: Db, owner: string, doc: string, purpose: number, user: string): Promise<boolean> {
  return (await members(db, owner, doc, purpose))?.has(user) ?? false;
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
