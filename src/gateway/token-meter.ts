import type { Clock } from '../app/ports/clock.js';
import type { RoutedService, TokenUsageRow } from '../app/ports/service-store.js';
import type { Store } from '../app/ports/store.js';
import type { TokenUsage } from '../domain/services/read-usage.js';

type Counts = { -readonly [K in keyof TokenUsageRow]: TokenUsageRow[K] };

/**
 * Counts the tokens of each answered request per service, calling key and minute, in memory,
 * and adds them to the store every `flushMs` (one statement per flush). A flush that fails is
 * kept and added to the next one. What a crash loses is what was counted since the last flush.
 */
export class TokenMeter {
  private pending = new Map<string, Counts>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly flushMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  count(service: RoutedService, keyId: string, usage: TokenUsage | undefined): void {
    const at = this.clock.now();
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
    const id = `${service.id} ${keyId} ${minute}`;
    const counts = this.pending.get(id) ?? {
      serviceId: service.id,
      tenantId: service.tenantId,
      keyId,
      minute,
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
    };
    counts.requests++;
    counts.promptTokens += usage?.promptTokens ?? 0;
    counts.completionTokens += usage?.completionTokens ?? 0;
    this.pending.set(id, counts);
  }

  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.size === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.store
      .transaction((tx) => tx.addTokenUsage([...batch.values()]))
      .catch(() => {
        // the store is away: these counts join the next flush
        for (const [id, counts] of batch) {
          const later = this.pending.get(id);
          if (later) {
            later.requests += counts.requests;
            later.promptTokens += counts.promptTokens;
            later.completionTokens += counts.completionTokens;
          } else this.pending.set(id, counts);
        }
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }
}
