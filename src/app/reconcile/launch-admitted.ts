import type { AppContext } from '../context.js';
import { jobMove } from '../jobs/job-move.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import type { ReconcileReport } from './reconcile-once.js';
import { failJob, recordTransition } from './record-transition.js';

/**
 * Hands admitted jobs to their site's executor; a launch that throws fails the job. The start time
 * is left empty: `watch-running` records the backend's own when it first says the job runs.
 */
export async function launchAdmitted(ctx: AppContext, report: ReconcileReport): Promise<void> {
  const jobs = await ctx.store.transaction(async (tx) =>
    (await tx.listAllocatedJobs()).filter((j) => j.status === 'admitted'),
  );
  for (const job of jobs) {
    const executor = job.site ? ctx.executors.get(job.site) : undefined;
    const spec = readStoredSpec(job.id, job.document);
    const at = ctx.clock.now();
    if (!executor || !job.allocation) continue;
    let handle: string;
    try {
      handle = await executor.launch({
        jobId: job.id,
        name: job.name,
        command: spec.command,
        image: spec.image,
        env: spec.env,
        allocation: job.allocation,
        maxDurationSeconds: spec.maxDuration,
        durationSeconds: spec.duration,
        document: job.document,
        limits: {
          ...(spec.resources.memoryGiB === undefined
            ? {}
            : { memoryBytes: spec.resources.memoryGiB * 2 ** 30 }),
          ...(spec.resources.cpus === undefined ? {} : { cpus: spec.resources.cpus }),
        },
        ...(spec.kind === 'Service' ? { listen: true } : {}),
      });
    } catch (error) {
      const failed = await ctx.store.transaction((tx) =>
        failJob(
          tx,
          job,
          at,
          `launch failed: ${error instanceof Error ? error.message : String(error)}`,
          'admitted',
        ),
      );
      ctx.onJobChange?.(job.id, failed && jobMove(failed));
      continue;
    }
    const started = await ctx.store.transaction(async (tx) => {
      const next = await tx.transitionJob(job.id, {
        from: 'admitted',
        to: 'running',
        at: at.toISOString(),
        handle,
      });
      if (next) await recordTransition(tx, job, at, 'running', { handle }, 'job.launch');
      return next;
    });
    if (!started)
      await executor.cancel(handle); // cancelled while launching
    else report.launched++;
    ctx.onJobChange?.(job.id, started && jobMove(started));
  }
}
