import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../app/context.js';
import { pruneFinishedJobs } from '../app/retention/prune-finished-jobs.js';
import { formatDuration } from '../domain/time/duration.js';

export interface RetentionSettings {
  /** Finished jobs older than this lose their events and logs (docs/adr/0012-retention.md). */
  readonly retentionSeconds: number;
  /** How often a pass runs (the first one runs shortly after start). */
  readonly intervalSeconds: number;
}

/** Pass after start: once the first reconciler passes and the audit verification are under way. */
const FIRST_PASS_MS = 5_000;

/**
 * Runs retention every interval under the cluster-wide lock `retention` (one replica prunes at
 * a time; the others skip the pass), off the request path; each pass logs what it took.
 */
export class RetentionLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly settings: RetentionSettings,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.timer = setTimeout(() => this.tick(), FIRST_PASS_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private tick(): void {
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tick(), this.settings.intervalSeconds * 1000);
      this.timer.unref();
    });
  }

  private async pass(): Promise<void> {
    try {
      const report = await this.ctx.store.withExclusiveLock('retention', () =>
        pruneFinishedJobs(this.ctx, this.settings.retentionSeconds * 1000),
      );
      if (report && report.jobs > 0)
        this.log.info(
          { retention: report },
          `retention: pruned the events and logs of ${report.jobs} jobs ended before ${report.before} (kept ${formatDuration(this.settings.retentionSeconds)})`,
        );
    } catch (error) {
      this.log.error({ err: error }, 'retention pass failed');
    }
  }
}
