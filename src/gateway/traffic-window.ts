/**
 * A service's recent traffic, in one-second buckets over a sliding window (Knative's KPA reads
 * its stable window the same way): requests per second, latency percentiles, tokens. Latencies
 * are kept per bucket up to a cap, enough for p99 at the rates one gateway sees.
 */
const SAMPLES_PER_BUCKET = 2_000;

interface Bucket {
  second: number;
  requests: number;
  latenciesMs: number[];
}

export class TrafficWindow {
  private readonly buckets: Bucket[] = [];
  private total = 0;
  promptTokens = 0;
  completionTokens = 0;

  constructor(private readonly seconds = 10) {}

  record(nowMs: number, latencyMs: number): void {
    const second = Math.floor(nowMs / 1000);
    let bucket = this.buckets.at(-1);
    if (!bucket || bucket.second !== second) {
      bucket = { second, requests: 0, latenciesMs: [] };
      this.buckets.push(bucket);
      this.trim(second);
    }
    bucket.requests++;
    this.total++;
    if (bucket.latenciesMs.length < SAMPLES_PER_BUCKET) bucket.latenciesMs.push(latencyMs);
  }

  get requests(): number {
    return this.total;
  }

  /** Requests per second over the last `seconds` full seconds before `nowMs`. */
  rps(nowMs: number, seconds = this.seconds): number {
    const now = Math.floor(nowMs / 1000);
    let count = 0;
    for (const b of this.buckets) if (b.second < now && b.second >= now - seconds) count += b.requests;
    return count / seconds;
  }

  percentile(nowMs: number, q: number): number | null {
    const now = Math.floor(nowMs / 1000);
    this.trim(now);
    const all = this.buckets.flatMap((b) => b.latenciesMs).sort((a, b) => a - b);
    if (all.length === 0) return null;
    return all[Math.min(all.length - 1, Math.floor(q * all.length))] ?? null;
  }

  private trim(second: number): void {
    while (this.buckets.length > 0 && (this.buckets[0]?.second ?? second) < second - this.seconds)
      this.buckets.shift();
  }
}
