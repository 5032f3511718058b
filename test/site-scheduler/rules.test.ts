import { describe, expect, it } from 'vitest';
import { createSite, makeJob, submitAndSchedule } from './site-fixture.js';

describe('gang admission', () => {
  it('starts a gang on all its nodes at once, each on a distinct node', () => {
    const site = createSite(2, 8, [{ quota: 16 }]);
    const gang = makeJob({ gpus: 8, nodes: 2 });
    expect(submitAndSchedule(site, [gang]).started).toEqual([gang.id]);
    const nodes = site.running.byId.get(gang.id)!.allocations.map((a) => a.node);
    expect(new Set(nodes).size).toBe(2);
  });

  it('keeps a gang waiting with GANG while only some of its nodes are free, and starts nothing of it', () => {
    const site = createSite(4, 8, [{ quota: 100 }]);
    const fill = Array.from({ length: 8 }, () => makeJob({ gpus: 4 }));
    submitAndSchedule(site, fill);
    const nodeOf = (id: number) => site.running.byId.get(id)!.allocations[0]!.node;
    const onDistinctNodes = fill.filter((j, i) => fill.findIndex((k) => nodeOf(k.id) === nodeOf(j.id)) === i);
    for (const j of onDistinctNodes) site.finish(j.id);
    const gang = makeJob({ gpus: 8, nodes: 2, at: 1 });
    expect(submitAndSchedule(site, [gang], 1).started).toEqual([]);
    expect(site.waitReason(gang.id)?.code).toBe('GANG');
    expect(site.running.byId.has(gang.id)).toBe(false);
  });
});

describe('wait reasons for room', () => {
  it('says CAPACITY when fewer GPUs are free than the job needs', () => {
    const site = createSite(1, 8, [{ quota: 100 }]);
    const first = makeJob({ gpus: 6 });
    const second = makeJob({ gpus: 4 });
    submitAndSchedule(site, [first, second]);
    expect(site.waitReason(second.id)?.code).toBe('CAPACITY');
  });

  it('says FRAGMENTATION when enough GPUs are free but no node has the shape', () => {
    const site = createSite(2, 8, [{ quota: 100 }]);
    const fill = Array.from({ length: 4 }, () => makeJob({ gpus: 4 }));
    submitAndSchedule(site, fill);
    const nodeOf = (id: number) => site.running.byId.get(id)!.allocations[0]!.node;
    for (const j of fill.filter((j, i) => fill.findIndex((k) => nodeOf(k.id) === nodeOf(j.id)) === i))
      site.finish(j.id);
    const big = makeJob({ gpus: 8, at: 1 });
    expect(submitAndSchedule(site, [big], 1).started).toEqual([]);
    expect(site.waitReason(big.id)?.code).toBe('FRAGMENTATION');
  });

  it('packs two half GPUs on one GPU', () => {
    const site = createSite(1, 8, [{ quota: 8 }]);
    const halves = [makeJob({ gpus: 0.5 }), makeJob({ gpus: 0.5 })];
    submitAndSchedule(site, halves);
    const gpus = halves.map((j) => site.running.byId.get(j.id)!.allocations[0]!.gpus[0]);
    expect(gpus[0]).toBe(gpus[1]);
    expect(site.state.fullGpus[0]).toBe(7);
  });
});

describe('quotas, borrowing and reclaim', () => {
  it('holds a job past its tenant quota and borrowing limit with QUOTA', () => {
    const site = createSite(4, 8, [{ quota: 8, borrowingLimit: 0 }, { quota: 24 }]);
    const first = makeJob({ tenant: 0, gpus: 8 });
    const second = makeJob({ tenant: 0, gpus: 8 });
    expect(submitAndSchedule(site, [first, second]).started).toEqual([first.id]);
    expect(site.waitReason(second.id)?.code).toBe('QUOTA');
  });

  it('lets preemptible work borrow unused quota of the cohort, but not non-preemptible work', () => {
    const site = createSite(2, 8, [{ quota: 8 }, { quota: 8 }]);
    const borrower = makeJob({ tenant: 0, gpus: 8, isPreemptible: true });
    const own = makeJob({ tenant: 0, gpus: 8 });
    const fixed = makeJob({ tenant: 0, gpus: 8, at: 1 });
    expect(submitAndSchedule(site, [own, borrower]).started.sort()).toEqual([borrower.id, own.id].sort());
    site.finish(borrower.id);
    expect(submitAndSchedule(site, [fixed], 1).started).toEqual([]);
    expect(site.waitReason(fixed.id)?.code).toBe('QUOTA');
  });

  it('reclaims nominal quota by preempting the borrower', () => {
    const site = createSite(2, 8, [{ quota: 8 }, { quota: 8 }]);
    const borrowed = [
      makeJob({ tenant: 0, gpus: 8, isPreemptible: true }),
      makeJob({ tenant: 0, gpus: 8, isPreemptible: true }),
    ];
    expect(submitAndSchedule(site, borrowed).started).toHaveLength(2);
    const owner = makeJob({ tenant: 1, gpus: 8, at: 10, priority: 0 });
    const pass = submitAndSchedule(site, [owner], 10);
    expect(pass.preempted).toHaveLength(1);
    expect(pass.started).toContain(owner.id);
    expect(site.book.usage[0]).toBe(8000);
  });

  it('does not preempt another tenant that is within its nominal quota', () => {
    const site = createSite(2, 8, [{ quota: 8 }, { quota: 8 }]);
    submitAndSchedule(site, [makeJob({ tenant: 0, gpus: 8, isPreemptible: true, priority: 0 })]);
    const other = makeJob({ tenant: 1, gpus: 8, isPreemptible: true, priority: 0 });
    submitAndSchedule(site, [other]);
    const urgent = makeJob({ tenant: 1, gpus: 8, priority: 3, at: 5 });
    const pass = submitAndSchedule(site, [urgent], 5);
    expect(pass.preempted).toEqual([other.id]);
  });
});

describe('priorities and preemption', () => {
  it('preempts lower-priority preemptible work of the tenant, the victim with the least work lost', () => {
    const site = createSite(2, 8, [{ quota: 16 }]);
    const old = makeJob({ gpus: 8, priority: 0, isPreemptible: true });
    submitAndSchedule(site, [old], 0);
    const recent = makeJob({ gpus: 8, priority: 0, isPreemptible: true, at: 100 });
    submitAndSchedule(site, [recent], 100);
    const high = makeJob({ gpus: 8, priority: 2, at: 200 });
    const pass = submitAndSchedule(site, [high], 200);
    expect(pass.preempted).toEqual([recent.id]);
    expect(pass.started).toContain(high.id);
    expect(site.waitReason(recent.id)?.code).toBeDefined();
  });

  it('never preempts non-preemptible work', () => {
    const site = createSite(1, 8, [{ quota: 100 }]);
    submitAndSchedule(site, [makeJob({ gpus: 8, priority: 0 })]);
    const high = makeJob({ gpus: 8, priority: 3, at: 1 });
    expect(submitAndSchedule(site, [high], 1).preempted).toEqual([]);
    expect(site.waitReason(high.id)?.code).toBe('CAPACITY');
  });

  it('serves a higher priority before an earlier lower one', () => {
    const site = createSite(1, 8, [{ quota: 8 }]);
    const low = makeJob({ gpus: 8, priority: 0, at: 0 });
    const high = makeJob({ gpus: 8, priority: 2, at: 1 });
    expect(submitAndSchedule(site, [low, high], 1).started).toEqual([high.id]);
  });
});

describe('dominant-resource fair share', () => {
  it('gives the free room to the tenant with the smaller weighted share', () => {
    const site = createSite(2, 8, [{ quota: 8 }, { quota: 8 }]);
    submitAndSchedule(site, [
      makeJob({ tenant: 0, gpus: 4, isPreemptible: true }),
      makeJob({ tenant: 1, gpus: 2 }),
    ]);
    const fromHeavy = makeJob({ tenant: 0, gpus: 8, isPreemptible: true, at: 1 });
    const fromLight = makeJob({ tenant: 1, gpus: 8, isPreemptible: true, at: 2 });
    expect(submitAndSchedule(site, [fromHeavy, fromLight], 2).started).toEqual([fromLight.id]);
  });

  it('weighs shares: a tenant of weight 2 may hold twice as much before yielding', () => {
    const site = createSite(2, 8, [{ quota: 8, weight: 2 }, { quota: 8 }]);
    submitAndSchedule(site, [
      makeJob({ tenant: 0, gpus: 4, isPreemptible: true }),
      makeJob({ tenant: 1, gpus: 3 }),
    ]);
    const heavy = makeJob({ tenant: 0, gpus: 8, isPreemptible: true, at: 1 });
    const light = makeJob({ tenant: 1, gpus: 8, isPreemptible: true, at: 2 });
    expect(submitAndSchedule(site, [heavy, light], 2).started).toEqual([heavy.id]);
  });
});

describe('EASY backfill', () => {
  it('reserves room for the head job and backfills a short job that ends before the reservation', () => {
    const site = createSite(2, 8, [{ quota: 100 }]);
    const running = makeJob({ gpus: 8, estimate: 100 });
    submitAndSchedule(site, [running]);
    const head = makeJob({ gpus: 8, nodes: 2, at: 1, estimate: 1000 });
    const short = makeJob({ gpus: 4, at: 2, estimate: 50 });
    const long = makeJob({ gpus: 4, at: 3, estimate: 500 });
    const pass = submitAndSchedule(site, [head, short, long], 3);
    expect(pass.started).toEqual([short.id]);
    expect(site.currentReservation()).toMatchObject({ jobId: head.id, at: 100 });
    expect(site.waitReason(head.id)).toMatchObject({ code: 'CAPACITY', expectedAt: 100 });
    expect(site.waitReason(long.id)).toMatchObject({ code: 'RESERVED_FOR', forJob: head.id });
  });

  it('backfills a short job queued behind a long one of the same tenant and shape', () => {
    const site = createSite(2, 8, [{ quota: 100 }]);
    const running = makeJob({ gpus: 8, estimate: 100 });
    submitAndSchedule(site, [running]);
    const head = makeJob({ gpus: 8, nodes: 2, at: 1, estimate: 1000 });
    const long = makeJob({ gpus: 4, at: 2, estimate: 500 });
    const short = makeJob({ gpus: 4, at: 3, estimate: 50 });
    const after = makeJob({ gpus: 4, at: 4, estimate: 500 });
    expect(submitAndSchedule(site, [head, long, short, after], 4).started).toEqual([short.id]);
    expect(site.waitReason(long.id)).toMatchObject({ code: 'RESERVED_FOR', forJob: head.id });
    // the started job's place in its queue is skipped, the others keep their order
    site.finish(running.id);
    site.finish(short.id);
    expect(submitAndSchedule(site, [], 200).started).toEqual([head.id]);
    expect(site.pendingCount()).toBe(2);
  });

  it('says PRIORITY when the room is held for a higher-priority job', () => {
    const site = createSite(2, 8, [{ quota: 100 }]);
    submitAndSchedule(site, [makeJob({ gpus: 8, estimate: 100 })]);
    const head = makeJob({ gpus: 8, nodes: 2, at: 1, priority: 2 });
    const low = makeJob({ gpus: 4, at: 2, priority: 0, estimate: 500 });
    submitAndSchedule(site, [head, low], 2);
    expect(site.waitReason(low.id)).toMatchObject({ code: 'PRIORITY', forJob: head.id });
  });

  it('moves the reservation later when a job runs past its estimate', () => {
    const site = createSite(2, 8, [{ quota: 100 }]);
    const running = makeJob({ gpus: 8, estimate: 100 });
    submitAndSchedule(site, [running]);
    const head = makeJob({ gpus: 8, nodes: 2, at: 1 });
    submitAndSchedule(site, [head], 1);
    expect(site.currentReservation()?.at).toBe(100);
    site.schedule(150);
    expect(site.currentReservation()?.at).toBe(200);
  });
});
