import type { AppContext } from '../context.js';
import type { PrunedJob } from '../ports/retention-store.js';

/** Jobs taken per transaction: each batch commits (and is audited) on its own. */
const BATCH = 500;

export interface RetentionReport {
  /** Jobs final before this instant were pruned. */
  readonly before: string;
  readonly jobs: number;
  readonly events: number;
  readonly logChunks: number;
  readonly logBytes: number;
}

/**
 * Retention (docs/adr/0012-retention.md): the events and shipped logs of jobs final for longer
 * than `retentionMs` are deleted, batch after batch, and each job is marked pruned; their
 * backends forget the files they kept of them. What a job was, where it ran, what it cost and
 * every audit entry about it stay: usage and invoices are accounting records, the audit chain
 * is the proof. Each batch is one transaction with one `retention.prune` audit entry per tenant,
 * so a tenant's own audit says what was taken of it.
 */
export async function pruneFinishedJobs(ctx: AppContext, retentionMs: number): Promise<RetentionReport> {
  const now = ctx.clock.now();
  const before = new Date(now.getTime() - retentionMs).toISOString();
  const at = now.toISOString();
  const total = { jobs: 0, events: 0, logChunks: 0, logBytes: 0 };
  for (;;) {
    const batch = await ctx.store.transaction(async (tx) => {
      const taken = await tx.pruneFinishedJobs(before, BATCH, at);
      for (const [tenantId, jobs] of byTenant(taken.jobs))
        await tx.appendAudit({
          at,
          actor: 'system',
          tenantId,
          action: 'retention.prune',
          subject: tenantId,
          data: { before, retentionSeconds: retentionMs / 1000, jobs: jobs.map((job) => job.id) },
        });
      return taken;
    });
    total.jobs += batch.jobs.length;
    total.events += batch.events;
    total.logChunks += batch.logChunks;
    total.logBytes += batch.logBytes;
    await forgetFiles(ctx, batch.jobs);
    if (batch.jobs.length < BATCH) break;
  }
  // PGlite runs no autovacuum: the rows deleted give their space back only this way
  if (total.jobs > 0) await ctx.store.reclaimPruned();
  return { before, ...total };
}

function byTenant(jobs: readonly PrunedJob[]): Map<string, PrunedJob[]> {
  const tenants = new Map<string, PrunedJob[]>();
  for (const job of jobs) tenants.set(job.tenantId, [...(tenants.get(job.tenantId) ?? []), job]);
  return tenants;
}

/** A backend that keeps files of a job (a simulated site's record) drops them; one that cannot is left be. */
async function forgetFiles(ctx: AppContext, jobs: readonly PrunedJob[]): Promise<void> {
  for (const job of jobs) {
    const executor = job.site === null ? undefined : ctx.executors.get(job.site);
    if (job.handle !== null) await executor?.forget?.(job.handle);
  }
}
