import { describe, expect, it } from 'vitest';
import type { GpuDevice } from '../../src/app/ports/executor.js';
import { describeSiteCluster } from '../../src/app/reconcile/site-cluster.js';
import { readTestCatalog } from '../server/factory-fixture.js';
import { siteCatalog } from './admission-fixture.js';

const devices = (node: string, count: number): GpuDevice[] =>
  Array.from({ length: count }, (_, i) => ({
    node,
    index: 3 - i,
    model: 'h100',
    memoryGiB: 80,
    virtual: false,
  }));

describe("a site's cluster as the site scheduler sees it", () => {
  it("takes each node's CPU and memory from the catalog, and its GPUs in device order", () => {
    const site = readTestCatalog(
      siteCatalog('').replace(
        'boardPowerW: 700 }',
        'boardPowerW: 700, cpusPerNode: 32, memoryGiBPerNode: 256 }',
      ),
    ).sites[0]!;
    const cluster = describeSiteCluster(site, [...devices('n1', 4), ...devices('n2', 4)]);
    expect(cluster.nodes).toEqual([
      {
        name: 'n1',
        cpuMilli: 32_000,
        memoryMib: 256 * 1024,
        gpuCount: 4,
        gpuModel: 'H100',
        gpuMemoryMib: 80 * 1024,
      },
      {
        name: 'n2',
        cpuMilli: 32_000,
        memoryMib: 256 * 1024,
        gpuCount: 4,
        gpuModel: 'H100',
        gpuMemoryMib: 80 * 1024,
      },
    ]);
    expect(cluster.deviceIndices).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ]);
    expect(cluster.virtual).toBe(false);
  });

  it('treats CPU and memory the catalog does not state as unlimited', () => {
    const site = readTestCatalog(siteCatalog('')).sites[0]!;
    const [node] = describeSiteCluster(site, devices('n1', 4)).nodes;
    expect(node!.cpuMilli).toBeGreaterThan(1e9);
    expect(node!.memoryMib).toBeGreaterThan(1e9);
  });
});
