import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SiteScheduler } from '../../src/domain/scheduling/site-scheduler.js';
import { createSite, makeJob, submitAndSchedule } from './site-fixture.js';

/** Every GPU's holders, from the running jobs' allocations, must match the state and fit in one GPU. */
function checkNoGpuTwice(site: SiteScheduler): void {
  const { state } = site;
  const used = new Int32Array(state.gpuFree.length);
  for (const entry of site.running.byId.values())
    for (const a of entry.allocations)
      for (const g of a.gpus) {
        const at = state.gpuStart[a.node]! + g;
        used[at] = used[at]! + a.gpuMilli;
      }
  used.forEach((milli, g) => {
    expect(milli).toBeLessThanOrEqual(1000);
    expect(milli).toBe(1000 - state.gpuFree[g]!);
  });
}

const adopted = fc.record({
  tenant: fc.integer({ min: 0, max: 1 }),
  gpus: fc.constantFrom(0.25, 0.5, 1, 2, 4),
  priority: fc.integer({ min: 0, max: 3 }),
  isPreemptible: fc.boolean(),
  // where the caller says it runs: may overlap another job's GPUs, or name GPUs that do not exist
  node: fc.integer({ min: 0, max: 4 }),
  firstGpu: fc.integer({ min: 0, max: 9 }),
});

describe('adopting jobs already running', () => {
  it('no GPU is allocated twice, with adopted jobs (overlapping or not) and jobs started after them', () => {
    fc.assert(
      fc.property(
        fc.array(adopted, { maxLength: 12 }),
        fc.array(fc.constantFrom(0.5, 1, 2, 8), { maxLength: 12 }),
        (claims, later) => {
          const site = createSite(4, 8, [{ quota: 16 }, { quota: 16 }]);
          let asked = 0;
          let conflicts = 0;
          for (const claim of claims) {
            const job = makeJob(claim);
            const gpus = Array.from({ length: job.gpusPerNode }, (_, i) => claim.firstGpu + i);
            asked += gpus.length;
            conflicts += site.adopt(job, 0, [{ node: claim.node, gpus }], 0).conflicts;
          }
          checkNoGpuTwice(site);
          const held = [...site.running.byId.values()].reduce(
            (sum, e) => sum + e.allocations.reduce((s, a) => s + a.gpus.length, 0),
            0,
          );
          expect(held + conflicts).toBe(asked);
          submitAndSchedule(
            site,
            later.map((gpus, i) => makeJob({ gpus, tenant: i % 2, at: 1 })),
            1,
          );
          checkNoGpuTwice(site);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts an adopted job in its tenant’s quota, so the tenant waits with QUOTA', () => {
    const site = createSite(2, 8, [{ quota: 8, borrowingLimit: 0 }, { quota: 8 }]);
    site.adopt(makeJob({ gpus: 8 }), 0, [{ node: 0, gpus: [0, 1, 2, 3, 4, 5, 6, 7] }], 0);
    const next = makeJob({ gpus: 1 });
    expect(submitAndSchedule(site, [next], 1).started).toEqual([]);
    expect(site.waitReason(next.id)?.code).toBe('QUOTA');
  });

  it('keeps a GPU another adopted job holds for its first holder', () => {
    const site = createSite(1, 8, [{ quota: 8 }]);
    site.adopt(makeJob({ gpus: 2 }), 0, [{ node: 0, gpus: [0, 1] }], 0);
    const { entry, conflicts } = site.adopt(makeJob({ gpus: 2 }), 0, [{ node: 0, gpus: [1, 2] }], 0);
    expect(conflicts).toBe(1);
    expect(entry.allocations.flatMap((a) => a.gpus)).toEqual([2]);
  });

  it('lets a preemptor take the GPUs of an adopted preemptible job', () => {
    const site = createSite(1, 8, [{ quota: 8 }], { requeuePreempted: false });
    const low = makeJob({ gpus: 8, priority: 0, isPreemptible: true });
    site.adopt(low, 0, [{ node: 0, gpus: [0, 1, 2, 3, 4, 5, 6, 7] }], 0);
    const critical = makeJob({ gpus: 8, priority: 3, at: 1 });
    expect(submitAndSchedule(site, [critical], 10)).toEqual({ started: [critical.id], preempted: [low.id] });
    // not put back in the queue: the control plane ends it `preempted`
    expect(site.pendingCount()).toBe(0);
  });
});
