// coffre-server: the reference store server (docs/STORE.md). Stateless: every process serves the same PostgreSQL.
import { Coffre } from '@coffre/core';
import { pruneUploads } from './blobs/blobs.js';
import { REPLAY_WINDOW_SECONDS } from './auth/authenticate.js';
import { RateLimiter } from './auth/ratelimit.js';
import { parseArgs } from './config.js';
import { addInvites, pruneClaims } from './db/accounts.js';
import { migrate, openPool } from './db/pool.js';
import { buildApp } from './http/app.js';

const ENROLL_LIFETIME_SECONDS = 3600;
const PRUNE_EVERY_MS = 60_000;

async function main(): Promise<void> {
  let config;
  try {
    config = parseArgs(process.argv.slice(2), process.env);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  await Coffre.load();
  const db = openPool(config.database, config.poolSize);
  await migrate(db);
  await addInvites(db, config.addInvites);
  const limiter = new RateLimiter(config.ratePerSecond, config.rateBurst);
  const app = buildApp({ db, config, limiter });
  const address = await app.listen({ host: config.host, port: config.port });
  console.log(`coffre-server listening on ${address}${config.prefix}/v1/`);

  const prune = async (): Promise<void> => {
    limiter.prune();
    try {
      await db.query('DELETE FROM nonces WHERE seen_at < now() - make_interval(secs => $1)', [REPLAY_WINDOW_SECONDS]);
      await db.query(`DELETE FROM objects WHERE kind = 'enroll' AND created_at < now() - make_interval(secs => $1)`,
        [ENROLL_LIFETIME_SECONDS]);
      await pruneClaims(db);
      await pruneUploads(db, config.quotaBytes);
    } catch (e) {
      console.error('coffre-server: pruning failed (retried later):', (e as Error).message);
    }
  };
  const timer = setInterval(() => void prune(), PRUNE_EVERY_MS);
  const stop = async (): Promise<void> => {
    clearInterval(timer);
    await app.close();
    await db.end();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main().catch((e) => {
  console.error('coffre-server:', e);
  process.exit(1);
});
