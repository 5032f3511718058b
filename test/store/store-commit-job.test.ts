import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewJob, Store } from '../../src/app/ports/store.js';
import { dropTestSchemas, STORE_BACKENDS } from './store-backends.js';
import { createTestTenant, newTestId, newTestJob } from './store-fixtures.js';

afterAll(dropTestSchemas);

describe.each(STORE_BACKENDS)('group commit of submissions on $name', (backend) => {
  let store: Store;
  let tenantId: string;
  beforeAll(async () => {
    if (backend.skip) return;
    store = await backend.open();
    tenantId = (await store.transaction((tx) => createTestTenant(tx))).id;
  });
  afterAll(async () => {
    await store?.close();
  });

  /** A job with its first event and audit entry, as a submission sends it. */
  function submission(overrides: Partial<NewJob> = {}): NewJob {
    const job = newTestJob(tenantId, overrides);
    return {
      ...job,
      events: [{ type: 'status', data: { status: 'queued' } }],
      audits: [
        {
          at: job.at,
          actor: 'key:key_test',
          tenantId,
          action: 'job.submit',
          subject: job.id,
          data: { name: job.name },
        },
      ],
      ...overrides,
    };
  }

  it.skipIf(backend.skip)(
    'commits concurrent submissions, each with its first event and audit entry',
    async () => {
      const pendingBefore = await store.transaction((tx) => tx.countPendingAudit());
      const jobs = Array.from({ length: 40 }, () => submission());
      const results = await Promise.all(jobs.map((job) => store.commitJob(job)));
      expect(results.map((r) => r.outcome)).toEqual(jobs.map(() => 'created'));
      await store.transaction(async (tx) => {
        for (const job of jobs) {
          expect((await tx.getJob(tenantId, job.id))?.status).toBe('queued');
          const events = await tx.listJobEvents(job.id, 0, 10);
          expect(events.map((e) => [e.seq, e.type, e.data])).toEqual([[1, 'status', { status: 'queued' }]]);
        }
        expect(await tx.countPendingAudit()).toBe(pendingBefore + jobs.length);
      });
    },
  );

  it.skipIf(backend.skip)('chains the audit entries of one batch in submission order', async () => {
    await store.sealAudit();
    const jobs = Array.from({ length: 5 }, () => submission());
    await Promise.all(jobs.map((job) => store.commitJob(job)));
    await store.sealAudit();
    const entries = await store.transaction((tx) => tx.listAudit(0, 100_000));
    const subjects = entries.map((e) => e.subject).filter((s) => jobs.some((j) => j.id === s));
    expect(subjects).toEqual(jobs.map((j) => j.id));
  });

  it.skipIf(backend.skip)(
    'within one batch, the first use of a key creates the job; the same body replays it, another conflicts',
    async () => {
      const key = newTestId('key');
      const first = submission({ idempotencyKey: key });
      const same = submission({ idempotencyKey: key });
      const other = submission({ idempotencyKey: key, requestHash: 'b'.repeat(64) });
      const [a, b, c] = await Promise.all([first, same, other].map((job) => store.commitJob(job)));
      expect(a?.outcome).toBe('created');
      expect(b).toEqual(a && a.outcome === 'created' ? { outcome: 'replayed', job: a.job } : undefined);
      expect(c).toEqual({ outcome: 'conflict' });
      const events = await store.transaction((tx) => tx.listJobEvents(first.id, 0, 10));
      expect(events).toHaveLength(1);
      expect(await store.transaction((tx) => tx.getJob(tenantId, same.id))).toBeUndefined();
    },
  );

  it.skipIf(backend.skip)('replays a job committed by an earlier batch', async () => {
    const job = submission();
    const created = await store.commitJob(job);
    const replayed = await store.commitJob({ ...job, id: newTestId('job') });
    expect(replayed).toEqual(created.outcome === 'created' ? { ...created, outcome: 'replayed' } : undefined);
  });

  it.skipIf(backend.skip)(
    'fails only the submission that cannot be written; the others of its batch are committed',
    async () => {
      const good = [submission(), submission()];
      const orphan = submission({ tenantId: 'ten_missing' }); // the foreign key refuses it
      const results = await Promise.allSettled([good[0], orphan, good[1]].map((j) => store.commitJob(j!)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      for (const job of good) {
        expect((await store.transaction((tx) => tx.getJob(tenantId, job.id)))?.id).toBe(job.id);
      }
    },
  );
});
