import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, JOB_YAML, startTestFactory, TEST_CATALOG } from './factory-fixture.js';

/** The local site at 2.50 EUR per GPU-hour, so a wrong record would cost something. */
const CATALOG = TEST_CATALOG.replace(
  'offerings: [{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "0 EUR" }]',
  'offerings: [{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "2.50 EUR" }]',
);

describe('who may write the usage ledger', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: string;
  let keys: Record<'owner' | 'member' | 'viewer', string>;
  let job: Record<string, unknown>;

  /** One event of the job, with fields replaced. */
  const eventOf = (id: string, data: Record<string, unknown> = {}) => ({
    specversion: '1.0',
    id,
    source: 'site/local/meter',
    type: 'usine.usage.v1',
    data: {
      job: job['id'],
      site: 'local',
      gpuModel: 'L40S',
      gpus: 0.5,
      start: job['startedAt'],
      end: job['finishedAt'],
      ...data,
    },
  });

  beforeAll(async () => {
    factory = await startTestFactory({ catalogText: CATALOG });
    call = api(factory.url);
    const created = await createOwner(call, factory.adminKey, 'writer-co');
    owner = created.key;
    const keyOf = async (role: string) =>
      (
        await call('POST', `/v1/tenants/${created.tenantId}/keys`, {
          key: factory.adminKey,
          json: role === 'member' ? { role, project: 'default' } : { role },
        })
      ).body['key'] as string;
    keys = { owner, member: await keyOf('member'), viewer: await keyOf('viewer') };
    const command = JSON.stringify([process.execPath, '-e', 'setTimeout(() => {}, 1000)']);
    const id = (
      await call('POST', '/v1/jobs', {
        key: owner,
        body: JOB_YAML('metered', command),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': 'metered' },
      })
    ).body['id'] as string;
    for (let i = 0; i < 300; i++) {
      job = (await call('GET', `/v1/jobs/${id}`, { key: owner })).body;
      if (job['status'] === 'succeeded') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(job['status']).toBe('succeeded');
  });

  afterAll(async () => {
    await factory?.close();
  });

  it.each(['owner', 'member', 'viewer'] as const)(
    'refuses usage from a tenant’s %s key, whatever it claims (403, nothing charged)',
    async (role) => {
      const month = new Date().toISOString().slice(0, 7);
      const before = (await call('GET', `/v1/invoices?month=${month}`, { key: owner })).body;
      // the defect: a member once added 280,000 EUR to its own invoice, with energyWh "0"
      const posted = await call('POST', '/v1/usage', {
        key: keys[role],
        json: [eventOf(`self-${role}`, { gpus: 100000, energyWh: '0' })],
      });
      expect(posted.status).toBe(403);
      expect(posted.headers.get('content-type')).toContain('application/problem+json');
      expect(posted.body).toMatchObject({ code: 'USINE_FORBIDDEN' });
      expect((await call('GET', `/v1/invoices?month=${month}`, { key: owner })).body).toEqual(before);
    },
  );

  it('accepts the operator’s record of the job’s run at its admission price', async () => {
    const posted = await call('POST', '/v1/usage', { key: factory.adminKey, json: [eventOf('whole-run')] });
    expect(posted).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0 } });
  });

  it('takes a metering key’s records of its own site only', async () => {
    const keyFor = async (site: string) =>
      (await call('POST', '/v1/keys', { key: factory.adminKey, json: { role: 'metering', site } })).body[
        'key'
      ] as string;
    const local = await keyFor('local');
    const mine = await call('POST', '/v1/usage', { key: local, json: [eventOf('by-local-meter')] });
    expect(mine).toMatchObject({ status: 200, body: { accepted: 1 } });
    const other = await call('POST', '/v1/usage', {
      key: await keyFor('sim-paris'),
      json: [eventOf('by-paris-meter')],
    });
    expect(other.status).toBe(400);
    expect(other.body['errors']).toEqual([expect.objectContaining({ path: '[0].data.site' })]);
    // a metering key writes usage and nothing else
    expect((await call('GET', '/v1/usage', { key: local })).status).toBe(403);
  });

  it.each([
    ['names no job', { job: undefined }, 'job'],
    ['names an unknown job', { job: 'job_nope' }, 'job'],
    ['names another site', { site: 'sim-paris' }, 'site'],
    ['names another GPU model', { gpuModel: 'H100' }, 'gpuModel'],
    ['names another project', { project: 'elsewhere' }, 'project'],
    ['starts before the run', { start: '2020-01-01T00:00:00Z' }, 'start'],
    ['ends after the run', { end: '2100-01-01T00:00:00Z' }, 'end'],
    ['holds more GPUs than the allocation', { gpus: 100000 }, 'gpus'],
    ['reports no energy for GPUs in use', { energyWh: '0' }, 'energyWh'],
    ['reports more energy than the board power allows', { energyWh: '1000000' }, 'energyWh'],
  ])('refuses a record that %s, naming the field', async (_what, data, field) => {
    const posted = await call('POST', '/v1/usage', {
      key: factory.adminKey,
      json: [eventOf(`bad-${field}`, data)],
    });
    expect(posted.status).toBe(400);
    expect(posted.headers.get('content-type')).toContain('application/problem+json');
    expect(posted.body['errors']).toEqual([expect.objectContaining({ path: `[0].data.${field}` })]);
  });
});
