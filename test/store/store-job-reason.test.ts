import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/app/ports/records.js';
import type { Store } from '../../src/app/ports/store.js';
import { dropTestSchemas, STORE_BACKENDS } from './store-backends.js';
import { createTestTenant, newTestJob } from './store-fixtures.js';

afterAll(dropTestSchemas);

describe.each(STORE_BACKENDS)('setJobReason on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    if (!backend.skip) store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  async function createPlacedJob(): Promise<JobRecord> {
    return store.transaction(async (tx) => {
      const tenant = await createTestTenant(tx);
      const result = await tx.createJob(newTestJob(tenant.id, { at: '2026-11-01T09:00:00Z' }));
      if (result.outcome !== 'created') throw new Error('not created');
      const placed = await tx.transitionJob(result.job.id, {
        from: 'queued',
        to: 'placed',
        at: '2026-11-01T09:00:01Z',
        site: 'local',
      });
      if (!placed) throw new Error('not placed');
      return placed;
    });
  }

  it.skipIf(backend.skip)('sets the reason of a job still in its state, with one event', async () => {
    const job = await createPlacedJob();
    const reason = 'CAPACITY: waits for capacity';
    const updated = await store.transaction((tx) =>
      tx.setJobReason(job.id, 'placed', reason, '2026-11-01T09:00:05Z'),
    );
    expect(updated).toMatchObject({ id: job.id, status: 'placed', reason, site: 'local' });
    expect(updated?.updatedAt).toBe('2026-11-01T09:00:05.000Z');
    const events = await store.transaction((tx) => tx.listJobEvents(job.id, 0, 100));
    expect(events.at(-1)).toMatchObject({ type: 'reason', data: { status: 'placed', reason } });
  });

  it.skipIf(backend.skip)('does nothing when the reason is the same (no churn)', async () => {
    const job = await createPlacedJob();
    const reason = 'GANG: waits for its gang';
    await store.transaction((tx) => tx.setJobReason(job.id, 'placed', reason, '2026-11-01T09:00:05Z'));
    const before = await store.transaction((tx) => tx.listJobEvents(job.id, 0, 100));
    const again = await store.transaction((tx) =>
      tx.setJobReason(job.id, 'placed', reason, '2026-11-01T09:00:09Z'),
    );
    expect(again).toBeUndefined();
    const after = await store.transaction((tx) => tx.listJobEvents(job.id, 0, 100));
    expect(after).toHaveLength(before.length);
    const stored = await store.transaction((tx) => tx.getJob(job.tenantId, job.id));
    expect(stored?.updatedAt).toBe('2026-11-01T09:00:05.000Z');
  });

  it.skipIf(backend.skip)('records a changed reason, and clears it with null', async () => {
    const job = await createPlacedJob();
    await store.transaction((tx) => tx.setJobReason(job.id, 'placed', 'CAPACITY: a', '2026-11-01T09:00:05Z'));
    const changed = await store.transaction((tx) =>
      tx.setJobReason(job.id, 'placed', 'GANG: b', '2026-11-01T09:00:06Z'),
    );
    expect(changed?.reason).toBe('GANG: b');
    const cleared = await store.transaction((tx) =>
      tx.setJobReason(job.id, 'placed', null, '2026-11-01T09:00:07Z'),
    );
    expect(cleared?.reason).toBeNull();
    const events = await store.transaction((tx) => tx.listJobEvents(job.id, 0, 100));
    expect(events.filter((e) => e.type === 'reason').map((e) => e.data)).toEqual([
      { status: 'placed', reason: 'CAPACITY: a' },
      { status: 'placed', reason: 'GANG: b' },
      { status: 'placed', reason: null },
    ]);
  });

  it.skipIf(backend.skip)('leaves a job that has left the state alone', async () => {
    const job = await createPlacedJob();
    const result = await store.transaction((tx) =>
      tx.setJobReason(job.id, 'queued', 'BUDGET: spent', '2026-11-01T09:00:05Z'),
    );
    expect(result).toBeUndefined();
    const stored = await store.transaction((tx) => tx.getJob(job.tenantId, job.id));
    expect(stored).toMatchObject({ status: 'placed', reason: null });
    const events = await store.transaction((tx) => tx.listJobEvents(job.id, 0, 100));
    expect(events.some((e) => e.type === 'reason')).toBe(false);
    expect(
      await store.transaction((tx) => tx.setJobReason('job_missing', 'placed', 'x', '2026-11-01T09:00:05Z')),
    ).toBeUndefined();
  });
});
