import { admitGang } from '../../domain/scheduling/admit-gang.js';
import { classifyGangWait, describeGangWait } from '../../domain/scheduling/gang-wait-reason.js';
import type { AppContext } from '../context.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import type { ReconcileReport } from './reconcile-once.js';
import { CLAIM_BATCH } from './reconciler-state.js';
import { failJob, recordTransition } from './record-transition.js';
import { reserveSlots, type SiteUsage } from './site-usage.js';

/** Admits placed jobs on their site's GPUs (first fit, gangs all or nothing), or says why they wait. */
export async function admitPlaced(
  ctx: AppContext,
  report: ReconcileReport,
  usages: Map<string, SiteUsage>,
  at: Date,
): Promise<void> {
  const changed = await ctx.store.transaction(async (tx) => {
    const jobs = await tx.claimJobs(['placed'], CLAIM_BATCH);
    const moved: string[] = [];
    for (const job of jobs) {
      const usage = job.site ? usages.get(job.site) : undefined;
      const spec = readStoredSpec(job.id, job.document);
      const request = {
        gpusPerNode: spec.resources.gpus >= 1 ? spec.resources.gpus : 0,
        milliGpus: spec.resources.milliGpus,
        nodes: spec.resources.nodes,
        gpuModels: spec.resources.gpuModels,
        minMemoryGiB: spec.resources.gpuMemoryGiB,
      };
      if (!usage) {
        await failJob(tx, job, at, `site ${job.site ?? '?'} has no running backend here`);
        moved.push(job.id);
        continue;
      }
      const admission = admitGang(usage.slots, request);
      if (!admission.admitted) {
        // never fits, even on an idle site: say so instead of waiting forever
        const idle = usage.slots.map((s) => ({ ...s, freeMilli: 1000 }));
        if (!admitGang(idle, request).admitted) {
          await tx.transitionJob(job.id, {
            from: 'placed',
            to: 'unplaceable',
            at: at.toISOString(),
            reason: `site ${usage.site} cannot hold it even when idle: ${admission.reason}`,
          });
          await recordTransition(tx, job, at, 'unplaceable', { reason: admission.reason }, 'job.admit');
          moved.push(job.id);
        } else {
          // it fits an idle site: it waits, and says for what (CAPACITY, GANG, FRAGMENTATION)
          const code = classifyGangWait(usage.slots, request);
          const reason = describeGangWait(code, `${admission.reason} on ${usage.site}`);
          if (await tx.setJobReason(job.id, 'placed', reason, at.toISOString())) moved.push(job.id);
        }
        continue;
      }
      const allocation = { site: usage.site, nodes: admission.grants, virtual: usage.virtual };
      const next = await tx.transitionJob(job.id, {
        from: 'placed',
        to: 'admitted',
        at: at.toISOString(),
        allocation,
        reason: null,
      });
      if (!next) continue;
      reserveSlots(usage, admission.grants);
      report.admitted++;
      moved.push(job.id);
      await recordTransition(tx, job, at, 'admitted', { allocation }, 'job.admit');
    }
    return moved;
  });
  changed.forEach((id) => ctx.onJobChange?.(id));
}
