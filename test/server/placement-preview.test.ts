import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

const SPEC = (extra: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: preview-me, project: p1 }
spec:
  command: ["train"]
  resources: { gpus: 2, gpuModels: [H100] }
  duration: 1h
${extra}`;

describe('POST /v1/placements: a dry run of a submission', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let key: string;
  const preview = (body: string) =>
    call('POST', '/v1/placements', { key, body, headers: { 'content-type': 'application/yaml' } });

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    key = (await createOwner(call, factory.adminKey, 'previewer')).key;
    // the reconciler's first measure of the sites: until then a dry run answers 503
    for (let answer = await preview(SPEC('')); answer.status === 503; answer = await preview(SPEC('')))
      await new Promise((r) => setTimeout(r, 100));
  });

  afterAll(async () => {
    await factory?.close();
  });

  it('says where the spec would go and why, and stores nothing', async () => {
    const answer = await preview(SPEC(''));
    expect(answer.status).toBe(200);
    expect(answer.body['status']).toBe('placed');
    const placement = answer.body['placement'] as {
      decision: { site: string };
      rejected: { site: string }[];
    };
    expect(placement.decision.site).toBe('sim-paris');
    expect(placement.rejected.map((r) => r.site)).toEqual(['local']);
    const jobs = await call('GET', '/v1/jobs', { key });
    expect(jobs.body.items).toEqual([]);
    const audit = await call('GET', '/v1/audit', { key });
    expect(JSON.stringify(audit.body)).not.toContain('preview-me');
  });

  it('explains a spec no site can take, every site with its reasons', async () => {
    const answer = await preview(SPEC('  placement: { certifications: [SecNumCloud] }\n'));
    expect(answer.body['status']).toBe('unplaceable');
    const placement = answer.body['placement'] as {
      decision: null;
      rejected: { reasons: { code: string }[] }[];
    };
    expect(placement.decision).toBeNull();
    expect(placement.rejected.flatMap((r) => r.reasons.map((x) => x.code))).toContain('CERTIFICATION');
  });

  it('refuses an invalid spec as a submission would: 422 with the line and field', async () => {
    const answer = await preview(SPEC('').replace('gpus: 2', 'gpus: -1'));
    expect(answer.status).toBe(422);
    expect(answer.body['errors']).toEqual([
      expect.objectContaining({ path: 'spec.resources.gpus', line: 6 }),
    ]);
  });
});
