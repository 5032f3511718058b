import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';
import { api, createOwner, JOB_YAML, startTestFactory } from './factory-fixture.js';

type Summary = {
  scope: string;
  jobs: Record<string, number>;
  queued: number;
  sites: { site: string; running: number; waiting: number }[];
  spend?: { tenant: string; budgets: unknown[] }[];
};

describe('the summary behind `usine top`', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let acme: { tenantId: string; key: string };
  let globex: { tenantId: string; key: string };
  let running: string;

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    acme = await createOwner(call, factory.adminKey, 'acme');
    globex = await createOwner(call, factory.adminKey, 'globex');
    const submit = (owner: { key: string }, body: string, key: string) =>
      call('POST', '/v1/jobs', {
        key: owner.key,
        body,
        headers: { 'content-type': 'application/yaml', 'idempotency-key': key },
      });
    running = (await submit(acme, JOB_YAML('long', '["sleep", "60"]'), 'top-1')).body['id'] as string;
    await submit(globex, JOB_YAML('too-big').replace('gpus: 0.5', 'gpus: 64'), 'top-2');
    for (let i = 0; i < 200; i++) {
      if ((await call('GET', `/v1/jobs/${running}`, { key: acme.key })).body['status'] === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    await call('POST', `/v1/jobs/${running}/cancel`, { key: acme.key }).catch(() => undefined);
    await factory?.close();
  });

  it("gives the operator every tenant's jobs by state and site, and each tenant's spend", async () => {
    const summary = (await call('GET', '/v1/summary', { key: factory.adminKey })).body as Summary;
    expect(summary).toMatchObject({ scope: 'factory', jobs: { running: 1, unplaceable: 1 } });
    expect(summary.sites.find((s) => s.site === 'local')).toMatchObject({ running: 1, waiting: 0 });
    expect(summary.spend?.map((s) => s.tenant).sort()).toEqual(['acme', 'globex']);
  });

  it('gives a tenant its own share only, and spend only to a key that reads usage', async () => {
    const mine = (await call('GET', '/v1/summary', { key: globex.key })).body as Summary;
    expect(mine).toMatchObject({ scope: 'tenant', jobs: { unplaceable: 1 } });
    expect(mine.jobs['running']).toBeUndefined();
    expect(mine.sites.find((s) => s.site === 'local')).toMatchObject({ running: 0 });
    expect(mine.spend?.map((s) => s.tenant)).toEqual(['globex']);
    const viewer = await call('POST', `/v1/tenants/${acme.tenantId}/keys`, {
      key: acme.key,
      json: { role: 'viewer' },
    });
    const seen = (await call('GET', '/v1/summary', { key: viewer.body['key'] as string })).body as Summary;
    expect(seen.jobs).toMatchObject({ running: 1 });
    expect(seen.spend).toBeUndefined();
  });

  it('prints sites with their GPUs and jobs, the states, and the spend in `usine top`', async () => {
    const top = await runUsine(['top'], { env: { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey } });
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^SITE\s+BACKEND\s+GPUS\s+USED\s+FREE\s+RUNNING\s+WAITING/);
    expect(top.stdout).toMatch(/local\s+local \(virtual\)\s+2\s+0\.5\s+1\.5\s+1\s+0/);
    expect(top.stdout).toContain('all tenants: running 1, unplaceable 1');
    expect(top.stdout).toMatch(/TENANT\s+INVOICED\s+BUDGETS\nacme/);
  });
});
