import { describe, expect, it } from 'vitest';
import { placeJob } from '../../src/domain/placement/place-job.js';
import { prepareCatalog } from '../../src/domain/placement/prepare-catalog.js';
import { claimSiteLoad, type SiteLoad } from '../../src/domain/placement/site-load.js';
import { readTestCatalog } from '../server/factory-fixture.js';
import { jobYaml, readValidSpec } from '../support/read-text.js';

const AT = new Date('2026-11-27T09:00:00Z');
const site = (name: string, nodes: number) => `---
apiVersion: usine/v1
kind: Site
metadata: { name: ${name} }
spec:
  provider: self
  location: { country: FR }
  pue: 1.3
  backend: { type: simulated }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: ${nodes}, boardPowerW: 700 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2 EUR" }]
`;
const NODES = { a: 100, b: 50, c: 25 };
const catalog = readTestCatalog(`apiVersion: usine/v1
kind: Provider
metadata: { name: self }
spec: { legalName: Test Org, jurisdiction: FR }
${Object.entries(NODES)
  .map(([name, nodes]) => site(name, nodes))
  .join('')}`);

describe('placement accounts for what it has just placed', () => {
  it('spreads 1,000 decisions on one measure over sites whose prices tie, none above 1.2 × its share of the free GPUs', () => {
    const prepared = prepareCatalog(catalog);
    const job = readValidSpec(jobYaml('duration: 1h', 'gpus: 1'));
    const load = new Map<string, SiteLoad>(
      Object.entries(NODES).map(([name, nodes]) => [
        name,
        { freeGpusPerNode: { H100: Array.from({ length: nodes }, () => 8) }, estimatedWaitSeconds: 600 },
      ]),
    );
    const counts = new Map<string, number>();
    for (let i = 0; i < 1_000; i++) {
      const site = placeJob({ job, policy: undefined, catalog: prepared, at: AT, load }).decision!.site;
      counts.set(site, (counts.get(site) ?? 0) + 1);
      load.set(site, claimSiteLoad(load.get(site)!, 'H100', 1, 1, 1000));
    }
    const free = Object.values(NODES).reduce((sum, n) => sum + n * 8, 0);
    for (const [name, nodes] of Object.entries(NODES)) {
      const share = (1_000 * nodes * 8) / free;
      expect(counts.get(name) ?? 0).toBeGreaterThan(0);
      expect(counts.get(name) ?? 0).toBeLessThanOrEqual(1.2 * share);
    }
  });

  it('sends a decision elsewhere once the claims fill a site: it would wait there', () => {
    const prepared = prepareCatalog(catalog);
    const job = readValidSpec(jobYaml('duration: 1h', 'gpus: 8'));
    const load = new Map<string, SiteLoad>([
      ['a', { freeGpusPerNode: { H100: [8] }, estimatedWaitSeconds: 600 }],
      ['b', { freeGpusPerNode: { H100: [8] }, estimatedWaitSeconds: 600 }],
      ['c', { freeGpusPerNode: { H100: [8] }, estimatedWaitSeconds: 600 }],
    ]);
    const sites: string[] = [];
    for (let i = 0; i < 3; i++) {
      const decision = placeJob({ job, policy: undefined, catalog: prepared, at: AT, load }).decision!;
      expect(decision.expectedStartSeconds).toBe(0);
      sites.push(decision.site);
      load.set(decision.site, claimSiteLoad(load.get(decision.site)!, 'H100', 8, 1, 1000));
    }
    expect(sites.sort()).toEqual(['a', 'b', 'c']);
  });
});
