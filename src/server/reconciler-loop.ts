import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../app/context.js';
import { reconcileOnce } from '../app/reconcile/reconcile-once.js';
import { createReconcilerState } from '../app/reconcile/reconciler-state.js';
import type { ServerMetrics } from './metrics.js';

/**
 * Runs the reconciler every `intervalMs`, and at once when a job changes, under the
 * cluster-wide lock: with several replicas on one PostgreSQL, one pass runs at a time.
 * Each pass ends by sealing the audit entries committed so far into the chain.
 */
export class ReconcilerLoop {
  private timer: NodeJS.Timeout | undefined;
  /** When the pending timer fires (performance.now()), so a poke never postpones a pass. */
  private dueAt = Infinity;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly state = createReconcilerState();

  constructor(
    private readonly ctx: AppContext,
    private readonly metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Ask for a pass soon (a job was submitted or cancelled). */
  poke(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(10);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    const at = performance.now() + delayMs;
    // Under a steady stream of submissions, each poke used to push the pass 10 ms further:
    // the loop never ran (nothing placed, nothing sealed) until the stream paused.
    if (this.timer !== undefined && this.dueAt <= at) return;
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueAt = Infinity;
      void this.pass();
    }, delayMs);
  }

  private async pass(): Promise<void> {
    if (this.stopped || this.running) return;
    const started = performance.now();
    this.running = (async () => {
      try {
        const report = await this.ctx.store.withExclusiveLock('reconciler', async () => {
          const done = await reconcileOnce(this.ctx, this.state);
          // the audit entries of this pass and of the calls since the last one join the chain
          await this.ctx.store.sealAudit();
          return done;
        });
        if (report) {
          for (const s of report.placementSeconds) this.metrics.placementSeconds.observe(s);
          for (const step of ['placed', 'unplaceable', 'admitted', 'launched', 'finished'] as const) {
            if (report[step] > 0) this.metrics.jobTransitions.inc({ step }, report[step]);
          }
        }
      } catch (error) {
        this.log.error({ err: error }, 'reconciler pass failed');
      } finally {
        this.metrics.reconcileSeconds.observe((performance.now() - started) / 1000);
      }
    })();
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    const soon = this.again;
    this.again = false;
    this.schedule(soon ? 10 : this.intervalMs);
  }
}
