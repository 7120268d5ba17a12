// /v1/uploads: resumable blob uploads in parts (docs/STORE.md section 3.4).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { commitUpload, createUpload, discardUpload, findUpload, listParts, putPart } from '../blobs/blobs.js';
import { chargedAccount, type ParsedPath, parseObjectPath } from '../policy/paths.js';
import { allowed, writeRight } from '../policy/rules.js';
import { checkDeclaredLength, PART_LIMIT, readBody, readJson } from './body.js';
import { principalOf, type ServerContext, targetAfter } from './context.js';
import { badPath, badRequest, forbidden } from './errors.js';

const MAX_PARTS = 1 << 20;

export function uploadRoutes(app: FastifyInstance, ctx: ServerContext, v1: string): void {
  const { db, config } = ctx;

  /** The upload named by the target (`<id>` then `suffix`), after checking the signer may write its blob. */
  const upload = async (req: FastifyRequest, suffix: RegExp): Promise<{ id: string; m: RegExpExecArray }> => {
    const { rest, query } = targetAfter(req, `${v1}/uploads/`);
    const m = suffix.exec(rest);
    if (m === null || [...query.keys()].length > 0) throw badPath('not an upload resource');
    const id = m[1]!;
    const u = await findUpload(db, id);
    await needWrite(req, blobPath(u.path));
    return { id, m };
  };

  const needWrite = async (req: FastifyRequest, p: ParsedPath): Promise<void> => {
    if (!await allowed(db, principalOf(req), writeRight(p))) throw forbidden('the signer may not write this blob');
  };

  app.post(`${v1}/uploads`, async (req, reply) => {
    const body = await readJson(req.raw, principalOf(req).headers.contentSha256);
    if (typeof body['path'] !== 'string') throw badRequest('{"path": "<blob path>"}');
    const p = blobPath(body['path']);
    await needWrite(req, p);
    const id = await createUpload(db, p.path, chargedAccount(p)!);
    return reply.code(201).send({ id });
  });

  app.put(`${v1}/uploads/*`, async (req, reply) => {
    const { id, m } = await upload(req, /^([0-9a-f]{32})\/(0|[1-9][0-9]{0,6})$/);
    const k = Number(m[2]);
    if (k >= MAX_PARTS) throw badPath('part number out of range');
    checkDeclaredLength(req.raw, PART_LIMIT);
    const sha = principalOf(req).headers.contentSha256;
    const bytes = await readBody(req.raw, PART_LIMIT, sha);
    if (bytes.length === 0) throw badRequest('a part has 1 byte to 8 MiB');
    await putPart(db, id, k, bytes, sha, config.quotaBytes);
    return reply.code(204).send();
  });

  app.get(`${v1}/uploads/*`, async (req) => {
    const { id } = await upload(req, /^([0-9a-f]{32})$/);
    const u = await findUpload(db, id);
    return { path: u.path, parts: await listParts(db, id) };
  });

  app.post(`${v1}/uploads/*`, async (req, reply) => {
    const { id } = await upload(req, /^([0-9a-f]{32})\/commit$/);
    const body = await readJson(req.raw, principalOf(req).headers.contentSha256);
    const n = body['parts'];
    const size = body['size'];
    if (!Number.isSafeInteger(n) || !Number.isSafeInteger(size) || (n as number) < 1 || (n as number) > MAX_PARTS ||
      (size as number) < 1) {
      throw badRequest('{"parts": n >= 1, "size": total bytes}');
    }
    const etag = await commitUpload(db, id, n as number, size as number, config.quotaBytes);
    return reply.code(201).header('etag', etag).send();
  });

  app.delete(`${v1}/uploads/*`, async (req, reply) => {
    const { rest } = targetAfter(req, `${v1}/uploads/`);
    if (!/^[0-9a-f]{32}$/.test(rest)) throw badPath('not an upload');
    try {
      await upload(req, /^([0-9a-f]{32})$/);
    } catch (e) {
      if ((e as { error?: string }).error === 'not_found') return reply.code(204).send();
      throw e;
    }
    await discardUpload(db, rest, config.quotaBytes);
    return reply.code(204).send();
  });
}

function blobPath(path: string): ParsedPath {
  const p = parseObjectPath(path);
  if (p === undefined || p.kind !== 'blob') throw badPath('not a blob path');
  return p;
}
