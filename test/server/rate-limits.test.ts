import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../executors/fake-clock.js';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

describe('rate limits per key, per tenant and per client address', () => {
  const clock = new FakeClock('2026-12-01T09:00:00Z');
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let acme: { tenantId: string; key: string };
  let globexOwner: string;
  const acmeKeys: string[] = [];

  /** Time enough for every bucket to fill up again. */
  const refill = () => clock.advance(60_000);

  beforeAll(async () => {
    factory = await startTestFactory({
      clock,
      rateLimit: {
        perSecond: 1,
        burst: 3,
        perTenant: { perSecond: 1, burst: 5 },
        perAddress: { perSecond: 1, burst: 4 },
      },
    });
    call = api(factory.url);
    acme = await createOwner(call, factory.adminKey, 'acme');
    refill();
    globexOwner = (await createOwner(call, factory.adminKey, 'globex')).key;
    for (let i = 0; i < 4; i++) {
      refill();
      const made = await call('POST', `/v1/tenants/${acme.tenantId}/keys`, {
        key: factory.adminKey,
        json: { role: 'viewer' },
      });
      acmeKeys.push(made.body['key'] as string);
    }
    acmeKeys.push(acme.key);
  });

  afterAll(async () => {
    await factory?.close();
  });

  it('refuses a key past its own burst with 429 problem+json and Retry-After', async () => {
    refill();
    const key = acmeKeys[0] ?? '';
    for (let i = 0; i < 3; i++) expect((await call('GET', '/v1/jobs', { key })).status).toBe(200);
    const refused = await call('GET', '/v1/jobs', { key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toMatchObject({ code: 'USINE_RATE_LIMITED' });
    expect(refused.body['detail']).toContain('for this key');
    clock.advance(1_000);
    expect((await call('GET', '/v1/jobs', { key })).status).toBe(200);
  });

  it("bounds a tenant's keys together: five keys share the tenant's burst of 5", async () => {
    refill();
    const statuses: number[] = [];
    for (const key of acmeKeys) statuses.push((await call('GET', '/v1/jobs', { key })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await call('GET', '/v1/jobs', { key: acmeKeys[1] ?? '' });
    expect(refused.status).toBe(429);
    expect(refused.body['detail']).toContain(`for tenant ${acme.tenantId}`);
    expect(refused.headers.get('retry-after')).toBe('1');
    // another tenant has its own
    expect((await call('GET', '/v1/jobs', { key: globexOwner })).status).toBe(200);
  });

  it('limits requests without a valid key per client address, before looking the key up', async () => {
    refill();
    const statuses: number[] = [];
    for (const key of ['usk_nope1', 'usk_nope2', undefined, 'usk_nope3', 'usk_nope4', undefined]) {
      statuses.push((await call('GET', '/v1/jobs', key === undefined ? {} : { key })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const refused = await call('GET', '/v1/jobs', { key: 'usk_nope5' });
    expect(refused.body['detail']).toContain('without a valid key');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('limits anonymous /metrics per client address, never the health probes', async () => {
    refill();
    const metrics: number[] = [];
    for (let i = 0; i < 5; i++) metrics.push((await call('GET', '/metrics')).status);
    expect(metrics).toEqual([200, 200, 200, 200, 429]);
    for (let i = 0; i < 10; i++) expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it('bounds the lookups of a concurrent flood of invalid keys by the address burst', async () => {
    refill();
    const flood = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call('GET', '/v1/jobs', { key: `usk_flood${i}` })),
    );
    const statuses = flood.map((answer) => answer.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(26);
  });

  it('does not spend the address budget on the lookups of valid keys', async () => {
    refill(); // every key's cached lookup is stale: each is looked up again
    const statuses: number[] = [];
    for (const key of acmeKeys) statuses.push((await call('GET', '/v1/sites', { key })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect((await call('GET', '/v1/jobs', { key: 'usk_nope' })).status).toBe(401);
  });
});
