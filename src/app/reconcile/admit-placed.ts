import type { Site } from '../../domain/catalog/catalog.js';
import type { Decision } from '../../domain/scheduling/site-scheduler.js';
import type { AppContext } from '../context.js';
import { JobChanges } from '../jobs/job-move.js';
import type { JobRecord } from '../ports/records.js';
import type { ReconcileReport } from './reconcile-once.js';
import { inventoryOf, nameTenant, type ReconcilerState } from './reconciler-state.js';
import { failJob, recordTransition } from './record-transition.js';
import { preemptJob } from './preempt-job.js';
import { buildSiteAdmission } from './site-admission.js';

/**
 * How many placed jobs of each tenant on each site one pass looks at (its oldest). The site
 * scheduler orders them by priority and fair share, so it sees every tenant's queue, not one
 * claim batch; the bound keeps a pass's cost (reading, rebuilding, writing wait reasons) from
 * growing with a backlog, and a tenant that floods a site from pushing the others out. A job
 * further back in its tenant's queue waits its turn there (its reason is written when it
 * comes in view).
 */
export const ADMISSION_WINDOW = 500;

/** The placed jobs one pass looks at, read without locks (every move is a compare-and-set). */
export function readPlacedWindow(ctx: AppContext): Promise<JobRecord[]> {
  return ctx.store.read((tx) => tx.listJobsInStatus('placed', ADMISSION_WINDOW));
}

/**
 * Admits placed jobs (`placed`: read with `readPlacedWindow`) through each site's scheduler (quotas, fair share, priorities with
 * preemption, gangs, backfill), rebuilt from the store at every pass: `start` decisions become
 * `placed → admitted` with their GPUs, `preempt` decisions stop the victim (`preempted`, naming
 * the job it made room for), and every job left waiting gets its reason, written only when it
 * changed.
 */
export async function admitPlaced(
  ctx: AppContext,
  state: ReconcilerState,
  report: ReconcileReport,
  allocated: readonly JobRecord[],
  placed: readonly JobRecord[],
  at: Date,
): Promise<void> {
  if (placed.length === 0) return;
  const unnamed = new Set(
    [...placed, ...allocated].map((j) => j.tenantId).filter((id) => !state.tenantNames.has(id)),
  );
  if (unnamed.size > 0)
    await ctx.store.transaction(async (tx) => {
      for (const id of unnamed) await nameTenant(state, tx, id);
    });
  const bySite = new Map<string, JobRecord[]>();
  for (const job of placed) {
    const list = bySite.get(job.site ?? '');
    if (list) list.push(job);
    else bySite.set(job.site ?? '', [job]);
  }
  for (const [name, jobs] of bySite) {
    const site = ctx.catalog.sites.find((s) => s.name === name);
    if (!site || !ctx.executors.has(name)) {
      const failed = await ctx.store.transaction(async (tx) => {
        const moved = new JobChanges();
        for (const job of jobs) {
          const next = await failJob(tx, job, at, `site ${name || '?'} has no running backend here`);
          if (next) moved.moved(next);
        }
        return moved;
      });
      failed.tell(ctx);
      continue;
    }
    await admitOnSite(ctx, state, report, site, jobs, allocated, at);
  }
}

async function admitOnSite(
  ctx: AppContext,
  state: ReconcilerState,
  report: ReconcileReport,
  site: Site,
  placed: readonly JobRecord[],
  allocated: readonly JobRecord[],
  at: Date,
): Promise<void> {
  const admission = buildSiteAdmission({
    site,
    devices: await inventoryOf(ctx, state, site),
    allocated: allocated.filter((j) => j.site === site.name && j.allocation !== null),
    placed,
    tenantName: (id) => state.tenantNames.get(id) ?? id,
  });
  const decisions = admission.scheduler.schedule(at.getTime() / 1000);
  // a victim's GPUs are freed on its backend before anything is admitted onto them
  const starts = new Map<number, Decision>();
  for (const decision of decisions) {
    const id = decision.entry.job.id;
    if (decision.kind === 'start') {
      starts.set(id, decision);
      continue;
    }
    // started earlier in this very pass: it simply stays placed
    if (starts.delete(id)) continue;
    const victim = admission.jobs[id]!;
    const by = admission.jobs[decision.by]!;
    const isStopped = await preemptJob(ctx, victim, admission.describePreemption(decision), by.id, at);
    if (!isStopped) break; // its GPUs may still be busy: start nothing more here this pass
  }
  const changed = await ctx.store.transaction(async (tx) => {
    const moved = new JobChanges();
    for (const { job, reason } of admission.neverFit) {
      const next = await tx.transitionJob(job.id, {
        from: 'placed',
        to: 'unplaceable',
        at: at.toISOString(),
        reason,
      });
      if (!next) continue;
      await recordTransition(tx, job, at, 'unplaceable', { reason }, 'job.admit');
      moved.moved(next);
    }
    for (const decision of starts.values()) {
      const job = admission.jobs[decision.entry.job.id]!;
      const allocation = admission.toAllocation(decision.entry);
      const next = await tx.transitionJob(job.id, {
        from: 'placed',
        to: 'admitted',
        at: at.toISOString(),
        allocation,
        reason: null,
      });
      if (!next) continue; // cancelled meanwhile: the next pass sees its GPUs free
      report.admitted++;
      moved.moved(next);
      await recordTransition(tx, job, at, 'admitted', { allocation }, 'job.admit');
    }
    const waiting = [
      ...admission.shortOfNodes,
      ...admission.jobs.flatMap((job, id) => {
        const reason = job.status === 'placed' ? admission.describeWait(id) : undefined;
        return reason === undefined ? [] : [{ job, reason }];
      }),
    ];
    for (const { job, reason } of waiting) {
      if (job.reason === reason) continue; // unchanged: no write
      if (await tx.setJobReason(job.id, 'placed', reason, at.toISOString())) moved.touched(job.id);
    }
    return moved;
  });
  changed.tell(ctx);
}
