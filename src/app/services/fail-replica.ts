import type { AppContext } from '../context.js';
import { stopJob } from '../jobs/stop-job.js';

/**
 * A replica the gateway found dead (its liveness probe failed in a row): its job is stopped and
 * `failed` with the probe's reason, so the controller replaces it, after its backoff.
 */
export async function failReplica(ctx: AppContext, jobId: string, reason: string): Promise<void> {
  const [job] = await ctx.store.read((tx) => tx.listJobsById([jobId]));
  if (!job || job.status !== 'running') return;
  ctx.traffic?.drain(jobId);
  await stopJob(ctx, job, { actor: 'gateway', reason, to: 'failed' });
}
