import type { TenantPolicy } from '../../domain/catalog/catalog.js';
import type { Money } from '../../domain/money/money.js';
import { placeJob } from '../../domain/placement/place-job.js';
import type { PreparedCatalog } from '../../domain/placement/prepare-catalog.js';
import { describePlacementOutcome } from '../../domain/placement/placement-outcome.js';
import { formatCost } from '../../domain/placement/placement-view.js';
import type { SiteLoad } from '../../domain/placement/site-load.js';
import type { AppContext } from '../context.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import {
  checkBudgets,
  findBlockingBudget,
  findBudgetOverrun,
  type BudgetCheck,
} from '../metering/check-budgets.js';
import type { JobRecord } from '../ports/records.js';
import type { StoreTx } from '../ports/store.js';
import type { ReconcileReport } from './reconcile-once.js';
import { CLAIM_BATCH, nameTenant, type ReconcilerState } from './reconciler-state.js';
import { recordTransition } from './record-transition.js';

/** Places queued jobs on the federation (or holds them for a budget), one claimed batch. */
export async function placeQueued(
  ctx: AppContext,
  state: ReconcilerState,
  report: ReconcileReport,
  loads: ReadonlyMap<string, SiteLoad>,
  at: Date,
): Promise<void> {
  const changed = await ctx.store.transaction(async (tx) => {
    const jobs = await tx.claimJobs(['queued'], CLAIM_BATCH);
    const budgets = new Map<string, BudgetCheck[]>();
    for (const job of jobs) {
      if (await isStoppedByBudget(tx, job, at, budgets)) continue;
      const spec = readStoredSpec(job.id, job.document);
      const started = performance.now();
      const result = placeJob({
        job: spec,
        policy: await policyOf(ctx, state, tx, job.tenantId),
        catalog: state.prepared as PreparedCatalog,
        at,
        load: loads,
      });
      report.placementSeconds.push((performance.now() - started) / 1000);
      const estimate = result.decision?.estimatedCost;
      const overrun = estimate && findBudgetOverrun(budgets.get(job.tenantId) ?? [], job.project, estimate);
      if (estimate && overrun) {
        await holdOverBudget(tx, job, at, overrun, estimate);
        continue;
      }
      const outcome = describePlacementOutcome(result, spec);
      const moved = await tx.transitionJob(job.id, {
        from: 'queued',
        to: outcome.to,
        at: at.toISOString(),
        placement: outcome.view,
        site: outcome.site,
        reason: outcome.reason,
      });
      if (!moved) continue;
      if (outcome.to === 'placed') report.placed++;
      else report.unplaceable++;
      await recordTransition(tx, job, at, outcome.to, outcome.summary, 'job.place');
    }
    return jobs.map((j) => j.id);
  });
  changed.forEach((id) => ctx.onJobChange?.(id));
}

/**
 * At 100 % of a budget of its tenant or project, a new job waits in the queue, or is made
 * unplaceable with reason BUDGET when the budget says `reject`. True when it was stopped.
 */
async function isStoppedByBudget(
  tx: StoreTx,
  job: JobRecord,
  at: Date,
  cache: Map<string, BudgetCheck[]>,
): Promise<boolean> {
  let checks = cache.get(job.tenantId);
  if (!checks) {
    checks = await checkBudgets(tx, job.tenantId, at);
    cache.set(job.tenantId, checks);
  }
  const blocking = findBlockingBudget(checks, job.project);
  if (!blocking) return false;
  const reason = `BUDGET: the budget ${blocking.budget.scope} is spent (${blocking.status.percent} % this month)`;
  await holdForBudget(tx, job, at, blocking, reason);
  return true;
}

/** A job whose estimated cost would overrun a money budget waits, or is rejected with BUDGET. */
async function holdOverBudget(
  tx: StoreTx,
  job: JobRecord,
  at: Date,
  overrun: BudgetCheck,
  estimate: Money,
): Promise<void> {
  const reason = `BUDGET: the estimated cost ${formatCost(estimate)} would overrun the budget ${overrun.budget.scope}`;
  await holdForBudget(tx, job, at, overrun, reason);
}

/** The budget says `wait`: the job stays queued, saying why; `reject`: it is unplaceable. */
async function holdForBudget(
  tx: StoreTx,
  job: JobRecord,
  at: Date,
  check: BudgetCheck,
  reason: string,
): Promise<void> {
  if (check.budget.onExceeded === 'wait') {
    await tx.setJobReason(job.id, 'queued', `${reason}; the job waits in the queue`, at.toISOString());
    return;
  }
  const moved = await tx.transitionJob(job.id, {
    from: 'queued',
    to: 'unplaceable',
    at: at.toISOString(),
    reason,
  });
  if (moved) await recordTransition(tx, job, at, 'unplaceable', { reason }, 'job.place');
}

/** A tenant's policy is the catalog's Policy named after the tenant, when there is one. */
async function policyOf(
  ctx: AppContext,
  state: ReconcilerState,
  tx: StoreTx,
  tenantId: string,
): Promise<TenantPolicy | undefined> {
  const name = await nameTenant(state, tx, tenantId);
  return ctx.catalog.policies.find((p) => p.name === name);
}
