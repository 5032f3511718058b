import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

/** 3 H100 for 1 simulated hour on sim-paris at 2.50 EUR per GPU-hour: 7.50 EUR. */
const ONE_HOUR = (name: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec:
  workload: train
  command: ["python", "train.py"]
  resources: { gpus: 3, gpuModels: [H100] }
  duration: 1h
  placement: { sites: [sim-paris] }
`;

type Record_ = { key: string; job: string; gpus: string; gpuSeconds: string; correction: unknown };

describe('corrections of the ledger by compensating records', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: { tenantId: string; key: string };
  const jobs: string[] = [];
  const records = async (job?: string) =>
    (
      await call('GET', `/v1/usage/records?tenant=${owner.tenantId}${job ? `&job=${job}` : ''}`, {
        key: factory.adminKey,
      })
    ).body['items'] as Record_[];
  const subtotal = async () =>
    ((await call('GET', '/v1/invoices', { key: owner.key })).body['items'] as { subtotal: string }[])[0]
      ?.subtotal;

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    owner = await createOwner(call, factory.adminKey, 'acme');
    for (const name of ['voided', 'adjusted']) {
      const submitted = await call('POST', '/v1/jobs', {
        key: owner.key,
        body: ONE_HOUR(name),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': name },
      });
      jobs.push(submitted.body['id'] as string);
    }
    // both ran, and the metering pass closed their ledgers
    for (let i = 0; i < 600 && (await subtotal()) !== '15.00 EUR'; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }, 120_000);

  afterAll(async () => {
    await factory?.close();
  });

  it('lists the records with their keys, to the operator and to the tenant, never to another', async () => {
    expect(await subtotal()).toBe('15.00 EUR');
    const all = await records();
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(all.every((r) => r.correction === null)).toBe(true);
    const mine = (await call('GET', '/v1/usage/records', { key: owner.key })).body['items'] as Record_[];
    expect(mine.map((r) => r.key)).toEqual(all.map((r) => r.key));
    const other = await createOwner(call, factory.adminKey, 'globex');
    const theirs = await call('GET', `/v1/usage/records?tenant=${owner.tenantId}`, { key: other.key });
    expect(theirs.body['items']).toEqual([]);
  });

  it('refuses a correction from a tenant key, even the owner’s', async () => {
    const [first] = await records(jobs[0]);
    const refused = await call('POST', '/v1/usage/corrections', {
      key: owner.key,
      json: { of: first?.key, kind: 'void', reason: 'mine' },
    });
    expect(refused.status).toBe(403);
  });

  it('voids a job’s records: the originals stay, the invoice and the audit follow', async () => {
    for (const record of await records(jobs[0])) {
      const voided = await call('POST', '/v1/usage/corrections', {
        key: factory.adminKey,
        json: { of: record.key, kind: 'void', reason: 'the site reported this job twice' },
      });
      expect(voided.status).toBe(201);
      expect(voided.body['records']).toEqual([
        expect.objectContaining({
          key: `${record.key}~void`,
          gpus: `-${record.gpus}`,
          correction: expect.objectContaining({ of: record.key, kind: 'void' }),
        }),
      ]);
    }
    expect(await subtotal()).toBe('7.50 EUR');
    const after = await records(jobs[0]);
    expect(after.filter((r) => r.correction === null)).toHaveLength(after.length / 2);
    const audit = (await call('GET', '/v1/audit?limit=1000', { key: factory.adminKey })).body['items'] as {
      action: string;
      data: { reason?: string };
    }[];
    expect(audit.find((e) => e.action === 'usage.void')?.data.reason).toBe(
      'the site reported this job twice',
    );
  });

  it('corrects a record once: again, or a correction itself, is refused and changes nothing', async () => {
    const [original] = (await records(jobs[0])).filter((r) => r.correction === null);
    const again = await call('POST', '/v1/usage/corrections', {
      key: factory.adminKey,
      json: { of: original?.key, kind: 'adjust', reason: 'again', gpus: 1 },
    });
    expect(again.status).toBe(409);
    const ofCorrection = await call('POST', '/v1/usage/corrections', {
      key: factory.adminKey,
      json: { of: `${original?.key}~void`, kind: 'void', reason: 'undo' },
    });
    expect(ofCorrection.status).toBe(400);
    expect(ofCorrection.body['detail']).toContain('is itself a correction');
    const unknown = await call('POST', '/v1/usage/corrections', {
      key: factory.adminKey,
      json: { of: 'job_nope#1', kind: 'void', reason: 'x' },
    });
    expect(unknown.status).toBe(404);
    expect(await subtotal()).toBe('7.50 EUR');
  });

  it('adjusts from the CLI: 3 GPUs were really 1, billed at a third', async () => {
    const env = { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey };
    for (const record of await records(jobs[1])) {
      const adjusted = await runUsine(
        ['ledger', 'adjust', record.key, '--gpus', '1', '--reason', 'the job held one GPU'],
        { env },
      );
      expect(adjusted.stderr).toBe('');
      expect(adjusted.stdout).toBe(`${record.key} adjusted: ${record.key}~void, ${record.key}~adjust\n`);
    }
    expect(await subtotal()).toBe('2.50 EUR');
    const listed = await runUsine(['ledger', 'list', '--tenant', owner.tenantId, '--job', jobs[1] ?? ''], {
      env,
    });
    expect(listed.stdout).toContain('adjust of');
    expect(listed.stdout).toContain('the job held one GPU');
    const noReason = await runUsine(['ledger', 'void', 'x'], { env });
    expect(noReason.code).toBe(2);
  });
});
