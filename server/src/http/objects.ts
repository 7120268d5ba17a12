// /v1/o/<path> (objects and blob reads), /v1/list/<dir>, /v1/tree/<dir>, /v1/log/<user> (docs/STORE.md section 3).
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/authenticate.js';
import { readBlob } from '../blobs/blobs.js';
import { holdClaim } from '../db/accounts.js';
import { type Conditions, getObject, listNames, pathsUnder, removeObject, writeObject } from '../db/objects.js';
import { inTransaction, type Tx } from '../db/pool.js';
import { appendEntry, rememberLog } from '../policy/append.js';
import { chargedAccount, isCreateOnly, type ParsedPath, parseDirectory, parseObjectPath } from '../policy/paths.js';
import { checkAccessList, checkDirectoryRecord } from '../policy/records.js';
import { allowed, deleteRight, directoryReadRight, readRight, type Right, writeRight } from '../policy/rules.js';
import { checkDeclaredLength, OBJECT_LIMIT, readBody } from './body.js';
import { decimal, principalOf, queryParams, type ServerContext, targetAfter } from './context.js';
import { badPath, badRequest, forbidden, notFound, StoreError } from './errors.js';

const LIST_LIMIT = 1000;

export function objectRoutes(app: FastifyInstance, ctx: ServerContext, v1: string): void {
  const { db, config } = ctx;

  const objectPath = (req: FastifyRequest): ParsedPath => {
    const p = parseObjectPath(targetAfter(req, `${v1}/o/`).rest);
    if (p === undefined) throw badPath();
    return p;
  };
  const need = async (who: Principal, right: Right): Promise<void> => {
    if (!await allowed(db, who, right)) throw forbidden('the signer may not do this here');
  };

  app.get(`${v1}/o/*`, async (req, reply) => {
    const p = objectPath(req);
    await need(principalOf(req), readRight(p));
    const o = await getObject(db, p.path, p.kind !== 'blob');
    if (o === undefined) throw notFound();
    reply.header('etag', o.etag).type('application/octet-stream');
    if (o.blobId === null) return reply.send(o.bytes);
    return sendBlob(req, reply, o.blobId, o.size);
  });

  const sendBlob = (req: FastifyRequest, reply: FastifyReply, blobId: string, size: number): FastifyReply => {
    reply.header('accept-ranges', 'bytes');
    const range = parseRange(req.headers.range, size);
    if (range === undefined) {
      reply.header('content-length', String(size));
      return reply.send(readBlob(db, blobId, 0, size - 1));
    }
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', String(range.end - range.start + 1));
    return reply.send(readBlob(db, blobId, range.start, range.end));
  };

  app.put(`${v1}/o/*`, async (req, reply) => {
    const who = principalOf(req);
    const p = objectPath(req);
    if (p.kind === 'blob') throw new StoreError(409, 'create_only', 'a blob is created by an upload (POST /v1/uploads)');
    await need(who, writeRight(p));
    const c = conditions(req);
    if (isCreateOnly(p.kind) && !c.createOnly) {
      throw new StoreError(409, 'create_only', 'this object is create-only: send If-None-Match: *');
    }
    checkDeclaredLength(req.raw, OBJECT_LIMIT);
    const bytes = await readBody(req.raw, OBJECT_LIMIT, who.headers.contentSha256);
    if (p.kind === 'log') {
      const after = await inTransaction(db, (tx) => appendEntry(tx, who, p.vars.user!, p.vars.seq!, bytes, p.path,
        { inviteOnly: config.inviteOnly, quota: config.quotaBytes }));
      rememberLog(after);
      return reply.code(201).header('etag', `"${sha(bytes)}"`).send();
    }
    if (p.kind === 'directory' && who.kind === 'device') checkDirectoryRecord(bytes, p.vars.user!, who.log);
    if (p.kind === 'access' && who.kind === 'device') {
      const v = p.vars;
      checkAccessList(bytes, { owner: v.owner!, doc: v.doc!, purpose: v.purpose! }, v.v, who.log);
    }
    const created = await inTransaction(db, async (tx) => {
      await claimIfCreating(tx, who, p);
      const made = await writeObject(tx, { path: p.path, kind: p.kind, owner: chargedAccount(p), bytes }, c,
        config.quotaBytes);
      if (p.kind === 'node') {
        await tx.query(`INSERT INTO drive_edges (owner, node, parent, path) VALUES ($1, $2, $3, $4)
          ON CONFLICT DO NOTHING`, [hexBytes(p.vars.owner!), hexBytes(p.vars.node!), hexBytes(p.vars.parent!), p.path]);
      }
      return made;
    });
    return reply.code(created ? 201 : 204).header('etag', `"${sha(bytes)}"`).send();
  });

  /** A write under accounts/<user>/ of an account with no log holds (or takes) its claim. */
  const claimIfCreating = async (tx: Tx, who: Principal, p: ParsedPath): Promise<void> => {
    if (who.kind === 'claimant' && p.path.startsWith(`accounts/${who.user}/`)) {
      await holdClaim(tx, who.user, who.key, who.headers.invite, config.inviteOnly);
    }
  };

  app.delete(`${v1}/o/*`, async (req, reply) => {
    const who = principalOf(req);
    const p = objectPath(req);
    await need(who, deleteRight(p, who));
    const c = conditions(req);
    await inTransaction(db, async (tx) => {
      await claimIfCreating(tx, who, p);
      await removeObject(tx, p.path, chargedAccount(p), config.quotaBytes, c.ifMatch);
    });
    return reply.code(204).send();
  });

  const directory = (req: FastifyRequest, resource: string): { dir: string; segs: string[]; query: URLSearchParams;
    right: Right } => {
    const { rest, query } = targetAfter(req, `${v1}/${resource}/`);
    const dir = rest.replace(/\/$/, '');
    const d = parseDirectory(dir);
    if (d === undefined) throw badPath();
    return { dir, segs: d.segs, query, right: directoryReadRight(d.segs, d.vars) };
  };

  app.get(`${v1}/list/*`, async (req) => {
    const { dir, query, right } = directory(req, 'list');
    const q = queryParams(query, ['after', 'limit']);
    const after = q.get('after');
    if (after !== undefined && (after === '' || Buffer.byteLength(after) > 512 || !/^[0-9a-z.]+$/.test(after))) {
      throw badRequest('after is not a name');
    }
    const limit = decimal(q.get('limit'), 'limit', 1, LIST_LIMIT) ?? LIST_LIMIT;
    await need(principalOf(req), right);
    return listNames(db, dir, after, limit);
  });

  app.delete(`${v1}/tree/*`, async (req, reply) => {
    const who = principalOf(req);
    const { dir } = directory(req, 'tree');
    await inTransaction(db, async (tx) => {
      const paths = await pathsUnder(tx, dir);
      const parsed = paths.map((path) => parseObjectPath(path)!);
      for (const p of parsed) {
        if (!await allowed(db, who, deleteRight(p, who))) throw forbidden(`the signer may not delete ${p.path}`);
      }
      for (const p of parsed) await removeObject(tx, p.path, chargedAccount(p), config.quotaBytes);
    });
    return reply.code(204).send();
  });

  app.get(`${v1}/log/*`, async (req, reply) => {
    const { rest, query } = targetAfter(req, `${v1}/log/`);
    if (!/^[0-9a-f]{32}$/.test(rest)) throw badPath();
    const from = decimal(queryParams(query, ['from']).get('from'), 'from', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const r = await db.query<{ bytes: Buffer; log_length: string }>(
      `SELECT o.bytes, a.log_length FROM accounts a JOIN objects o ON o.owner = a.user_id AND o.log_seq IS NOT NULL
       WHERE a.user_id = $1 AND o.log_seq >= $2 AND o.log_seq < a.log_length ORDER BY o.log_seq`, [hexBytes(rest), from]);
    const length = r.rows[0]?.log_length ?? (await db.query<{ log_length: string }>(
      'SELECT log_length FROM accounts WHERE user_id = $1', [hexBytes(rest)])).rows[0]?.log_length ?? '0';
    const frames = r.rows.flatMap((row) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(row.bytes.length);
      return [len, row.bytes];
    });
    return reply.header('coffre-log-length', length).type('application/octet-stream').send(Buffer.concat(frames));
  });
}

const hexBytes = (h: string): Buffer => Buffer.from(h, 'hex');

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function conditions(req: FastifyRequest): Conditions {
  const none = req.headers['if-none-match'];
  const match = req.headers['if-match'];
  if (none !== undefined && none !== '*') throw badRequest('If-None-Match must be *');
  if (match !== undefined && !/^"[0-9a-f]{64}"$/.test(match)) throw badRequest('If-Match must be one strong ETag');
  if (none !== undefined && match !== undefined) throw badRequest('If-None-Match and If-Match together');
  return { createOnly: none === '*', ifMatch: match };
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range, clipped to the blob; undefined without a Range header. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d{0,16})-(\d{0,16})$/.exec(header.trim());
  if (m === null || (m[1] === '' && m[2] === '')) throw badRequest('Range: one range bytes=a-b');
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) throw badRequest('Range: the end is before the start');
  }
  if (start >= size || size === 0) {
    throw new StoreError(416, 'range_not_satisfiable', `the blob has ${size} bytes`, {},
      { 'content-range': `bytes */${size}` });
  }
  return { start, end };
}
