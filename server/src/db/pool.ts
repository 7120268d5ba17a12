// The connection pool, the schema migration and the classification of database failures (503 unavailable).
import pg from 'pg';
import { MIGRATIONS } from './schema.js';

export type Db = pg.Pool;
export type Tx = pg.PoolClient;

export function openPool(connectionString: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000 });
  // An idle client losing its connection (PostgreSQL restarted) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/** Applies the migrations not applied yet, under an advisory lock (several processes may start at once). */
export async function migrate(db: Db): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7243001)');
    await tx.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const r = await tx.query<{ version: number }>('SELECT version FROM schema_version');
    let version = r.rows[0]?.version ?? 0;
    if (r.rows.length === 0) await tx.query('INSERT INTO schema_version VALUES (0)');
    for (; version < MIGRATIONS.length; version++) await tx.query(MIGRATIONS[version]!);
    await tx.query('UPDATE schema_version SET version = $1', [version]);
  });
}

/** Runs `body` in a transaction: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(db: Db, body: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = await db.connect();
  let broken = false;
  // A checked-out client has no listener of the pool: without this, PostgreSQL closing the connection (a restart)
  // is an unhandled 'error' event that ends the process. The pending query fails on its own (503).
  const onError = (): void => { broken = true; };
  tx.on('error', onError);
  try {
    await tx.query('BEGIN');
    const result = await body(tx);
    await tx.query('COMMIT');
    return result;
  } catch (e) {
    try {
      await tx.query('ROLLBACK');
    } catch {
      broken = true;  // the connection is gone: do not return it to the pool
    }
    throw e;
  } finally {
    tx.removeListener('error', onError);
    tx.release(broken || undefined);
  }
}

/** Whether an error means the database is unreachable or restarting (the client retries: 503). */
export function isUnavailable(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  // 08: connection exception; 57P01..57P03: admin shutdown, crash shutdown, cannot connect now; 53300: too many.
  if (code.startsWith('08') || code.startsWith('57P') || code === '53300') return true;
  const message = typeof err.message === 'string' ? err.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i
    .test(message);
}
