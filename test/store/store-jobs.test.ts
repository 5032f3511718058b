import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports/store.js';
import type { JobRecord } from '../../src/app/ports/records.js';
import { matchesLabels, parseLabelSelector } from '../../src/domain/jobs/label-selector.js';
import { dropTestSchemas, STORE_BACKENDS } from './store-backends.js';
import { createTestTenant, newTestId, newTestJob } from './store-fixtures.js';

afterAll(dropTestSchemas);

describe.each(STORE_BACKENDS)('store on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    if (!backend.skip) store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  describe.skipIf(backend.skip)('tenants and keys', () => {
    it('finds a tenant by id and by name, and lists it', async () => {
      await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        expect(await tx.getTenant(tenant.id)).toEqual(tenant);
        expect(await tx.findTenantByName(tenant.name)).toEqual(tenant);
        expect(await tx.listTenants()).toContainEqual(tenant);
        expect(await tx.getTenant('ten_missing')).toBeUndefined();
      });
    });

    it('refuses a second tenant with the same name', async () => {
      const name = newTestId('clinic');
      await store.transaction((tx) => createTestTenant(tx, name));
      await expect(store.transaction((tx) => createTestTenant(tx, name))).rejects.toThrow();
    });

    it('rolls the whole transaction back when the work throws', async () => {
      const name = newTestId('rolled-back');
      await expect(
        store.transaction(async (tx) => {
          await createTestTenant(tx, name);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.transaction((tx) => tx.findTenantByName(name))).toBeUndefined();
    });
  });

  describe.skipIf(backend.skip)('idempotent job creation', () => {
    it('creates a queued job and returns it as stored', async () => {
      const result = await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        return tx.createJob(newTestJob(tenant.id, { at: '2026-11-01T09:00:00Z' }));
      });
      expect(result.outcome).toBe('created');
      const job = result.outcome === 'created' ? result.job : undefined;
      expect(job).toMatchObject({
        status: 'queued',
        project: 'clinic-ai',
        labels: { team: 'vision' },
        document: { apiVersion: 'usine/v1', kind: 'Job', spec: { resources: { gpus: 8 } } },
        reason: null,
        placement: null,
        allocation: null,
        exitCode: null,
        createdAt: '2026-11-01T09:00:00.000Z',
        updatedAt: '2026-11-01T09:00:00.000Z',
        startedAt: null,
      });
    });

    it('replays the same job for the same key and body', async () => {
      const { first, second } = await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const job = newTestJob(tenant.id);
        const first = await tx.createJob(job);
        const second = await tx.createJob({ ...job, id: newTestId('job') });
        return { first, second };
      });
      expect(first.outcome).toBe('created');
      expect(second.outcome).toBe('replayed');
      expect(second.outcome === 'replayed' && first.outcome === 'created' && second.job).toEqual(
        first.outcome === 'created' && first.job,
      );
    });

    it('answers a conflict for the same key with another body', async () => {
      const second = await store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const job = newTestJob(tenant.id);
        await tx.createJob(job);
        return tx.createJob({ ...job, id: newTestId('job'), requestHash: 'b'.repeat(64) });
      });
      expect(second).toEqual({ outcome: 'conflict' });
    });

    it('creates another job for the same key in another tenant', async () => {
      const [first, second] = await store.transaction(async (tx) => {
        const a = await createTestTenant(tx);
        const b = await createTestTenant(tx);
        const key = newTestId('key');
        return [
          await tx.createJob(newTestJob(a.id, { idempotencyKey: key })),
          await tx.createJob(newTestJob(b.id, { idempotencyKey: key })),
        ];
      });
      expect(first?.outcome).toBe('created');
      expect(second?.outcome).toBe('created');
    });

    it('creates one job when two transactions submit the same key at once', async () => {
      const tenant = await store.transaction((tx) => createTestTenant(tx));
      const job = newTestJob(tenant.id);
      const results = await Promise.all(
        [1, 2, 3].map(() => store.transaction((tx) => tx.createJob({ ...job, id: newTestId('job') }))),
      );
      expect(results.map((r) => r.outcome).sort()).toEqual(['created', 'replayed', 'replayed']);
      const ids = new Set(results.map((r) => (r.outcome === 'conflict' ? '' : r.job.id)));
      expect(ids.size).toBe(1);
    });
  });

  describe.skipIf(backend.skip)('tenant scoping', () => {
    it("does not find another tenant's job by its id", async () => {
      await store.transaction(async (tx) => {
        const owner = await createTestTenant(tx);
        const other = await createTestTenant(tx);
        const created = await tx.createJob(newTestJob(owner.id));
        const id = created.outcome === 'created' ? created.job.id : '';
        expect((await tx.getJob(owner.id, id))?.id).toBe(id);
        expect(await tx.getJob(other.id, id)).toBeUndefined();
        expect((await tx.listJobs(other.id, { limit: 10 })).items).toEqual([]);
      });
    });
  });

  describe.skipIf(backend.skip)('listing jobs', () => {
    /** 7 jobs a minute apart: even ones in project a with label tier=gold, odd ones in b. */
    async function seedJobs(): Promise<{ tenantId: string; jobs: JobRecord[] }> {
      return store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const jobs: JobRecord[] = [];
        for (let i = 0; i < 7; i++) {
          const result = await tx.createJob(
            newTestJob(tenant.id, {
              project: i % 2 === 0 ? 'a' : 'b',
              labels: i % 2 === 0 ? { tier: 'gold', team: 'vision' } : { tier: 'silver' },
              at: `2026-11-01T09:0${i}:00.000Z`,
            }),
          );
          if (result.outcome === 'created') jobs.push(result.job);
        }
        return { tenantId: tenant.id, jobs };
      });
    }

    async function readAllPages(tenantId: string, filter: object, limit: number): Promise<string[][]> {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.transaction((tx) => tx.listJobs(tenantId, { ...filter, limit, cursor }));
        pages.push(page.items.map((job) => job.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && pages.length < 20);
      return pages;
    }

    it('pages through every job newest first, each once', async () => {
      const { tenantId, jobs } = await seedJobs();
      const newestFirst = jobs.map((job) => job.id).reverse();
      const pages = await readAllPages(tenantId, {}, 3);
      expect(pages).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
    });

    it('gives no next cursor when the last page is exactly full', async () => {
      const { tenantId } = await seedJobs();
      const page = await store.transaction((tx) => tx.listJobs(tenantId, { limit: 7 }));
      expect(page.items).toHaveLength(7);
      expect(page.nextCursor).toBeNull();
    });

    it('keeps a filter by project and by label across pages', async () => {
      const { tenantId, jobs } = await seedJobs();
      const gold = jobs
        .filter((_, i) => i % 2 === 0)
        .map((job) => job.id)
        .reverse();
      expect(await readAllPages(tenantId, { project: 'a' }, 3)).toEqual([gold.slice(0, 3), gold.slice(3)]);
      const byLabel = await readAllPages(tenantId, { labels: select('tier=gold') }, 2);
      expect(byLabel).toEqual([gold.slice(0, 2), gold.slice(2)]);
      expect(await readAllPages(tenantId, { labels: select('tier=bronze') }, 2)).toEqual([[]]);
    });

    it('selects by label as the pure matcher does, for every kind of requirement', async () => {
      const { tenantId, jobs } = await seedJobs();
      const selectors = [
        'tier=gold',
        'tier!=gold',
        'team',
        '!team',
        'tier in (gold,bronze)',
        'tier notin (gold)',
      ];
      for (const text of selectors.concat('tier=silver,!team', 'team!=ops,tier in (silver)')) {
        const requirements = select(text);
        const expected = jobs
          .filter((job) => matchesLabels(job.labels, requirements))
          .map((job) => job.id)
          .reverse();
        expect((await readAllPages(tenantId, { labels: requirements }, 10)).flat(), text).toEqual(expected);
      }
    });

    it('filters by status', async () => {
      const { tenantId, jobs } = await seedJobs();
      const [first] = jobs;
      await store.transaction((tx) =>
        tx.transitionJob(first?.id ?? '', { from: 'queued', to: 'placed', at: '2026-11-01T10:00:00Z' }),
      );
      const placed = await store.transaction((tx) => tx.listJobs(tenantId, { status: 'placed', limit: 10 }));
      expect(placed.items.map((job) => job.id)).toEqual([first?.id]);
      const queued = await store.transaction((tx) => tx.listJobs(tenantId, { status: 'queued', limit: 10 }));
      expect(queued.items).toHaveLength(6);
    });

    it('filters by the site a job was placed on', async () => {
      const { tenantId, jobs } = await seedJobs();
      const [first, second] = jobs;
      for (const [job, site] of [
        [first, 'paris-1'],
        [second, 'local'],
      ] as const)
        await store.transaction((tx) =>
          tx.transitionJob(job?.id ?? '', { from: 'queued', to: 'placed', at: '2026-11-01T10:00:00Z', site }),
        );
      const paris = await store.transaction((tx) => tx.listJobs(tenantId, { site: 'paris-1', limit: 10 }));
      expect(paris.items.map((job) => job.id)).toEqual([first?.id]);
      const nowhere = await store.transaction((tx) => tx.listJobs(tenantId, { site: 'lyon', limit: 10 }));
      expect(nowhere.items).toEqual([]);
    });

    it('refuses a cursor it did not give out', async () => {
      const { tenantId } = await seedJobs();
      await expect(
        store.transaction((tx) => tx.listJobs(tenantId, { limit: 3, cursor: 'not-a-cursor' })),
      ).rejects.toMatchObject({ code: 'USINE_INVALID_REQUEST' });
    });
  });

  describe.skipIf(backend.skip)('transitions and events', () => {
    async function createJob(): Promise<JobRecord> {
      return store.transaction(async (tx) => {
        const tenant = await createTestTenant(tx);
        const result = await tx.createJob(newTestJob(tenant.id));
        if (result.outcome !== 'created') throw new Error('not created');
        return result.job;
      });
    }

    it('moves a job from its state and sets the fields given, keeping the others', async () => {
      const job = await createJob();
      const allocation = {
        site: 'local',
        nodes: [{ node: 'n1', gpuIndices: [0, 1], milliGpus: 0 }],
        virtual: true,
      };
      const admitted = await store.transaction(async (tx) => {
        await tx.transitionJob(job.id, {
          from: 'queued',
          to: 'placed',
          at: '2026-11-01T10:00:00Z',
          placement: { site: 'local', why: ['cheapest'] },
          site: 'local',
          reason: 'placed on local',
        });
        return tx.transitionJob(job.id, {
          from: 'placed',
          to: 'admitted',
          at: '2026-11-01T10:00:01.5Z',
          allocation,
        });
      });
      expect(admitted).toMatchObject({
        status: 'admitted',
        placement: { site: 'local', why: ['cheapest'] },
        site: 'local',
        reason: 'placed on local',
        allocation,
        updatedAt: '2026-11-01T10:00:01.500Z',
        createdAt: job.createdAt,
      });
      const finished = await store.transaction(async (tx) => {
        await tx.transitionJob(job.id, {
          from: 'admitted',
          to: 'running',
          at: '2026-11-01T10:00:02Z',
          handle: 'pid:4242',
          startedAt: '2026-11-01T10:00:02Z',
        });
        return tx.transitionJob(job.id, {
          from: 'running',
          to: 'failed',
          at: '2026-11-01T10:05:00Z',
          exitCode: 137,
          reason: null,
          allocation: null,
          finishedAt: '2026-11-01T10:05:00Z',
        });
      });
      expect(finished).toMatchObject({
        status: 'failed',
        handle: 'pid:4242',
        exitCode: 137,
        reason: null,
        allocation: null,
        startedAt: '2026-11-01T10:00:02.000Z',
        finishedAt: '2026-11-01T10:05:00.000Z',
      });
    });

    it('refuses a second transition from the old state', async () => {
      const job = await createJob();
      const change = { from: 'queued', to: 'placed', at: '2026-11-01T10:00:00Z' } as const;
      const first = await store.transaction((tx) => tx.transitionJob(job.id, change));
      const second = await store.transaction((tx) => tx.transitionJob(job.id, change));
      expect(first?.status).toBe('placed');
      expect(second).toBeUndefined();
      const cancel = { from: 'queued', to: 'cancelled', at: '2026-11-01T10:00:00Z' } as const;
      expect(await store.transaction((tx) => tx.transitionJob(job.id, cancel))).toBeUndefined();
    });

    it('lets one of two racing transitions win', async () => {
      const job = await createJob();
      const results = await Promise.all(
        (['placed', 'cancelled'] as const).map((to) =>
          store.transaction((tx) =>
            tx.transitionJob(job.id, { from: 'queued', to, at: '2026-11-01T10:00:00Z' }),
          ),
        ),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('throws on a transition the lifecycle does not allow', async () => {
      const job = await createJob();
      await expect(
        store.transaction((tx) =>
          tx.transitionJob(job.id, { from: 'queued', to: 'succeeded', at: '2026-11-01T10:00:00Z' }),
        ),
      ).rejects.toThrow('cannot go from queued to succeeded');
    });

    it('lists the jobs holding an allocation', async () => {
      const job = await createJob();
      await store.transaction(async (tx) => {
        await tx.transitionJob(job.id, { from: 'queued', to: 'placed', at: '2026-11-01T10:00:00Z' });
        await tx.transitionJob(job.id, { from: 'placed', to: 'admitted', at: '2026-11-01T10:00:01Z' });
      });
      const allocated = await store.transaction((tx) => tx.listAllocatedJobs());
      expect(allocated.map((j) => j.id)).toContain(job.id);
      expect(allocated.every((j) => j.status === 'admitted' || j.status === 'running')).toBe(true);
    });

    it('numbers a job’s events 1, 2, 3… and lists them in order after a seq', async () => {
      const job = await createJob();
      await Promise.all(
        [0, 1, 2, 3, 4].map((i) =>
          store.transaction((tx) => tx.appendJobEvent(job.id, '2026-11-01T10:00:00Z', 'log', { line: i })),
        ),
      );
      const events = await store.transaction((tx) => tx.listJobEvents(job.id, 0, 100));
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(events[0]).toMatchObject({ jobId: job.id, type: 'log', at: '2026-11-01T10:00:00.000Z' });
      const later = await store.transaction((tx) => tx.listJobEvents(job.id, 3, 1));
      expect(later.map((e) => e.seq)).toEqual([4]);
    });

    it('records a new job’s first event with it, and the next events after it', async () => {
      const tenant = await store.transaction((tx) => createTestTenant(tx));
      const job = newTestJob(tenant.id, { events: [{ type: 'status', data: { status: 'queued' } }] });
      const created = await store.transaction((tx) => tx.createJob(job));
      if (created.outcome !== 'created') throw new Error('not created');
      await store.transaction((tx) => tx.appendJobEvent(job.id, '2026-11-01T10:00:00Z', 'log', { line: 1 }));
      const replayed = await store.transaction((tx) => tx.createJob({ ...job, id: newTestId('job') }));
      expect(replayed.outcome).toBe('replayed');
      const events = await store.transaction((tx) => tx.listJobEvents(job.id, 0, 100));
      expect(events).toEqual([
        { jobId: job.id, seq: 1, at: created.job.createdAt, type: 'status', data: { status: 'queued' } },
        { jobId: job.id, seq: 2, at: '2026-11-01T10:00:00.000Z', type: 'log', data: { line: 1 } },
      ]);
    });

    it('counts jobs by state across tenants', async () => {
      const before = await store.transaction((tx) => tx.countJobsByStatus());
      const job = await createJob();
      await store.transaction((tx) =>
        tx.transitionJob(job.id, { from: 'queued', to: 'cancelled', at: '2026-11-01T10:00:00Z' }),
      );
      const after = await store.transaction((tx) => tx.countJobsByStatus());
      expect(after.cancelled).toBe((before.cancelled ?? 0) + 1);
      expect(after.queued ?? 0).toBe(before.queued ?? 0);
      expect(Object.values(after).every((n) => n > 0)).toBe(true);
    });

    it('claims queued jobs oldest first', async () => {
      const job = await createJob();
      const claimed = await store.transaction((tx) => tx.claimJobs(['queued'], 1000));
      expect(claimed.map((j) => j.id)).toContain(job.id);
      const times = claimed.map((j) => j.createdAt);
      expect([...times].sort()).toEqual(times);
      expect(await store.transaction((tx) => tx.claimJobs([], 10))).toEqual([]);
    });
  });
});

function select(text: string) {
  const selector = parseLabelSelector(text);
  if (!selector.ok) throw new Error(selector.message);
  return selector.requirements;
}
