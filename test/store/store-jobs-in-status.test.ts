import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports/store.js';
import { dropTestSchemas, STORE_BACKENDS } from './store-backends.js';
import { createTestTenant, newTestJob } from './store-fixtures.js';

afterAll(dropTestSchemas);

describe.each(STORE_BACKENDS)('listJobsInStatus on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    if (!backend.skip) store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it.skipIf(backend.skip)(
    'lists the jobs of every tenant in one state, oldest first, up to the limit',
    async () => {
      const ids = await store.transaction(async (tx) => {
        const created: string[] = [];
        for (const [i, at] of ['09:00:03', '09:00:01', '09:00:02', '09:00:04'].entries()) {
          const tenant = await createTestTenant(tx);
          const result = await tx.createJob(newTestJob(tenant.id, { at: `2026-11-01T${at}Z` }));
          if (result.outcome !== 'created') throw new Error('not created');
          if (i < 3)
            await tx.transitionJob(result.job.id, { from: 'queued', to: 'placed', at: `2026-11-01T${at}Z` });
          created.push(result.job.id);
        }
        return created;
      });
      const placed = await store.read((tx) => tx.listJobsInStatus('placed', 1000));
      const mine = placed.map((j) => j.id).filter((id) => ids.includes(id));
      expect(mine).toEqual([ids[1], ids[2], ids[0]]);
    },
  );

  it.skipIf(backend.skip)(
    "takes at most the limit of each tenant's oldest jobs on each site, so a flood does not hide the others",
    async () => {
      const { flood, other } = await store.transaction(async (tx) => {
        const place = async (tenantId: string, at: string, site: string) => {
          const result = await tx.createJob(newTestJob(tenantId, { at: `2026-11-02T${at}Z` }));
          if (result.outcome !== 'created') throw new Error('not created');
          await tx.transitionJob(result.job.id, {
            from: 'queued',
            to: 'placed',
            at: `2026-11-02T${at}Z`,
            site,
          });
          return result.job.id;
        };
        const a = await createTestTenant(tx);
        const b = await createTestTenant(tx);
        const floodIds = [
          await place(a.id, '09:00:01', 'one'),
          await place(a.id, '09:00:02', 'one'),
          await place(a.id, '09:00:03', 'one'),
          await place(a.id, '09:00:04', 'two'),
        ];
        return { flood: floodIds, other: [await place(b.id, '09:00:05', 'one')] };
      });
      const listed = (await store.read((tx) => tx.listJobsInStatus('placed', 2))).map((j) => j.id);
      const mine = listed.filter((id) => [...flood, ...other].includes(id));
      expect(mine).toEqual([flood[0], flood[1], flood[3], other[0]]);
    },
  );
});
