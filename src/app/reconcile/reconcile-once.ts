import type { Catalog, Site, TenantPolicy } from '../../domain/catalog/catalog.js';
import type { JobStatus } from '../../domain/jobs/lifecycle.js';
import type { Money } from '../../domain/money/money.js';
import { placeJob } from '../../domain/placement/place-job.js';
import { prepareCatalog, type PreparedCatalog } from '../../domain/placement/prepare-catalog.js';
import { formatCost, toPlacementView } from '../../domain/placement/placement-view.js';
import type { SiteLoad } from '../../domain/placement/site-load.js';
import { admitGang } from '../../domain/scheduling/admit-gang.js';
import { classifyGangWait, describeGangWait } from '../../domain/scheduling/gang-wait-reason.js';
import type { AppContext } from '../context.js';
import { readStoredSpec } from '../jobs/read-job-spec.js';
import {
  checkBudgets,
  findBlockingBudget,
  findBudgetOverrun,
  type BudgetCheck,
} from '../metering/check-budgets.js';
import { meterUsage } from '../metering/meter-usage.js';
import { stopPreemptibleOverBudget } from '../metering/stop-preemptible.js';
import type { GpuDevice } from '../ports/executor.js';
import type { JobRecord } from '../ports/records.js';
import type { StoreTx } from '../ports/store.js';
import { describeSiteLoad, measureSiteUsage, reserveSlots, type SiteUsage } from './site-usage.js';

/** What one pass did, for logs and metrics. */
export interface ReconcileReport {
  placed: number;
  unplaceable: number;
  admitted: number;
  launched: number;
  finished: number;
  placementSeconds: number[];
}

/** Per-process memory of the reconciler: GPU inventories and the prepared catalog. */
export interface ReconcilerState {
  readonly inventories: Map<string, GpuDevice[]>;
  prepared?: PreparedCatalog;
  readonly tenantNames: Map<string, string>;
}

export function createReconcilerState(): ReconcilerState {
  return { inventories: new Map(), tenantNames: new Map() };
}

const BATCH = 64;
const ACTOR = 'reconciler';

/**
 * One pass of the control loop: place queued jobs on the federation, admit placed jobs on
 * their site's GPUs (first fit, gangs all or nothing), launch admitted jobs, and record how
 * running jobs ended. Every state change is a compare-and-set with its event and audit entry.
 */
export async function reconcileOnce(ctx: AppContext, state: ReconcilerState): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    placed: 0,
    unplaceable: 0,
    admitted: 0,
    launched: 0,
    finished: 0,
    placementSeconds: [],
  };
  const runnable = ctx.catalog.sites.filter((s) => ctx.executors.has(s.name));
  state.prepared ??= prepareCatalog({ ...ctx.catalog, sites: runnable });
  const allocated = await ctx.store.transaction((tx) => tx.listAllocatedJobs());
  const usages = new Map<string, SiteUsage>();
  for (const site of runnable)
    usages.set(site.name, measureSiteUsage(site.name, await inventoryOf(ctx, state, site), allocated));
  const now = ctx.clock.now();
  const loads = new Map<string, SiteLoad>();
  for (const site of runnable) {
    const usage = usages.get(site.name);
    if (usage)
      loads.set(
        site.name,
        describeSiteLoad(usage, allocated, site, now, (j) => readStoredSpec(j.id, j.document).duration),
      );
  }

  await placeQueued(ctx, state, report, loads, now);
  await admitPlaced(ctx, report, usages, now);
  await launchAdmitted(ctx, report);
  await watchRunning(ctx, report, allocated);
  await meterUsage(ctx, ctx.clock.now());
  await stopPreemptibleOverBudget(ctx, ctx.clock.now());
  return report;
}

async function placeQueued(
  ctx: AppContext,
  state: ReconcilerState,
  report: ReconcileReport,
  loads: ReadonlyMap<string, SiteLoad>,
  at: Date,
): Promise<void> {
  const changed = await ctx.store.transaction(async (tx) => {
    const jobs = await tx.claimJobs(['queued'], BATCH);
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
      const view = toPlacementView(result, spec);
      const decision = result.decision;
      const to: JobStatus = decision ? 'placed' : 'unplaceable';
      const reason = decision
        ? null
        : `no feasible site: ${result.rejected.map((r) => `${r.site} (${r.reasons.map((x) => x.code).join(', ')})`).join('; ')}`;
      const moved = await tx.transitionJob(job.id, {
        from: 'queued',
        to,
        at: at.toISOString(),
        placement: view,
        site: decision?.site ?? null,
        reason,
      });
      if (!moved) continue;
      if (decision) report.placed++;
      else report.unplaceable++;
      await record(
        tx,
        job,
        at,
        to,
        decision ? { site: decision.site, offering: decision.offering } : { reason },
        'job.place',
      );
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
  if (blocking.budget.onExceeded === 'wait') {
    await tx.setJobReason(job.id, 'queued', `${reason}; the job waits in the queue`, at.toISOString());
    return true;
  }
  const moved = await tx.transitionJob(job.id, {
    from: 'queued',
    to: 'unplaceable',
    at: at.toISOString(),
    reason,
  });
  if (moved) await record(tx, job, at, 'unplaceable', { reason }, 'job.place');
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
  if (overrun.budget.onExceeded === 'wait') {
    await tx.setJobReason(job.id, 'queued', `${reason}; the job waits in the queue`, at.toISOString());
    return;
  }
  const moved = await tx.transitionJob(job.id, {
    from: 'queued',
    to: 'unplaceable',
    at: at.toISOString(),
    reason,
  });
  if (moved) await record(tx, job, at, 'unplaceable', { reason }, 'job.place');
}

async function admitPlaced(
  ctx: AppContext,
  report: ReconcileReport,
  usages: Map<string, SiteUsage>,
  at: Date,
): Promise<void> {
  const changed = await ctx.store.transaction(async (tx) => {
    const jobs = await tx.claimJobs(['placed'], BATCH);
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
        await fail(tx, job, at, `site ${job.site ?? '?'} has no running backend here`);
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
          await record(tx, job, at, 'unplaceable', { reason: admission.reason }, 'job.admit');
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
      await record(tx, job, at, 'admitted', { allocation }, 'job.admit');
    }
    return moved;
  });
  changed.forEach((id) => ctx.onJobChange?.(id));
}

async function launchAdmitted(ctx: AppContext, report: ReconcileReport): Promise<void> {
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
      });
    } catch (error) {
      await ctx.store.transaction((tx) =>
        fail(
          tx,
          job,
          at,
          `launch failed: ${error instanceof Error ? error.message : String(error)}`,
          'admitted',
        ),
      );
      ctx.onJobChange?.(job.id);
      continue;
    }
    const started = await ctx.store.transaction(async (tx) => {
      const next = await tx.transitionJob(job.id, {
        from: 'admitted',
        to: 'running',
        at: at.toISOString(),
        handle,
        startedAt: at.toISOString(),
      });
      if (next) await record(tx, job, at, 'running', { handle }, 'job.launch');
      return next;
    });
    if (!started)
      await executor.cancel(handle); // cancelled while launching
    else report.launched++;
    ctx.onJobChange?.(job.id);
  }
}

async function watchRunning(
  ctx: AppContext,
  report: ReconcileReport,
  allocated: readonly JobRecord[],
): Promise<void> {
  for (const job of allocated) {
    if (job.status !== 'running' || !job.handle || !job.site) continue;
    const executor = ctx.executors.get(job.site);
    if (!executor) continue;
    const status = await executor.status(job.handle);
    if (status.state === 'pending' || status.state === 'running') continue;
    const at = ctx.clock.now();
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
        finishedAt: status.finishedAt ?? at.toISOString(),
      });
      if (next) await record(tx, job, at, to, { exitCode: status.exitCode, reason }, 'job.finish');
      return next;
    });
    if (done) {
      report.finished++;
      ctx.onJobChange?.(job.id);
    }
  }
}

async function fail(
  tx: StoreTx,
  job: JobRecord,
  at: Date,
  reason: string,
  from: JobStatus = 'placed',
): Promise<void> {
  const next = await tx.transitionJob(job.id, {
    from,
    to: 'failed',
    at: at.toISOString(),
    reason,
    finishedAt: at.toISOString(),
  });
  if (next) await record(tx, job, at, 'failed', { reason }, 'job.fail');
}

async function record(
  tx: StoreTx,
  job: JobRecord,
  at: Date,
  status: JobStatus,
  data: Record<string, unknown>,
  action: string,
): Promise<void> {
  await tx.appendJobEvent(job.id, at.toISOString(), 'status', { status, ...data });
  await tx.appendAudit({
    at: at.toISOString(),
    actor: ACTOR,
    tenantId: job.tenantId,
    action,
    subject: job.id,
    data: { status, ...data },
  });
}

async function inventoryOf(ctx: AppContext, state: ReconcilerState, site: Site): Promise<GpuDevice[]> {
  const known = state.inventories.get(site.name);
  if (known) return known;
  const devices = (await ctx.executors.get(site.name)?.inventory()) ?? [];
  state.inventories.set(site.name, devices);
  return devices;
}

/** A tenant's policy is the catalog's Policy named after the tenant, when there is one. */
async function policyOf(
  ctx: AppContext,
  state: ReconcilerState,
  tx: StoreTx,
  tenantId: string,
): Promise<TenantPolicy | undefined> {
  let name = state.tenantNames.get(tenantId);
  if (name === undefined) {
    name = (await tx.getTenant(tenantId))?.name ?? '';
    state.tenantNames.set(tenantId, name);
  }
  return findPolicy(ctx.catalog, name);
}

function findPolicy(catalog: Catalog, name: string): TenantPolicy | undefined {
  return catalog.policies.find((p) => p.name === name);
}
