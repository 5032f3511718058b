import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdmissionFixture } from './admission-fixture.js';

/** A preferred own site of 4 H100 at 0 EUR and a burst site of 2 × 4 H100; acme prefers home, 10 minutes at most. */
const CATALOG = `apiVersion: usine/v1
kind: Provider
metadata: { name: self }
spec: { legalName: Test Org, jurisdiction: FR }
---
apiVersion: usine/v1
kind: Site
metadata: { name: home }
spec:
  provider: self
  location: { country: FR }
  pue: 1.2
  backend: { type: simulated }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 4, nodes: 1, boardPowerW: 700 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "0 EUR" }]
---
apiVersion: usine/v1
kind: Site
metadata: { name: burst }
spec:
  provider: self
  location: { country: FR }
  pue: 1.3
  backend: { type: simulated }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 4, nodes: 2, boardPowerW: 700 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2 EUR" }]
---
apiVersion: usine/v1
kind: Policy
metadata: { name: acme }
spec: { prefer: [home], maxWaitForPreferred: 10m }
`;

describe('the wait bound in the control plane', () => {
  let f: Awaited<ReturnType<typeof startAdmissionFixture>>;
  beforeAll(async () => {
    f = await startAdmissionFixture(CATALOG);
  });
  afterAll(() => f?.close());

  it('places again on a site that can start it a job still waiting at its preferred site when the bound passes', async () => {
    const first = await f.submit('acme', 'first', { gpus: 4, duration: '2h', placement: '{}' });
    const second = await f.submit('acme', 'second', { gpus: 4, duration: '2h', placement: '{}' });
    await f.pass(); // both placed on home while it looked free; the first is admitted there
    expect(await f.job(first)).toMatchObject({ status: 'running', site: 'home' });
    expect(await f.job(second)).toMatchObject({
      status: 'placed',
      site: 'home',
      reason: expect.stringMatching(/^CAPACITY/),
    });
    f.advance(5 * 60);
    await f.pass();
    expect(await f.job(second)).toMatchObject({ status: 'placed', site: 'home' }); // within its 10 minutes
    f.advance(6 * 60);
    await f.pass();
    const moved = await f.job(second);
    expect(moved).toMatchObject({ status: 'running', site: 'burst' });
    const view = moved.placement as { decision: { site: string }; previous: { site: string; why: string }[] };
    expect(view.decision.site).toBe('burst');
    expect(view.previous).toEqual([
      expect.objectContaining({
        site: 'home',
        maxWaitSeconds: 600,
        why: expect.stringMatching(/^waited 66\d s at home, past its wait bound of 600 s/),
      }),
    ]);
  });

  it('does not choose the full preferred site for a new job while another site can start it', async () => {
    const third = await f.submit('acme', 'third', { gpus: 4, duration: '1h', placement: '{}' });
    await f.pass();
    const job = await f.job(third);
    expect(job.site).toBe('burst');
    const view = job.placement as { ranked: { site: string; late: boolean }[] };
    expect(view.ranked).toEqual([
      expect.objectContaining({ site: 'burst', late: false }),
      expect.objectContaining({ site: 'home', late: true }),
    ]);
  });
});
