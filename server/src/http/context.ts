// What every route needs: the pool, the flags, the rate limiter; and the request's raw path and query.
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/authenticate.js';
import type { RateLimiter } from '../auth/ratelimit.js';
import type { Config } from '../config.js';
import type { Db } from '../db/pool.js';
import { badPath, badRequest } from './errors.js';

export interface ServerContext {
  db: Db;
  config: Config;
  limiter: RateLimiter;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** a read's nonce commit, awaited before its answer is sent (app.ts) */
    nonceRecorded: Promise<void> | null;
  }
}

export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === null) throw new Error('unauthenticated request reached a route');
  return req.principal;
}

/**
 * The request target's path after `<prefix>/v1/<resource>/`, exactly as sent (never decoded: an object path has no
 * escapes), and its query.
 */
export function targetAfter(req: FastifyRequest, base: string): { rest: string; query: URLSearchParams } {
  const url = req.raw.url ?? '';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.startsWith(base)) throw badPath();
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  } catch {
    throw badRequest('malformed query');
  }
  return { rest: path.slice(base.length), query };
}

/** A query parameter that must appear at most once; unknown parameters are refused. */
export function queryParams(query: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of query) {
    if (!allowed.includes(k) || out.has(k)) throw badRequest(`unexpected query parameter ${k}`);
    out.set(k, v);
  }
  return out;
}

export function decimal(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) throw badRequest(`${name} is not a decimal number`);
  const n = Number(value);
  if (n < min || n > max) throw badRequest(`${name} is out of range`);
  return n;
}
