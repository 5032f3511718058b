import type { AppContext } from '../context.js';
import {
  decidePlacement,
  readTenantPlacementFacts,
  type TenantPlacementFacts,
} from '../jobs/decide-placement.js';
import { claimPlacement, type PlacementSnapshot } from '../jobs/placement-snapshot.js';
import { JobChanges } from '../jobs/job-move.js';
import type { JobRecord } from '../ports/records.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import type { ReconcileReport } from './reconcile-once.js';
import { CLAIM_BATCH, nameTenant, type ReconcilerState } from './reconciler-state.js';
import { recordTransition } from './record-transition.js';

/**
 * Places queued jobs on the federation, one claimed batch (returned: the jobs it placed), with the decision submission makes
 * (`decidePlacement`): jobs submitted to a replica without a recent snapshot, and jobs a budget
 * holds in the queue (looked at again every pass, so they leave it when the budget has room).
 */
export async function placeQueued(
  ctx: AppContext,
  state: ReconcilerState,
  report: ReconcileReport,
  snapshot: PlacementSnapshot,
  at: Date,
): Promise<JobRecord[]> {
  const placed: JobRecord[] = [];
  const changed = await ctx.store.transaction(async (tx) => {
    const jobs = await tx.claimJobs(['queued'], CLAIM_BATCH);
    const tenants = new Map<string, TenantPlacementFacts>();
    const moved = new JobChanges();
    for (const job of jobs) {
      let tenant = tenants.get(job.tenantId);
      if (!tenant) {
        const name = await nameTenant(state, tx, job.tenantId);
        tenant = await readTenantPlacementFacts(ctx, tx, snapshot, job.tenantId, name, at);
        tenants.set(job.tenantId, tenant);
      }
      const spec = readStoredSpec(job.id, job.document);
      const started = performance.now();
      const outcome = decidePlacement(snapshot, tenant, spec, job.project, at);
      report.placementSeconds.push((performance.now() - started) / 1000);
      if (outcome.to === 'queued') {
        // held by a budget: written only when the reason changed
        if (
          outcome.reason !== job.reason &&
          (await tx.setJobReason(job.id, 'queued', outcome.reason ?? '', at.toISOString()))
        )
          moved.touched(job.id);
        continue;
      }
      const next = await tx.transitionJob(job.id, {
        from: 'queued',
        to: outcome.to,
        at: at.toISOString(),
        placement: outcome.view,
        site: outcome.site,
        reason: outcome.reason,
      });
      if (!next) continue;
      if (outcome.to === 'placed') {
        report.placed++;
        placed.push(next);
        // the next decisions of this batch see it (no herding within a batch)
        const model = outcome.view.decision?.gpuModel;
        if (outcome.site !== null && model !== undefined)
          claimPlacement(snapshot, job.tenantId, outcome.site, model, spec);
      } else report.unplaceable++;
      moved.moved(next);
      await recordTransition(tx, job, at, outcome.to, outcome.summary, 'job.place');
    }
    return moved;
  });
  changed.tell(ctx);
  return placed;
}
