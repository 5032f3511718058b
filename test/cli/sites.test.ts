import { describe, expect, it } from 'vitest';
import { startTestFactory } from '../server/factory-fixture.js';
import { runUsine } from '../support/run-cli.js';

const CATALOG = 'examples/federation.yaml';

describe('usine sites', () => {
  it('lists every site with provider, country, jurisdiction, certifications, GPUs and cheapest price', async () => {
    const { code, stdout } = await runUsine(['sites', '--catalog', CATALOG]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SITE\s+PROVIDER\s+COUNTRY\s+JURISDICTION\s+CERTIFICATIONS\s+GPUS\s+FROM/);
    expect(stdout).toMatch(/aws-stockholm\s+aws\s+SE \(Stockholm\)\s+LU, parent US/);
    expect(stdout).toMatch(/ovh-gra .*HDS/);
  });

  it('marks certifications that have expired at --at', async () => {
    const { stdout } = await runUsine(['sites', '--catalog', CATALOG, '--at', '2031-01-01T00:00:00Z']);
    expect(stdout).toMatch(/SecNumCloud \(expired 2028-03-24\)/);
  });

  it('prints JSON with --json', async () => {
    const { stdout } = await runUsine(['sites', '--catalog', CATALOG, '--json']);
    const sites = JSON.parse(stdout) as { name: string; gpus: Record<string, number>; cheapest: unknown }[];
    expect(sites.map((s) => s.name)).toContain('local');
    expect(sites.find((s) => s.name === 'local')?.gpus).toEqual({ L40S: 2 });
  });

  it('refuses an --at that is not an RFC 3339 instant, with exit 2', async () => {
    const { code, stderr } = await runUsine(['sites', '--catalog', CATALOG, '--at', 'tomorrow']);
    expect(code).toBe(2);
    expect(stderr).toContain('--at tomorrow: must be an RFC 3339 instant');
  });

  it('stops with positioned errors and exit 1 on an invalid catalog', async () => {
    const { code, stderr } = await runUsine(['sites', '--catalog', 'test/cli/fixtures/bad-site.yaml']);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'test/cli/fixtures/bad-site.yaml:7:8: spec.pue: must be a power usage effectiveness',
    );
  });

  it("without --catalog, lists the running server's sites: backend, API version, GPUs free, nodes", async () => {
    const factory = await startTestFactory();
    try {
      const { code, stdout, stderr } = await runUsine(['sites'], {
        env: { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey },
      });
      expect(code, stderr).toBe(0);
      expect(stdout.split('\n')[0]).toMatch(/^SITE\s+BACKEND\s+API\s+GPUS FREE\s+NODES USABLE\s+RUNNING/);
      // a simulated partner site: no versioned API, no nodes of its own
      expect(stdout).toMatch(/^sim-paris\s+simulated \(virtual\)\s+-\s+16\/16\s+-\s+yes/m);
    } finally {
      await factory.close();
    }
  });
});
