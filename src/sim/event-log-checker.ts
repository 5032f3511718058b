import type { Scenario } from './scenario.js';

/** One line of a simulation's event log, as the checker reads it. */
export type LoggedEvent =
  | {
      readonly kind: 'start';
      readonly job: number;
      readonly tenant: number;
      readonly model: string;
      readonly isPreemptible: boolean;
      /** What the job asked for. */
      readonly nodes: number;
      readonly gpusPerNode: number;
      readonly gpuMilli: number;
      /** Where it started: node index and its local GPU indices, per node. */
      readonly placements: readonly { readonly node: number; readonly gpus: readonly number[] }[];
    }
  | { readonly kind: 'end' | 'preempt'; readonly job: number };

/**
 * An independent check of a simulation, from its event log and the scenario alone (it shares no
 * state or code with the scheduler): a gang started on fewer or other nodes than it asked for is a
 * partial gang; a start after which a tenant is above nominal + borrowing limit, its
 * non-preemptible work above nominal, or its cohort above the members' nominal quotas plus the
 * unassigned capacity, is a quota violation; a GPU holding more than one GPU is an over-allocation.
 */
export interface EventLogChecker {
  observe(event: LoggedEvent): void;
  readonly counts: { partialGangs: number; quotaViolations: number; overAllocations: number };
}

export function createEventLogChecker(scenario: Scenario): EventLogChecker {
  const models = scenario.cluster.map((c) => c.gpuModel);
  const modelCount = models.length;
  const gpuOffset: number[] = [];
  const nodeModel: string[] = [];
  let gpus = 0;
  for (const c of scenario.cluster) {
    for (let i = 0; i < c.nodes; i++) {
      gpuOffset.push(gpus);
      nodeModel.push(c.gpuModel);
      gpus += c.gpusPerNode;
    }
  }
  const cohorts = [...new Set(scenario.tenants.map((t) => t.cohort))];
  const cohortOf = scenario.tenants.map((t) => cohorts.indexOf(t.cohort));
  const tenantCount = scenario.tenants.length;
  const used = new Int32Array(gpus);
  const usage = new Float64Array(tenantCount * modelCount);
  const fixed = new Float64Array(tenantCount * modelCount);
  const cohortUsage = new Float64Array(cohorts.length * modelCount);
  const nominal = new Float64Array(tenantCount * modelCount);
  const limit = new Float64Array(tenantCount * modelCount);
  const cohortLimit = new Float64Array(cohorts.length * modelCount);
  models.forEach((model, m) => {
    const c = scenario.cluster[m]!;
    let assigned = 0;
    scenario.tenants.forEach((t, i) => {
      const n = (t.quota.get(model) ?? 0) * 1000;
      const borrow = t.borrowingLimit?.get(model);
      nominal[i * modelCount + m] = n;
      limit[i * modelCount + m] = n + (borrow === undefined ? Infinity : borrow * 1000);
      const k = cohortOf[i]! * modelCount + m;
      cohortLimit[k] = cohortLimit[k]! + n;
      assigned += n;
    });
    const pool = Math.max(0, c.nodes * c.gpusPerNode * 1000 - assigned);
    for (let k = 0; k < cohorts.length; k++)
      cohortLimit[k * modelCount + m] = cohortLimit[k * modelCount + m]! + pool;
  });
  const live = new Map<number, Extract<LoggedEvent, { kind: 'start' }>>();
  const counts = { partialGangs: 0, quotaViolations: 0, overAllocations: 0 };

  function apply(e: Extract<LoggedEvent, { kind: 'start' }>, sign: 1 | -1): void {
    let milli = 0;
    for (const p of e.placements) {
      for (const g of p.gpus) {
        const at = gpuOffset[p.node]! + g;
        used[at] = used[at]! + sign * e.gpuMilli;
        if (sign > 0 && used[at]! > 1000) counts.overAllocations++;
        milli += e.gpuMilli;
      }
    }
    const m = models.indexOf(e.model);
    const i = e.tenant * modelCount + m;
    usage[i] = usage[i]! + sign * milli;
    if (!e.isPreemptible) fixed[i] = fixed[i]! + sign * milli;
    const c = cohortOf[e.tenant]! * modelCount + m;
    cohortUsage[c] = cohortUsage[c]! + sign * milli;
  }

  return {
    counts,
    observe(event) {
      if (event.kind !== 'start') {
        const start = live.get(event.job);
        if (start) apply(start, -1);
        live.delete(event.job);
        return;
      }
      let isPartial = event.placements.length !== event.nodes;
      for (let k = 0; k < event.placements.length && !isPartial; k++) {
        const p = event.placements[k]!;
        if (p.gpus.length !== event.gpusPerNode || nodeModel[p.node] !== event.model) isPartial = true;
        for (let j = 0; j < k; j++) if (event.placements[j]!.node === p.node) isPartial = true;
      }
      if (isPartial) counts.partialGangs++;
      live.set(event.job, event);
      apply(event, 1);
      const m = models.indexOf(event.model);
      const i = event.tenant * modelCount + m;
      const c = cohortOf[event.tenant]! * modelCount + m;
      if (usage[i]! > limit[i]! || fixed[i]! > nominal[i]! || cohortUsage[c]! > cohortLimit[c]!)
        counts.quotaViolations++;
    },
  };
}
