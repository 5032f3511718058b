import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory, TEST_CATALOG } from './factory-fixture.js';

/** The test catalog's provider with a dossier, and a Policy named after the tenant that weighs exit 3. */
const CATALOG = `${TEST_CATALOG}---
apiVersion: usine/v1
kind: Provider
metadata: { name: frcloud }
spec:
  legalName: FR Cloud SAS
  jurisdiction: FR
  dossier:
    exit: { answer: "S3 export, no egress fee", exportFormats: [S3], egressFree: true, asOf: 2020-01-01 }
---
apiVersion: usine/v1
kind: Policy
metadata: { name: weighed }
spec:
  weights: { infrastructure: 1, partners: 1, exit: 3, compliance: 1, scalability: 1, pricing: 1 }
`;

describe('the providers’ scorecards over HTTP', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let weighed: string;
  let other: string;

  beforeAll(async () => {
    factory = await startTestFactory({ catalogText: CATALOG });
    call = api(factory.url);
    weighed = (await createOwner(call, factory.adminKey, 'weighed')).key;
    other = (await createOwner(call, factory.adminKey, 'unweighed')).key;
  });

  afterAll(async () => {
    await factory?.close();
  });

  it('scores every provider on the six criteria with the weights of the tenant’s own policy', async () => {
    const answer = await call('GET', '/v1/providers', { key: weighed });
    expect(answer.status).toBe(200);
    expect(answer.body['policy']).toBe('weighed');
    expect((answer.body['weights'] as Record<string, number>)['exit']).toBe(3);
    const providers = answer.body['providers'] as {
      name: string;
      criteria: Record<string, { status: string; answer: string | null }>;
    }[];
    expect(providers.map((p) => p.name).sort()).toEqual(['frcloud', 'self']);
    const frcloud = providers.find((p) => p.name === 'frcloud');
    expect(Object.keys(frcloud?.criteria ?? {})).toEqual([
      'infrastructure',
      'partners',
      'exit',
      'compliance',
      'scalability',
      'pricing',
    ]);
    // answered in 2020: stale at the server's clock
    expect(frcloud?.criteria['exit']).toMatchObject({ status: 'stale', answer: 'S3 export, no egress fee' });
    expect(frcloud?.criteria['pricing']?.status).toBe('open');
  });

  it('weighs every criterion 1 for a tenant without a policy of its name', async () => {
    const answer = await call('GET', '/v1/providers', { key: other });
    expect(answer.body['policy']).toBeNull();
    expect(Object.values(answer.body['weights'] as Record<string, number>)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('writes the questionnaire in French or English, and answers an unknown provider with a 404 problem', async () => {
    const fr = await call('GET', '/v1/providers/frcloud/rfp?lang=fr', { key: other });
    expect(fr.status).toBe(200);
    expect(fr.headers.get('content-type')).toContain('text/markdown');
    expect(String(fr.body)).toContain('FR Cloud SAS');
    const en = await call('GET', '/v1/providers/frcloud/rfp?lang=en', { key: other });
    expect(String(en.body)).not.toBe(String(fr.body));
    const missing = await call('GET', '/v1/providers/nobody/rfp', { key: other });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const badLang = await call('GET', '/v1/providers/frcloud/rfp?lang=de', { key: other });
    expect(badLang.status).toBe(400);
  });
});
