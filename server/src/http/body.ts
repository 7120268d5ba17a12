// Reading a request body: refused from its Content-Length before any byte is read, counted while it streams (a
// chunked or lying body stops at the limit), never more than `limit` bytes in memory, and checked against the
// signed Coffre-Content-SHA256.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { badRequest, StoreError, tooLarge } from './errors.js';

/** Refuses a declared Content-Length above `limit` (before reading). */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const declared = req.headers['content-length'];
  if (declared === undefined) return;
  if (!/^[0-9]{1,16}$/.test(declared)) throw badRequest('Content-Length is malformed');
  if (Number(declared) > limit) throw tooLarge(limit);
}

/**
 * The whole body (at most `limit` bytes), its SHA-256 equal to `expectedSha256`. Hashed as it arrives; with a declared
 * Content-Length its bytes go straight into one buffer of that size (no list of chunks joined at the end: one copy
 * of the body less for the collector to find, which is most of a busy server's memory above idle).
 */
export async function readBody(req: IncomingMessage, limit: number, expectedSha256: Buffer): Promise<Buffer> {
  checkDeclaredLength(req, limit);
  const declared = req.headers['content-length'];
  const hash = createHash('sha256');
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const into = declared === undefined ? undefined : Buffer.allocUnsafe(Number(declared));
    let total = 0;
    const onData = (chunk: Buffer): void => {
      if (total + chunk.length > limit || (into !== undefined && total + chunk.length > into.length)) {
        // Stop reading here: the answer is sent with Connection: close and the rest is never read.
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      hash.update(chunk);
      if (into !== undefined) chunk.copy(into, total);
      else chunks.push(chunk);
      total += chunk.length;
    };
    const onEnd = (): void => {
      cleanup();
      if (into === undefined) resolve(Buffer.concat(chunks, total));
      else if (total === into.length) resolve(into);
      else reject(new StoreError(400, 'bad_request', 'the body was cut off'));
    };
    const onError = (e: Error): void => { cleanup(); reject(e); };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onAborted = (): void => { cleanup(); reject(new StoreError(400, 'bad_request', 'the body was cut off')); };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
  if (!timingSafeEqual(hash.digest(), expectedSha256)) {
    throw new StoreError(400, 'content_mismatch', 'the body does not match Coffre-Content-SHA256');
  }
  return bytes;
}

/** A JSON object body (at most 4 KiB): bad_request when it does not parse or is not an object. */
export async function readJson(req: IncomingMessage, expectedSha256: Buffer): Promise<Record<string, unknown>> {
  const bytes = await readBody(req, JSON_LIMIT, expectedSha256);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw badRequest('the body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('the body is not a JSON object');
  }
  return value as Record<string, unknown>;
}

export const OBJECT_LIMIT = 1 << 20;
export const PART_LIMIT = 8 << 20;
export const JSON_LIMIT = 4096;
