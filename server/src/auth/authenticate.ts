// Who sent a request (docs/STORE.md section 2): headers, time, signature, rate, nonce, then the signer's standing in
// the account it names. Nothing of the body has been read when this runs.
import type { IncomingMessage } from 'node:http';
import type { Db } from '../db/pool.js';
import { StoreError } from '../http/errors.js';
import { checkSignature, parseSignedHeaders, type SignedHeaders } from './headers.js';
import { type AccountLog, currentLog } from './logs.js';
import type { NonceRecorder } from './nonces.js';
import type { RateLimiter } from './ratelimit.js';

export const CLOCK_SKEW_SECONDS = 300n;
export const REPLAY_WINDOW_SECONDS = 600;

export type Principal =
  /** no Coffre-User: any signer */
  | { kind: 'anonymous'; key: string; headers: SignedHeaders }
  /** a non-revoked device of the account's verified log */
  | { kind: 'device'; user: string; key: string; log: AccountLog; headers: SignedHeaders }
  /** the account's recovery signing key */
  | { kind: 'recovery'; user: string; key: string; log: AccountLog; headers: SignedHeaders }
  /** an account with no log yet: this key may claim it (account creation, section 4) */
  | { kind: 'claimant'; user: string; key: string; headers: SignedHeaders };

/**
 * Steps 1-5 of STORE.md section 2. The nonce is recorded (step 4) before this returns, unless `defer` is given (a
 * request that changes nothing: app.ts): then the request runs while the nonce commits, `defer` gets the promise of
 * that commit (rejected with request_replayed for a nonce seen before), and the answer must wait for it.
 */
export async function authenticate(db: Db, limiter: RateLimiter, nonces: NonceRecorder, req: IncomingMessage,
  defer?: (recorded: Promise<void>) => void): Promise<Principal> {
  const h = parseSignedHeaders(req);
  const now = BigInt(Math.floor(Date.now() / 1000));
  const skew = h.time > now ? h.time - now : now - h.time;
  if (skew > CLOCK_SKEW_SECONDS) throw new StoreError(401, 'request_expired', 'Coffre-Time is too far from the server clock');
  checkSignature(req, h);
  const key = h.key.toString('hex');
  const wait = limiter.take(key);
  if (wait > 0) throw new StoreError(429, 'rate_limited', 'too many requests', {}, { 'retry-after': String(wait) });
  const recorded = nonces.record(h.key, h.nonce).then((fresh) => {
    if (!fresh) throw new StoreError(401, 'request_replayed', 'this nonce was used already');
  });
  if (defer === undefined) await recorded;
  else {
    recorded.catch(() => {});  // awaited by the answer (defer): not an unhandled rejection meanwhile
    defer(recorded);
  }
  if (h.user === null) return { kind: 'anonymous', key, headers: h };
  return standing(db, h, key, h.user);
}

async function standing(db: Db, h: SignedHeaders, key: string, user: string): Promise<Principal> {
  const log = await currentLog(db, user);
  if (log === undefined) return { kind: 'claimant', user, key, headers: h };
  if (log.deviceKeys.has(key)) return { kind: 'device', user, key, log, headers: h };
  if (log.recoveryKey === key) return { kind: 'recovery', user, key, log, headers: h };
  const r = await db.query<{ revoked: boolean }>('SELECT revoked FROM device_keys WHERE sign_pk = $1 AND user_id = $2',
    [h.key, Buffer.from(user, 'hex')]);
  if (r.rows[0]?.revoked === true) throw new StoreError(403, 'device_revoked', 'this device was revoked');
  throw new StoreError(403, 'device_not_enrolled', 'this key is not a device of the account');
}
