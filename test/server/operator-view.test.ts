import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';
import { api, createOwner, JOB_YAML, startTestFactory } from './factory-fixture.js';

describe("the operator's view of every tenant's jobs", () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let acme: { tenantId: string; key: string };
  let globex: { tenantId: string; key: string };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    acme = await createOwner(call, factory.adminKey, 'acme');
    globex = await createOwner(call, factory.adminKey, 'globex');
    for (const [name, owner] of [
      ['a', acme],
      ['g', globex],
    ] as const) {
      const job = await call('POST', '/v1/jobs', {
        key: owner.key,
        body: JOB_YAML(`job-${name}`, '["sleep", "30"]'),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': `op-${name}` },
      });
      ids[name] = job.body['id'] as string;
    }
  }, 120_000);

  afterAll(async () => {
    for (const [id, owner] of [
      [ids['a'], acme],
      [ids['g'], globex],
    ] as const)
      await call('POST', `/v1/jobs/${id}/cancel`, { key: owner.key }).catch(() => undefined);
    await factory?.close();
  });

  it('lists every tenant’s jobs with the admin key, each with its tenant, and one tenant’s on request', async () => {
    const all = await call('GET', '/v1/jobs', { key: factory.adminKey });
    expect(all.status).toBe(200);
    const items = all.body['items'] as { id: string; tenantId: string }[];
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: ids['a'], tenantId: acme.tenantId }),
        expect.objectContaining({ id: ids['g'], tenantId: globex.tenantId }),
      ]),
    );
    const one = await call('GET', `/v1/jobs?tenant=${globex.tenantId}`, { key: factory.adminKey });
    expect((one.body['items'] as { id: string }[]).map((j) => j.id)).toEqual([ids['g']]);
    expect((await call('GET', `/v1/jobs/${ids['a']}`, { key: factory.adminKey })).body).toMatchObject({
      id: ids['a'],
      tenantId: acme.tenantId,
    });
  });

  it('keeps a tenant to its own jobs, whatever tenant it names', async () => {
    const mine = await call('GET', '/v1/jobs', { key: acme.key });
    expect((mine.body['items'] as { id: string }[]).map((j) => j.id)).toEqual([ids['a']]);
    const theirs = await call('GET', `/v1/jobs?tenant=${globex.tenantId}`, { key: acme.key });
    expect(theirs.body['items']).toEqual([]);
    expect((await call('GET', `/v1/jobs/${ids['g']}`, { key: acme.key })).status).toBe(404);
  });

  it('is read-only: the admin key cannot cancel a tenant’s job', async () => {
    const cancel = await call('POST', `/v1/jobs/${ids['g']}/cancel`, { key: factory.adminKey });
    expect(cancel.status).toBe(403);
    expect((await call('GET', `/v1/jobs/${ids['g']}`, { key: globex.key })).body['status']).not.toBe(
      'cancelled',
    );
  });

  it('shows a tenant column in `usine jobs -A`, and one tenant by name with --tenant', async () => {
    const env = { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey };
    const all = await runUsine(['jobs', '-A'], { env });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^TENANT\s+ID\s+NAME/);
    expect(all.stdout).toMatch(new RegExp(`acme\\s+${ids['a']}`));
    expect(all.stdout).toMatch(new RegExp(`globex\\s+${ids['g']}`));
    const one = await runUsine(['jobs', '--tenant', 'globex', '-o', 'name'], { env });
    expect(one.stdout.trim()).toBe(ids['g']);
    const unknown = await runUsine(['jobs', '--tenant', 'initech'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no such tenant (tenants: acme, globex)');
  });
});
