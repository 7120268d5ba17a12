// Requests per second per signing key: a token bucket per key, in this process (docs/STORE.md section 7).
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly perSecond: number, readonly burst: number) {}

  /** Takes one token for `key`; the seconds to wait when there is none. */
  take(key: string, now = Date.now() / 1000): number {
    const b = this.#buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + (now - b.at) * this.perSecond);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return this.perSecond > 0 ? Math.ceil((1 - b.tokens) / this.perSecond) : 60;
  }

  /** Forgets full buckets (a key not seen for a while). */
  prune(now = Date.now() / 1000): void {
    for (const [k, b] of this.#buckets) {
      if (b.tokens + (now - b.at) * this.perSecond >= this.burst) this.#buckets.delete(k);
    }
  }
}
