// The replay window (docs/STORE.md section 2, step 4): a request runs only once its (key, nonce) is committed to the
// nonces table, which every server process on the database shares (its primary key is the one authority). Requests
// that arrive while one INSERT is committing wait for the next: one multi-row INSERT and one commit (one WAL flush)
// for all of them, instead of one commit each. A request alone is recorded at once, as with a plain INSERT.
import type { Db } from '../db/pool.js';

interface Waiting {
  key: Buffer;
  nonce: Buffer;
  resolve: (fresh: boolean) => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 256;

export class NonceRecorder {
  private queue: Waiting[] = [];
  private busy = false;

  constructor(private readonly db: Db) {}

  /** Records the nonce: true when it is new (committed now), false when the key used it already. */
  record(key: Buffer, nonce: Buffer): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ key, nonce, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const fresh = await this.insert(batch);
        for (const [i, w] of batch.entries()) w.resolve(fresh[i]!);
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.busy = false;
  }

  /** One INSERT of the batch (autocommit: committed when it returns); which entries were new. A pair twice in one
   * batch is new only the first time. */
  private async insert(batch: Waiting[]): Promise<boolean[]> {
    const first = new Map<string, number>();
    batch.forEach((w, i) => {
      const id = pairId(w.key, w.nonce);
      if (!first.has(id)) first.set(id, i);
    });
    const unique = [...first.values()].map((i) => batch[i]!);
    const r = await this.db.query<{ sign_pk: Buffer; nonce: Buffer }>(
      `INSERT INTO nonces (sign_pk, nonce) SELECT * FROM unnest($1::bytea[], $2::bytea[])
       ON CONFLICT DO NOTHING RETURNING sign_pk, nonce`,
      [unique.map((w) => w.key), unique.map((w) => w.nonce)]);
    const fresh = batch.map(() => false);
    for (const row of r.rows) fresh[first.get(pairId(row.sign_pk, row.nonce))!] = true;
    return fresh;
  }
}

const pairId = (key: Buffer, nonce: Buffer): string => `${key.toString('hex')}:${nonce.toString('hex')}`;
