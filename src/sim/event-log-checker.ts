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
  const used = new Int32Array(gpus);
  const usage = new Map<string, number>();
  const add = (key: string, milli: number) => usage.set(key, (usage.get(key) ?? 0) + milli);
  const get = (key: string) => usage.get(key) ?? 0;
  const capacity = new Map<string, number>();
  for (const c of scenario.cluster) capacity.set(c.gpuModel, c.nodes * c.gpusPerNode * 1000);
  const assigned = new Map<string, number>();
  const cohortNominal = new Map<string, number>();
  for (const t of scenario.tenants) {
    for (const [model, n] of t.quota) {
      assigned.set(model, (assigned.get(model) ?? 0) + n * 1000);
      const key = `${t.cohort}/${model}`;
      cohortNominal.set(key, (cohortNominal.get(key) ?? 0) + n * 1000);
    }
  }
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
    const tenant = scenario.tenants[e.tenant]!;
    add(`t/${e.tenant}/${e.model}`, sign * milli);
    if (!e.isPreemptible) add(`f/${e.tenant}/${e.model}`, sign * milli);
    add(`c/${tenant.cohort}/${e.model}`, sign * milli);
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
      const nodes = new Set(event.placements.map((p) => p.node));
      if (
        event.placements.length !== event.nodes ||
        nodes.size !== event.nodes ||
        event.placements.some((p) => p.gpus.length !== event.gpusPerNode || nodeModel[p.node] !== event.model)
      )
        counts.partialGangs++;
      live.set(event.job, event);
      apply(event, 1);
      const tenant = scenario.tenants[event.tenant]!;
      const nominal = (tenant.quota.get(event.model) ?? 0) * 1000;
      const borrow = tenant.borrowingLimit?.get(event.model);
      const limit = nominal + (borrow === undefined ? Infinity : borrow * 1000);
      const pool = Math.max(0, (capacity.get(event.model) ?? 0) - (assigned.get(event.model) ?? 0));
      const cohortLimit = (cohortNominal.get(`${tenant.cohort}/${event.model}`) ?? 0) + pool;
      if (
        get(`t/${event.tenant}/${event.model}`) > limit ||
        get(`f/${event.tenant}/${event.model}`) > nominal ||
        get(`c/${tenant.cohort}/${event.model}`) > cohortLimit
      )
        counts.quotaViolations++;
    },
  };
}
