import type { AppContext } from '../app/context.js';
import type { JobRecord } from '../app/ports/records.js';

const WAIT_MS = 2000;

/**
 * A running job that its backend still holds in a queue (Slurm's `PENDING`, a peer's
 * `queued`), or cannot currently be asked about, shows the backend's reason, asked live:
 * `pending in Slurm: Resources`, `Slurm did not answer: …`. The stored
 * job is not changed; a backend that does not answer in time leaves the job as stored.
 */
export async function withBackendReason(ctx: AppContext, job: JobRecord): Promise<JobRecord> {
  if (job.status !== 'running' || !job.handle || !job.site || job.reason) return job;
  const executor = ctx.executors.get(job.site);
  if (!executor) return job;
  let timer: NodeJS.Timeout | undefined;
  try {
    const status = await Promise.race([
      executor.status(job.handle),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), WAIT_MS);
      }),
    ]);
    const active = status?.state === 'pending' || status?.state === 'running';
    return active && status.reason ? { ...job, reason: status.reason } : job;
  } catch {
    return job;
  } finally {
    clearTimeout(timer);
  }
}
