/** A token bucket per name (a key, a tenant, an address): `burst` at once, refilled at `perSecond`. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {}

  /** Takes one token; returns the seconds to wait when there is none. */
  take(name: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.refill(name);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: this.secondsToNextToken(bucket.tokens) };
  }

  /** Gives a token back (a request that turned out not to count). */
  give(name: string): void {
    const bucket = this.refill(name);
    bucket.tokens = Math.min(this.burst, bucket.tokens + 1);
  }

  get rate(): { perSecond: number; burst: number } {
    return { perSecond: this.perSecond, burst: this.burst };
  }

  private refill(name: string): { tokens: number; at: number } {
    const t = this.now();
    const bucket = this.buckets.get(name) ?? { tokens: this.burst, at: t };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((t - bucket.at) / 1000) * this.perSecond);
    bucket.at = t;
    // a bound on memory: a flood of names forgets every bucket (all start full again)
    if (this.buckets.size >= 100_000 && !this.buckets.has(name)) this.buckets.clear();
    this.buckets.set(name, bucket);
    return bucket;
  }

  private secondsToNextToken(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
  }
}
