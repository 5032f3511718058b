import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStatus } from '../../src/domain/jobs/lifecycle.js';
import type { Store } from '../../src/app/ports/store.js';
import type { SqlDatabase } from '../../src/store/sql-client.js';
import { STORE_BACKENDS } from './store-backends.js';
import { createTestTenant, newTestJob } from './store-fixtures.js';

const SUBMITTED = '2026-11-01T09:00:00.000Z';

describe.each(STORE_BACKENDS)('retention on $name', (backend) => {
  let store: Store;
  let db: SqlDatabase;
  let tenantId: string;
  beforeAll(async () => {
    if (backend.skip) return;
    ({ store, db } = await backend.openWithDatabase());
    tenantId = (await store.transaction((tx) => createTestTenant(tx))).id;
  }, 180_000);
  afterAll(async () => {
    await store?.close();
  });

  /** A job moved through `path` (the last state at `endedAt`), with an event at each step. */
  async function jobThrough(path: readonly JobStatus[], endedAt: string): Promise<string> {
    const job = newTestJob(tenantId, { events: [{ type: 'status', data: { to: 'queued' } }] });
    await store.commitJob(job);
    await store.transaction(async (tx) => {
      let from: JobStatus = 'queued';
      for (const to of path) {
        const at = to === path[path.length - 1] ? endedAt : SUBMITTED;
        await tx.transitionJob(job.id, { from, to, at });
        await tx.appendJobEvent(job.id, at, 'status', { from, to });
        from = to;
      }
    });
    return job.id;
  }

  const eventsOf = (id: string) => store.read((tx) => tx.listJobEvents(id, 0, 100));

  it.skipIf(backend.skip)(
    'takes the events of final jobs ended before the cutoff, and nothing of the others',
    async () => {
      const old = await jobThrough(
        ['placed', 'admitted', 'running', 'succeeded'],
        '2026-11-02T00:00:00.000Z',
      );
      const oldCancelled = await jobThrough(['cancelled'], '2026-11-02T00:00:00.000Z');
      const recent = await jobThrough(
        ['placed', 'admitted', 'running', 'failed'],
        '2026-11-20T00:00:00.000Z',
      );
      const stillRunning = await jobThrough(['placed', 'admitted', 'running'], '2026-11-02T00:00:00.000Z');

      const batch = await store.transaction((tx) =>
        tx.pruneFinishedJobs('2026-11-10T00:00:00.000Z', 500, '2026-12-01T00:00:00.000Z'),
      );
      expect(batch.jobs.map((j) => j.id).sort()).toEqual([old, oldCancelled].sort());
      expect(batch.events).toBe(5 + 2);
      expect(await eventsOf(old)).toEqual([]);
      expect(await eventsOf(oldCancelled)).toEqual([]);
      expect(await eventsOf(recent)).toHaveLength(5);
      expect(await eventsOf(stillRunning)).toHaveLength(4);

      const kept = await store.read((tx) => tx.getJob(tenantId, old));
      expect(kept).toMatchObject({ status: 'succeeded', prunedAt: '2026-12-01T00:00:00.000Z' });
      expect((await store.read((tx) => tx.getJob(tenantId, recent)))?.prunedAt).toBeNull();
      // a second pass finds nothing more to take
      const again = await store.transaction((tx) =>
        tx.pruneFinishedJobs('2026-11-10T00:00:00.000Z', 500, '2026-12-01T00:00:00.000Z'),
      );
      expect(again.jobs).toEqual([]);
      await store.reclaimPruned();
    },
  );

  it.skipIf(backend.skip)('takes at most a batch, oldest first', async () => {
    const ids: string[] = [];
    for (let day = 10; day < 13; day++)
      ids.push(await jobThrough(['unplaceable'], `2025-01-${day}T00:00:00.000Z`));
    const batch = await store.transaction((tx) =>
      tx.pruneFinishedJobs('2025-02-01T00:00:00.000Z', 2, '2026-12-01T00:00:00.000Z'),
    );
    expect(batch.jobs.map((j) => j.id)).toEqual(ids.slice(0, 2).sort());
  });

  it.skipIf(backend.skip)(
    'leaves the append-only tables append-only outside a retention pass, and the audit log always',
    async () => {
      const id = await jobThrough(['cancelled'], '2026-11-02T00:00:00.000Z');
      await expect(
        db.transaction((sql) => sql.query('DELETE FROM job_events WHERE job_id = $1', [id])),
      ).rejects.toThrow('job_events is append-only');
      await store.transaction((tx) =>
        tx.appendAudit({ at: SUBMITTED, actor: 'admin', tenantId, action: 'test', subject: id, data: {} }),
      );
      await store.sealAudit();
      await expect(
        db.transaction(async (sql) => {
          await sql.query(`SELECT set_config('usine.pruning', 'on', true)`);
          await sql.query('DELETE FROM audit_log WHERE subject = $1', [id]);
        }),
      ).rejects.toThrow('audit_log is append-only');
      expect(await eventsOf(id)).toHaveLength(2);
    },
  );
});
