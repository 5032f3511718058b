import type { JobStatus } from '../../domain/jobs/lifecycle.js';
import type { AppContext } from '../context.js';
import { jobMove } from '../jobs/job-move.js';
import type { RemotePlacement } from '../ports/executor.js';
import type { JobRecord } from '../ports/records.js';
import type { ReconcileReport } from './reconcile-once.js';
import { recordTransition } from './record-transition.js';

/**
 * Asks each running job's executor how it stands: records when it really started (the
 * backend's own start time; a Slurm job may wait in Slurm's queue first, and is not metered
 * while it does), where a peer placed it and why (its explanation, kept with ours), and how
 * finished ones ended.
 */
export async function watchRunning(
  ctx: AppContext,
  report: ReconcileReport,
  allocated: readonly JobRecord[],
): Promise<void> {
  for (const job of allocated) {
    if (job.status !== 'running' || !job.handle || !job.site) continue;
    const executor = ctx.executors.get(job.site);
    if (!executor) continue;
    const status = await executor.status(job.handle);
    const at = ctx.clock.now();
    if (status.remotePlacement && !hasRemotePlacement(job))
      await keepRemotePlacement(ctx, job.id, status.remotePlacement, at);
    if (status.state === 'pending') continue;
    if (status.state === 'running') {
      if (!job.startedAt) await recordStart(ctx, job.id, status.startedAt ?? at.toISOString(), at);
      continue;
    }
    const to: JobStatus =
      status.state === 'succeeded' ? 'succeeded' : status.state === 'cancelled' ? 'cancelled' : 'failed';
    const reason =
      status.state === 'lost'
        ? `lost: ${status.reason ?? 'the backend no longer knows this job'}`
        : status.reason;
    const done = await ctx.store.transaction(async (tx) => {
      const next = await tx.transitionJob(job.id, {
        from: 'running',
        to,
        at: at.toISOString(),
        exitCode: status.exitCode,
        reason,
        // never seen running between two passes: the backend's start, if it ever started
        startedAt: job.startedAt ?? status.startedAt,
        finishedAt: status.finishedAt ?? at.toISOString(),
      });
      if (next) await recordTransition(tx, job, at, to, { exitCode: status.exitCode, reason }, 'job.finish');
      return next;
    });
    if (done) {
      report.finished++;
      ctx.onJobChange?.(job.id, jobMove(done));
    }
  }
}

async function recordStart(ctx: AppContext, id: string, startedAt: string, at: Date): Promise<void> {
  const started = await ctx.store.transaction((tx) => tx.recordJobStart(id, startedAt, at.toISOString()));
  if (started) ctx.onJobChange?.(id);
}

function hasRemotePlacement(job: JobRecord): boolean {
  return typeof job.placement === 'object' && job.placement !== null && 'remote' in job.placement;
}

async function keepRemotePlacement(
  ctx: AppContext,
  id: string,
  remote: RemotePlacement,
  at: Date,
): Promise<void> {
  const kept = await ctx.store.transaction((tx) => tx.recordRemotePlacement(id, remote, at.toISOString()));
  if (kept) ctx.onJobChange?.(id);
}
