import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

describe('tax rates with units', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let tenantId: string;
  let owner: string;

  const putTax = (taxRate: unknown) =>
    call('PUT', `/v1/tenants/${tenantId}/billing`, { key: factory.adminKey, json: { taxRate } });

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    ({ tenantId, key: owner } = await createOwner(call, factory.adminKey, 'tax-co'));
    // 2 H100 for 3 simulated hours at 2.50 EUR: 15.00 EUR on the month's invoice
    const yaml = `apiVersion: usine/v1
kind: Job
metadata: { name: taxed }
spec:
  command: ["python", "train.py"]
  resources: { gpus: 2, gpuModels: [H100] }
  duration: 3h
  placement: { sites: [sim-paris] }
`;
    await call('POST', '/v1/jobs', {
      key: owner,
      body: yaml,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'taxed' },
    });
    for (let i = 0; i < 300; i++) {
      const items = (await call('GET', '/v1/invoices', { key: owner })).body.items ?? [];
      if (items.length > 0 && (items[0] as { subtotal: string }).subtotal === '15.00 EUR') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 90_000);

  afterAll(async () => {
    await factory?.close();
  });

  it.each([['20'], ['20 percent'], ['120%'], ['-5%'], [{ rate: '1.5' }], [{ rate: '20%' }], [0.2]])(
    'refuses the tax rate %j, naming the field (a bare "20" was once taken as 2000 %)',
    async (taxRate) => {
      const refused = await putTax(taxRate);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body['errors']).toEqual([
        expect.objectContaining({ path: expect.stringMatching(/^taxRate/) }),
      ]);
    },
  );

  it('takes "20%" or {rate: "0.20", label} and shows the rate and its legal label on the invoice', async () => {
    const invoice = async () =>
      (await call('GET', '/v1/invoices', { key: owner })).body.items?.[0] as
        Record<string, unknown> | undefined;
    expect((await putTax('20%')).status).toBe(204);
    expect(await invoice()).toMatchObject({
      subtotal: '15.00 EUR',
      taxRate: '0.20',
      taxLabel: 'Tax 20 %',
      tax: '3.00 EUR',
      total: '18.00 EUR',
    });
    expect((await putTax({ rate: '0.055', label: 'TVA' })).status).toBe(204);
    // 15.00 × 5.5 % = 0.825, half to even: 0.82
    expect(await invoice()).toMatchObject({ taxLabel: 'TVA 5.5 %', tax: '0.82 EUR', total: '15.82 EUR' });
    expect((await putTax('0%')).status).toBe(204);
    expect(await invoice()).toMatchObject({ taxLabel: 'Tax 0 %', tax: '0.00 EUR' });
    expect((await putTax('100%')).status).toBe(204);
    expect(await invoice()).toMatchObject({ tax: '15.00 EUR' });
    expect((await putTax({ rate: '0.20', label: 'TVA' })).status).toBe(204);
    const html = await call('GET', `/v1/invoices/${(await invoice())?.['id']}?format=html`, { key: owner });
    expect(String(html.body)).toContain('TVA 20 %');
  });
});
