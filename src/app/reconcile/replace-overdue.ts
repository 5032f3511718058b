import type { AppContext } from '../context.js';
import {
  decidePlacement,
  readTenantPlacementFacts,
  type TenantPlacementFacts,
} from '../jobs/decide-placement.js';
import { jobMove } from '../jobs/job-move.js';
import type { PlacementSnapshot } from '../jobs/placement-snapshot.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import type { JobRecord } from '../ports/records.js';
import type { ReconcileReport } from './reconcile-once.js';
import { CLAIM_BATCH, nameTenant, type ReconcilerState } from './reconciler-state.js';
import { recordTransition } from './record-transition.js';
import { readStoredPlacement, type PreviousPlacement, type StoredPlacement } from './stored-placement.js';

/** Earlier decisions an explanation keeps. */
const MAX_PREVIOUS = 5;

/**
 * Places again the placed jobs still waiting at their site when their wait bound has passed
 * (`maxWait`; `maxWaitForPreferred` on a preferred site): the site they waited at, and those
 * they waited at before, rank late, so a site that can start them sooner wins; with none, they
 * stay where they are (placed again there, checked again after another bound). The new
 * explanation keeps the earlier decisions and why. Returns the jobs as they now are, by id.
 * Only jobs the site scheduler has given a wait reason (it looked, and they wait), at most one
 * claim batch per pass.
 */
export async function replaceOverdue(
  ctx: AppContext,
  state: ReconcilerState,
  report: ReconcileReport,
  snapshot: PlacementSnapshot,
  placed: readonly JobRecord[],
  at: Date,
): Promise<ReadonlyMap<string, JobRecord>> {
  const overdue = placed
    .map((job) => ({ job, stored: readStoredPlacement(job.placement) }))
    .filter((o): o is { job: JobRecord; stored: StoredPlacement } => isOverdue(o.job, o.stored, at))
    .slice(0, CLAIM_BATCH);
  if (overdue.length === 0) return new Map();
  const moved = await ctx.store.transaction(async (tx) => {
    const tenants = new Map<string, TenantPlacementFacts>();
    const now = new Map<string, JobRecord>();
    for (const { job, stored } of overdue) {
      let tenant = tenants.get(job.tenantId);
      if (!tenant) {
        const name = await nameTenant(state, tx, job.tenantId);
        tenant = await readTenantPlacementFacts(ctx, tx, snapshot, job.tenantId, name, at);
        tenants.set(job.tenantId, tenant);
      }
      const late = new Set([stored.site, ...stored.previous.map((p) => p.site)]);
      const spec = readStoredSpec(job.id, job.document);
      const outcome = decidePlacement(snapshot, tenant, spec, job.project, at, late);
      if (outcome.to !== 'placed') continue; // nowhere else either (a budget, say): it waits where it is
      const waited = Math.round((at.getTime() - Date.parse(stored.decidedAt)) / 1000);
      const bound = stored.maxWaitSeconds ?? 0;
      const why = `waited ${waited} s at ${stored.site}, past its wait bound of ${bound} s (expected start ${stored.expectedStartSeconds} s)`;
      const left: PreviousPlacement = {
        site: stored.site,
        decidedAt: stored.decidedAt,
        expectedStartSeconds: stored.expectedStartSeconds,
        maxWaitSeconds: bound,
        waitedSeconds: waited,
        why,
      };
      const view = { ...outcome.view, previous: [left, ...stored.previous].slice(0, MAX_PREVIOUS) };
      const next = await tx.transitionJob(job.id, {
        from: 'placed',
        to: 'placed',
        at: at.toISOString(),
        placement: view,
        site: outcome.site,
        reason: null,
      });
      if (!next) continue;
      report.placed++;
      now.set(job.id, next);
      await recordTransition(
        tx,
        job,
        at,
        'placed',
        { ...outcome.summary, from: stored.site, why },
        'job.place',
      );
    }
    return now;
  });
  moved.forEach((next, id) => ctx.onJobChange?.(id, jobMove(next)));
  return moved;
}

/** Still waiting (the site scheduler gave it a reason) past its bound. */
function isOverdue(job: JobRecord, stored: StoredPlacement | undefined, at: Date): boolean {
  if (!stored || stored.maxWaitSeconds === null || job.reason === null) return false;
  return at.getTime() - Date.parse(stored.decidedAt) > stored.maxWaitSeconds * 1000;
}
