import { describe, expect, it } from 'vitest';
import { readJobSpecText } from '../../src/app/jobs/read-job-spec.js';
import type { GpuDevice } from '../../src/app/ports/executor.js';
import type { JobRecord } from '../../src/app/ports/records.js';
import { createReconcilerState, inventoryOf } from '../../src/app/reconcile/reconciler-state.js';
import { buildSiteAdmission } from '../../src/app/reconcile/site-admission.js';
import { SimulatedExecutor } from '../../src/executors/index.js';
import { readTestCatalog } from '../server/factory-fixture.js';
import { siteCatalog } from './admission-fixture.js';

const catalog = readTestCatalog(
  siteCatalog(`  tenants:
    - { name: lab, quota: { H100: 4 }, borrowingLimit: { H100: 0 } }
`),
);
const site = catalog.sites[0]!;

/** Node 1's GPUs only: node 2 is drained, so its backend leaves it out of the inventory. */
const devices: GpuDevice[] = [0, 1, 2, 3].map((index) => ({
  node: 'paris-node-1',
  index,
  model: 'H100',
  memoryGiB: 80,
  virtual: true,
}));

function record(
  id: string,
  gpus: number,
  fields: Partial<JobRecord> & { nodes?: number; preemptible?: boolean; gpuMemoryGiB?: number } = {},
): JobRecord {
  const { document } = readJobSpecText(`apiVersion: usine/v1
kind: Job
metadata: { name: ${id.replaceAll('_', '-')} }
spec:
  workload: train
  command: [train]
  resources: { gpus: ${gpus}, nodes: ${fields.nodes ?? 1}${fields.gpuMemoryGiB ? `, gpuMemoryGiB: ${fields.gpuMemoryGiB}` : ''} }
  preemptible: ${fields.preemptible ?? false}
`);
  return {
    id,
    tenantId: 'ten_lab',
    project: 'default',
    name: id,
    kind: 'Job',
    labels: {},
    document,
    status: 'placed',
    reason: null,
    placement: { decision: { gpuModel: 'H100' } },
    site: site.name,
    allocation: null,
    handle: null,
    exitCode: null,
    createdAt: '2026-11-27T08:00:00.000Z',
    updatedAt: '2026-11-27T08:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    prunedAt: null,
    ...fields,
  };
}

describe('drained nodes', () => {
  it('asks the executor for the inventory again once 30 s have passed on the clock', async () => {
    let now = Date.parse('2026-11-27T08:00:00Z');
    const clock = { now: () => new Date(now) };
    const ctx = {
      store: undefined as never,
      clock,
      ids: undefined as never,
      catalog,
      executors: new Map([
        [site.name, new SimulatedExecutor({ clock, site: site.name, capacity: [...site.capacity] })],
      ]),
    };
    const state = createReconcilerState();
    await inventoryOf(ctx, state, site);
    now += 29_000;
    await inventoryOf(ctx, state, site);
    expect(state.inventories.get(site.name)?.readAt).toBe(Date.parse('2026-11-27T08:00:00Z'));
    now += 1_000;
    const devicesNow = await inventoryOf(ctx, state, site);
    expect(state.inventories.get(site.name)?.readAt).toBe(now);
    expect(devicesNow).toHaveLength(8);
  });

  it('keeps counting a job running on a drained node in its tenant’s quota, and gives its node no work', () => {
    const running = record('job_on_drained', 4, {
      status: 'running',
      startedAt: '2026-11-27T08:00:00.000Z',
      handle: 'h',
      allocation: {
        site: site.name,
        virtual: true,
        nodes: [{ node: 'paris-node-2', gpuIndices: [0, 1, 2, 3], milliGpus: 4000 }],
      },
    });
    const admission = buildSiteAdmission({
      site,
      devices,
      allocated: [running],
      placed: [record('job_next', 1)],
      tenantName: () => 'lab',
    });
    expect(admission.scheduler.schedule(Date.parse('2026-11-27T08:01:00Z') / 1000)).toEqual([]);
    expect(admission.describeWait(1)).toMatch(/^QUOTA: /);
    expect(admission.scheduler.state.nodes.map((n) => n.name)).toEqual(['paris-node-1']);
  });

  it('lets a running job keep GPUs its spec would no longer accept (GPU memory read under the minimum)', () => {
    const running = record('job_picky', 4, {
      gpuMemoryGiB: 81,
      status: 'running',
      handle: 'h',
      allocation: {
        site: site.name,
        virtual: true,
        nodes: [{ node: 'paris-node-1', gpuIndices: [0, 1, 2, 3], milliGpus: 4000 }],
      },
    });
    const admission = buildSiteAdmission({
      site,
      devices,
      allocated: [running],
      placed: [record('job_next', 1, { preemptible: true })],
      tenantName: () => 'guest',
    });
    expect(admission.scheduler.state.idleMilli[0]).toBe(0);
    expect(admission.scheduler.schedule(Date.parse('2026-11-27T08:01:00Z') / 1000)).toEqual([]);
  });

  it('keeps a gang that only drained nodes would let in waiting with CAPACITY, not unplaceable', () => {
    const gang = record('job_gang', 4, { nodes: 2, preemptible: true });
    const admission = buildSiteAdmission({
      site,
      devices,
      allocated: [],
      placed: [gang],
      tenantName: () => 'lab',
    });
    expect(admission.neverFit).toEqual([]);
    expect(admission.shortOfNodes).toEqual([
      {
        job: gang,
        reason:
          'CAPACITY: waits for capacity: not enough free GPUs of an acceptable model (needs 2 nodes × 4 GPUs on paris, more than the nodes its backend offers now (some drained or down))',
      },
    ]);
  });

  it('makes a job the site could never hold unplaceable', () => {
    const admission = buildSiteAdmission({
      site,
      devices,
      allocated: [],
      placed: [record('job_huge', 4, { nodes: 3 })],
      tenantName: () => 'lab',
    });
    expect(admission.neverFit.map((n) => n.reason)).toEqual([
      'site paris cannot hold 3 nodes × 4 GPUs even when idle',
    ]);
  });
});
