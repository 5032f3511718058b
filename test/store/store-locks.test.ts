import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports/store.js';
import type { JobRecord } from '../../src/app/ports/records.js';
import { openStore } from '../../src/store/open-store.js';
import {
  createTestSchema,
  dropTestSchemas,
  POSTGRES_SKIPPED,
  STORE_BACKENDS,
  TEST_DATABASE_URL,
} from './store-backends.js';
import { createTestTenant, newTestJob } from './store-fixtures.js';

afterAll(dropTestSchemas);

/** A promise and the function that settles it, to hold a transaction or a lock open. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

async function seedQueuedJobs(store: Store, count: number): Promise<JobRecord[]> {
  return store.transaction(async (tx) => {
    const tenant = await createTestTenant(tx);
    const jobs: JobRecord[] = [];
    for (let i = 0; i < count; i++) {
      const result = await tx.createJob(
        newTestJob(tenant.id, { at: `2026-11-01T09:00:${String(i).padStart(2, '0')}Z` }),
      );
      if (result.outcome === 'created') jobs.push(result.job);
    }
    return jobs;
  });
}

describe.each(STORE_BACKENDS)('exclusive locks on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    if (!backend.skip) store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it.skipIf(backend.skip)('runs the work and returns its result when the lock is free', async () => {
    expect(await store.withExclusiveLock('reconciler', async () => 42)).toBe(42);
  });

  it.skipIf(backend.skip)('answers undefined at once while the lock is held, and runs after', async () => {
    const release = gate();
    const holding = store.withExclusiveLock('reconciler', () => release.opened.then(() => 'first'));
    expect(await store.withExclusiveLock('reconciler', async () => 'second')).toBeUndefined();
    expect(await store.withExclusiveLock('billing', async () => 'other lock')).toBe('other lock');
    release.open();
    expect(await holding).toBe('first');
    expect(await store.withExclusiveLock('reconciler', async () => 'second')).toBe('second');
  });

  it.skipIf(backend.skip)('releases the lock when the work throws', async () => {
    await expect(
      store.withExclusiveLock('reconciler', async () => {
        throw new Error('reconcile failed');
      }),
    ).rejects.toThrow('reconcile failed');
    expect(await store.withExclusiveLock('reconciler', async () => 'again')).toBe('again');
  });
});

describe.skipIf(!TEST_DATABASE_URL)(`locks across connections on PostgreSQL${POSTGRES_SKIPPED}`, () => {
  let first: Store;
  let second: Store;
  beforeAll(async () => {
    // two stores, two pools on one schema: two replicas of the server
    const schema = await createTestSchema();
    first = await openStore({ databaseUrl: schema.url });
    second = await openStore({ databaseUrl: schema.url });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('keeps a second replica out of the exclusive lock until the first releases it', async () => {
    const release = gate();
    const started = gate();
    const holding = first.withExclusiveLock('reconciler', async () => {
      started.open();
      await release.opened;
      return 'first';
    });
    await started.opened;
    expect(await second.withExclusiveLock('reconciler', async () => 'second')).toBeUndefined();
    release.open();
    expect(await holding).toBe('first');
    expect(await second.withExclusiveLock('reconciler', async () => 'second')).toBe('second');
  });

  it('never gives one job to two claiming transactions (SKIP LOCKED)', async () => {
    const jobs = await seedQueuedJobs(first, 6);
    const release = gate();
    const claimedFirst = gate();
    let firstClaim: JobRecord[] = [];
    const holding = first.transaction(async (tx) => {
      firstClaim = await tx.claimJobs(['queued'], 3);
      claimedFirst.open();
      await release.opened;
    });
    await claimedFirst.opened;
    const secondClaim = await second.transaction((tx) => tx.claimJobs(['queued'], 10));
    release.open();
    await holding;
    const ids = jobs.map((j) => j.id);
    expect(firstClaim.map((j) => j.id)).toEqual(ids.slice(0, 3));
    expect(secondClaim.map((j) => j.id)).toEqual(ids.slice(3));
  });

  it('lets four racing workers each place a different share of the queue', async () => {
    const jobs = await seedQueuedJobs(first, 40);
    const placedBy = new Map<string, number>();
    const worker = async (store: Store, n: number): Promise<void> => {
      for (;;) {
        const claimed = await store.transaction(async (tx) => {
          const batch = await tx.claimJobs(['queued'], 3);
          for (const job of batch) {
            const moved = await tx.transitionJob(job.id, {
              from: 'queued',
              to: 'placed',
              at: '2026-11-01T10:00:00Z',
            });
            if (!moved) throw new Error(`job ${job.id} claimed but not movable`);
            if (placedBy.has(job.id)) throw new Error(`job ${job.id} placed twice`);
            placedBy.set(job.id, n);
          }
          return batch.length;
        });
        if (claimed === 0) return;
      }
    };
    await Promise.all([worker(first, 1), worker(second, 2), worker(first, 3), worker(second, 4)]);
    // every seeded job placed (jobs queued by the test before are placed too), none twice
    expect(jobs.filter((j) => !placedBy.has(j.id))).toEqual([]);
    expect(new Set(placedBy.values()).size).toBeGreaterThan(1);
  });
});
