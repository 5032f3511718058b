import type { ClusterState } from './cluster-state.js';
import type { PlacementRequest } from './placement-request.js';
import type { QuotaBook, QuotaExcess } from './quota-book.js';
import { MILLI_PER_GPU } from './resources.js';
import { isRunningEntry, measureLostWork, type RunningJob, type RunningJobs } from './running-jobs.js';
import type { SiteJob } from './site-job.js';

/** Added to the cost of stopping the preemptor's own tenant's work, so that any borrower goes first. */
const OWN_WORK_PENALTY = 1e18;

export interface VictimPlan {
  readonly victims: readonly RunningJob[];
  readonly lostWork: number;
}

export interface VictimSearch {
  readonly state: ClusterState;
  readonly running: RunningJobs;
  readonly book: QuotaBook;
  readonly job: SiteJob;
  readonly model: number;
  readonly request: PlacementRequest;
  readonly now: number;
  /** Whose running jobs this job may preempt, and which (decided by the scheduler's rules). */
  readonly isEligibleTenant: (tenant: number) => boolean;
  readonly isEligible: (entry: RunningJob) => boolean;
  /** Nodes the job must not use (another job's reservation). */
  readonly excluded: Uint8Array | undefined;
  /** Nodes that host the job's shape now without preemption (for a gang, may be fewer than it needs). */
  readonly freeNodes: readonly number[];
  /** True when the job's shape does not fit now; false when only quota stands in the way. */
  readonly needsShape: boolean;
  readonly excess: QuotaExcess;
}

/**
 * The preemptible jobs to stop so that `job` fits, at the least lost work (milli-GPU × seconds
 * run): for the shape, per node the cheapest eligible jobs (by lost work) whose GPUs free the
 * job's per-node shape there, then the cheapest such nodes; then, if quota still stands in the
 * way, the cheapest eligible jobs of the tenant or cohort that hold it. Greedy, not optimal:
 * undefined when the eligible jobs cannot make room. O(eligible running jobs · log).
 */
export function chooseVictims(search: VictimSearch): VictimPlan | undefined {
  if (search.excess.fixed > 0) return undefined;
  return search.needsShape ? chooseForShape(search) : chooseForQuota(search);
}

/**
 * Quota alone stands in the way: the youngest eligible jobs first (lost work per GPU freed is the
 * time run, so this is the fractional-knapsack optimum), other tenants' borrowed work before the
 * tenant's own, until the excess is covered. O(victims + stale entries skipped).
 */
function chooseForQuota(search: VictimSearch): VictimPlan | undefined {
  const { running, job, model, now, book } = search;
  let tenantExcess = search.excess.tenant;
  let cohortExcess = search.excess.cohort;
  const cohort = book.cohortOf[job.tenant]!;
  const taken = new Map<number, number>();
  const victims: RunningJob[] = [];
  const tenants = [...running.startOrder.keys()].filter(
    (t) => t !== job.tenant && search.isEligibleTenant(t),
  );
  if (search.isEligibleTenant(job.tenant)) tenants.push(job.tenant);
  for (const t of tenants) {
    const helpsTenant = t === job.tenant;
    const helpsCohort = book.cohortOf[t] === cohort;
    const order = running.startOrder.get(t) ?? [];
    for (let i = order.length - 1; i >= 0; i--) {
      if (!((helpsTenant && tenantExcess > 0) || (helpsCohort && cohortExcess > 0))) break;
      const entry = order[i]!;
      if (!isRunningEntry(running, entry) || entry.model !== model || entry.job.id === job.id) continue;
      if (!search.isEligible(entry)) continue;
      const milli = entry.job.nodes * entry.job.gpusPerNode * entry.job.gpuMilli;
      if (!helpsTenant) {
        const nominal = book.tenants[t]!.nominalMilli[model] ?? 0;
        if (book.usage[t * book.models + model]! - (taken.get(t) ?? 0) <= nominal) break;
        taken.set(t, (taken.get(t) ?? 0) + milli);
      }
      victims.push(entry);
      if (helpsTenant) tenantExcess -= milli;
      if (helpsCohort) cohortExcess -= milli;
    }
    if (tenantExcess <= 0 && cohortExcess <= 0) break;
  }
  if (tenantExcess > 0 || cohortExcess > 0 || victims.length === 0) return undefined;
  return { victims, lostWork: victims.reduce((sum, v) => sum + measureLostWork(v, now), 0) };
}

function chooseForShape(search: VictimSearch): VictimPlan | undefined {
  const { state, running, job, model, now } = search;
  const eligible: { entry: RunningJob; lost: number }[] = [];
  for (const [tenant, entries] of running.preemptible) {
    if (!search.isEligibleTenant(tenant)) continue;
    for (const entry of entries) {
      if (entry.model !== model || entry.job.id === job.id || !search.isEligible(entry)) continue;
      // borrowed work of other tenants goes before the tenant's own work (it was lent, not owned)
      const penalty = entry.job.tenant === job.tenant ? OWN_WORK_PENALTY : 0;
      eligible.push({ entry, lost: measureLostWork(entry, now) + penalty });
    }
  }
  if (eligible.length === 0) return undefined;
  eligible.sort((a, b) => a.lost - b.lost || a.entry.job.id - b.entry.job.id);
  const chosen = new Set<RunningJob>();
  // another tenant's job is a victim only while that tenant stays above its nominal quota
  const taken = new Map<number, number>();
  const keepsBorrowing = (v: RunningJob): boolean => {
    if (v.job.tenant === job.tenant) return true;
    const t = v.job.tenant;
    const nominal = search.book.tenants[t]!.nominalMilli[model] ?? 0;
    return search.book.usage[t * search.book.models + model]! - (taken.get(t) ?? 0) > nominal;
  };
  const take = (v: RunningJob): void => {
    chosen.add(v);
    taken.set(
      v.job.tenant,
      (taken.get(v.job.tenant) ?? 0) + v.job.nodes * v.job.gpusPerNode * v.job.gpuMilli,
    );
  };

  {
    const byNode = new Map<number, RunningJob[]>();
    for (const { entry } of eligible) {
      for (const a of entry.allocations) {
        if (search.excluded?.[a.node] === 1) continue;
        const list = byNode.get(a.node);
        if (list) list.push(entry);
        else byNode.set(a.node, [entry]);
      }
    }
    const missing = job.nodes - search.freeNodes.length;
    const free = new Set(search.freeNodes);
    const plans: { node: number; victims: RunningJob[]; cost: number }[] = [];
    for (const [node, victims] of byNode) {
      if (free.has(node)) continue;
      const plan = planNode(state, search.request, node, victims, now, job.tenant);
      if (plan) plans.push({ node, ...plan });
    }
    if (plans.length < missing) return undefined;
    plans.sort((a, b) => a.cost - b.cost || a.node - b.node);
    let found = 0;
    for (const plan of plans) {
      if (found === missing) break;
      const fresh = plan.victims.filter((v) => !chosen.has(v));
      if (!fresh.every((v) => keepsBorrowing(v))) continue;
      for (const v of fresh) take(v);
      found++;
    }
    if (found < missing) return undefined;
  }

  // quota: what the chosen victims give back to the job's tenant and cohort
  let tenantExcess = search.excess.tenant;
  let cohortExcess = search.excess.cohort;
  const cohort = search.book.cohortOf[job.tenant]!;
  const giveBack = (v: RunningJob, sign: 1 | 0) => {
    const milli = v.job.nodes * v.job.gpusPerNode * v.job.gpuMilli;
    const helpsTenant = v.job.tenant === job.tenant;
    const helpsCohort = search.book.cohortOf[v.job.tenant] === cohort;
    if (sign === 0) return (helpsTenant && tenantExcess > 0) || (helpsCohort && cohortExcess > 0);
    if (helpsTenant) tenantExcess -= milli;
    if (helpsCohort) cohortExcess -= milli;
    return true;
  };
  for (const v of chosen) giveBack(v, 1);
  for (const { entry } of eligible) {
    if (tenantExcess <= 0 && cohortExcess <= 0) break;
    if (chosen.has(entry) || !giveBack(entry, 0) || !keepsBorrowing(entry)) continue;
    take(entry);
    giveBack(entry, 1);
  }
  if (tenantExcess > 0 || cohortExcess > 0 || chosen.size === 0) return undefined;
  const victims = [...chosen];
  return { victims, lostWork: victims.reduce((sum, v) => sum + measureLostWork(v, now), 0) };
}

/** The cheapest victims (in the given lost-work order) on node n that free the request's shape there. */
function planNode(
  state: ClusterState,
  request: PlacementRequest,
  n: number,
  victims: readonly RunningJob[],
  now: number,
  tenant: number,
): { victims: RunningJob[]; cost: number } | undefined {
  const start = state.gpuStart[n]!;
  const count = state.gpuCount[n]!;
  const gpuFree = Array.from({ length: count }, (_, g) => state.gpuFree[start + g]!);
  let cpu = state.cpuFree[n]!;
  let memory = state.memoryFree[n]!;
  const taken: RunningJob[] = [];
  let cost = 0;
  for (const v of victims) {
    for (const a of v.allocations) {
      if (a.node !== n) continue;
      for (const g of a.gpus) gpuFree[g] = gpuFree[g]! + a.gpuMilli;
      cpu += a.cpuMilli;
      memory += a.memoryMib;
    }
    taken.push(v);
    cost += measureLostWork(v, now) + (v.job.tenant === tenant ? OWN_WORK_PENALTY : 0);
    if (cpu < request.cpuMilli || memory < request.memoryMib) continue;
    const isFit = request.isSharing
      ? gpuFree.some((f) => f >= request.gpuMilli)
      : gpuFree.filter((f) => f === MILLI_PER_GPU).length >= request.gpuCount;
    if (isFit) return { victims: taken, cost };
  }
  return undefined;
}
