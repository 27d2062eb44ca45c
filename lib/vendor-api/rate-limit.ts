/**
 * Per-app request limits of the vendor API (issue 12): a token bucket per app in this process. `API_RATE_LIMIT` is
 * the sustained requests per second an app gets from one app server, with bursts of up to `API_RATE_BURST`; beyond
 * it the API answers 429 with Retry-After (docs/decisions/0056). Kept in memory, not in the database, so that a read
 * costs no extra write: behind N app servers an app gets at most N times the limit.
 */
type Bucket = { tokens: number; at: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes one request's token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.prune(t);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.perSecond) * 1000);
  }

  /** Drops full buckets (apps idle long enough to have refilled). */
  private prune(t: number) {
    for (const [k, b] of this.buckets) if (b.tokens + ((t - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(k);
  }
}
