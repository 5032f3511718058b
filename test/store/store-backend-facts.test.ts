import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/app/ports/records.js';
import type { Store } from '../../src/app/ports/store.js';
import { dropTestSchemas, STORE_BACKENDS } from './store-backends.js';
import { createTestTenant, newTestJob } from './store-fixtures.js';

afterAll(dropTestSchemas);

describe.each(STORE_BACKENDS)('what a backend reports, kept on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    if (!backend.skip) store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  /** A job launched on its backend, which has not said yet that it started. */
  async function createLaunchedJob(): Promise<JobRecord> {
    return store.transaction(async (tx) => {
      const tenant = await createTestTenant(tx);
      const result = await tx.createJob(newTestJob(tenant.id, { at: '2026-11-01T09:00:00Z' }));
      if (result.outcome !== 'created') throw new Error('not created');
      const steps = [
        { from: 'queued', to: 'placed', site: 'hpc', placement: { decision: { site: 'hpc' } } },
        { from: 'placed', to: 'admitted' },
        { from: 'admitted', to: 'running', handle: 'slurm:7' },
      ] as const;
      let job: JobRecord | undefined = result.job;
      for (const step of steps)
        job = await tx.transitionJob(result.job.id, { ...step, at: '2026-11-01T09:00:01Z' });
      if (!job) throw new Error('not running');
      return job;
    });
  }

  it.skipIf(backend.skip)('sets the backend start once, with a started event', async () => {
    const job = await createLaunchedJob();
    expect(job.startedAt).toBeNull();
    const started = await store.transaction((tx) =>
      tx.recordJobStart(job.id, '2026-11-01T09:05:00Z', '2026-11-01T09:05:02Z'),
    );
    expect(started).toMatchObject({ status: 'running', startedAt: '2026-11-01T09:05:00.000Z' });
    const again = await store.transaction((tx) =>
      tx.recordJobStart(job.id, '2026-11-01T09:06:00Z', '2026-11-01T09:06:02Z'),
    );
    expect(again).toBeUndefined();
    const stored = await store.transaction((tx) => tx.getJob(job.tenantId, job.id));
    expect(stored?.startedAt).toBe('2026-11-01T09:05:00.000Z');
    const events = await store.transaction((tx) => tx.listJobEvents(job.id, 0, 100));
    expect(events.filter((e) => e.type === 'started')).toEqual([
      expect.objectContaining({ data: { startedAt: '2026-11-01T09:05:00Z' } }),
    ]);
  });

  it.skipIf(backend.skip)('leaves a job that is no longer running alone', async () => {
    const job = await createLaunchedJob();
    await store.transaction((tx) =>
      tx.transitionJob(job.id, { from: 'running', to: 'cancelled', at: '2026-11-01T09:01:00Z' }),
    );
    const started = await store.transaction((tx) =>
      tx.recordJobStart(job.id, '2026-11-01T09:05:00Z', '2026-11-01T09:05:02Z'),
    );
    expect(started).toBeUndefined();
  });

  it.skipIf(backend.skip)("keeps a peer's placement under placement.remote, once, beside ours", async () => {
    const job = await createLaunchedJob();
    const remote = {
      by: 'http://b:8080',
      job: 'job_b1',
      site: 'local',
      placement: { decision: { site: 'local' } },
    };
    const kept = await store.transaction((tx) =>
      tx.recordRemotePlacement(job.id, remote, '2026-11-01T09:00:03Z'),
    );
    expect(kept?.placement).toEqual({ decision: { site: 'hpc' }, remote });
    const again = await store.transaction((tx) =>
      tx.recordRemotePlacement(job.id, { ...remote, site: 'other' }, '2026-11-01T09:00:04Z'),
    );
    expect(again).toBeUndefined();
    const events = await store.transaction((tx) => tx.listJobEvents(job.id, 0, 100));
    expect(events.filter((e) => e.type === 'remote-placement')).toHaveLength(1);
  });
});
