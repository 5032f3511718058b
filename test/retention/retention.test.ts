import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneFinishedJobs } from '../../src/app/retention/prune-finished-jobs.js';
import { api, createOwner, JOB_YAML, startTestFactory } from '../server/factory-fixture.js';

const DAY_MS = 86_400_000;
const SIM_JOB = (name: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec:
  command: ["python", "train.py"]
  resources: { gpus: 1 }
  duration: 1m
  placement: { sites: [sim-paris] }
`;

/** Real time, moved forward by `shift` when a test says so: jobs run, then a month passes. */
function shiftingClock() {
  const clock = { shift: 0, now: () => new Date(Date.now() + clock.shift) };
  return clock;
}

describe('retention of finished jobs’ events and logs', () => {
  const clock = shiftingClock();
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: { tenantId: string; key: string };
  const ids: Record<'local' | 'sim' | 'later', string> = { local: '', sim: '', later: '' };

  const submit = async (body: string, key: string) => {
    const answer = await call('POST', '/v1/jobs', {
      key: owner.key,
      body,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': key },
    });
    expect(answer.status).toBe(201);
    return answer.body['id'] as string;
  };
  const waitFor = async (id: string, done: (job: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 600; i++) {
      const job = (await call('GET', `/v1/jobs/${id}`, { key: owner.key })).body;
      if (done(job)) return job;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${id} never got there`);
  };
  const ledger = async () => (await call('GET', '/v1/usage/records', { key: factory.adminKey })).body;

  beforeAll(async () => {
    factory = await startTestFactory({ clock });
    call = api(factory.url);
    owner = await createOwner(call, factory.adminKey, 'forgetful');
    ids.local = await submit(JOB_YAML('hello'), 'hello');
    ids.sim = await submit(SIM_JOB('train'), 'train');
    for (const id of [ids.local, ids.sim]) await waitFor(id, (job) => job['status'] === 'succeeded');
    // the local job's output has been shipped before it is pruned
    for (let i = 0; i < 300; i++) {
      const logs = await fetch(new URL(`/v1/jobs/${ids.local}/logs`, factory.url), {
        headers: { authorization: `Bearer ${owner.key}` },
      });
      if ((await logs.text()).includes('hello from usine')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 180_000);
  afterAll(() => factory?.close());

  it('takes the history of jobs ended before the period, keeps the job, its usage and a verifiable chain', async () => {
    const usageBefore = await ledger();
    const simFiles = () => readdirSync(join(factory.dataDir, 'sites', 'sim-paris', 'simulated'));
    expect(simFiles()).toContain(`${encodeURIComponent(ids.sim)}.json`);

    clock.shift = 31 * DAY_MS;
    ids.later = await submit(SIM_JOB('later'), 'later');
    await waitFor(ids.later, (job) => job['status'] === 'succeeded');
    const report = await pruneFinishedJobs(factory.ctx, 30 * DAY_MS);
    expect(report.jobs).toBe(2);
    expect(report.events).toBeGreaterThan(4);
    expect(report.logChunks).toBeGreaterThan(0);
    expect(report.logBytes).toBeGreaterThanOrEqual('hello from usine\n'.length);

    const job = await call('GET', `/v1/jobs/${ids.local}`, { key: owner.key });
    expect(job.body).toMatchObject({ status: 'succeeded', site: 'local', prunedAt: expect.any(String) });
    expect(job.body['placement']).not.toBeNull();
    for (const what of ['logs', 'events']) {
      const gone = await call('GET', `/v1/jobs/${ids.sim}/${what}`, { key: owner.key });
      expect(gone.status).toBe(410);
      expect(gone.headers.get('content-type')).toContain('application/problem+json');
      expect(gone.body).toMatchObject({ code: 'USINE_JOB_PRUNED' });
      expect(gone.body['detail']).toContain(`its ${what} were pruned`);
    }
    // the job that ended within the period keeps everything
    const kept = await call('GET', `/v1/jobs/${ids.later}`, { key: owner.key });
    expect(kept.body['prunedAt']).toBeNull();
    const events = await fetch(new URL(`/v1/jobs/${ids.later}/events`, factory.url), {
      headers: { authorization: `Bearer ${owner.key}` },
    });
    expect(await events.text()).toContain('succeeded');

    // usage is an accounting record: every record of the pruned jobs is still there
    const usageAfter = await ledger();
    for (const record of usageBefore.items ?? []) expect(usageAfter.items).toContainEqual(record);
    // the simulated site forgot its record of the pruned job, not of the kept one
    expect(simFiles()).not.toContain(`${encodeURIComponent(ids.sim)}.json`);
    expect(
      existsSync(
        join(factory.dataDir, 'sites', 'sim-paris', 'simulated', `${encodeURIComponent(ids.later)}.json`),
      ),
    ).toBe(true);

    // the tenant's audit says what was taken; the chain still verifies from its first entry
    const audit = await call('GET', '/v1/audit?action=retention.prune', { key: owner.key });
    const pruned = (audit.body.items as { data: { jobs: string[] } }[]).flatMap((e) => e.data.jobs);
    expect(pruned.sort()).toEqual([ids.local, ids.sim].sort());
    const verified = await call('GET', '/v1/audit/verify?full=true', { key: factory.adminKey });
    expect(verified.body).toMatchObject({ ok: true });

    expect((await pruneFinishedJobs(factory.ctx, 30 * DAY_MS)).jobs).toBe(0);
  });
});

describe('retention in a running server', () => {
  it('prunes on its own once configured', async () => {
    const clock = shiftingClock();
    const factory = await startTestFactory({
      clock,
      retention: { retentionSeconds: 86_400, intervalSeconds: 1 },
    });
    try {
      const call = api(factory.url);
      const owner = await createOwner(call, factory.adminKey, 'tidy');
      const submitted = await call('POST', '/v1/jobs', {
        key: owner.key,
        body: SIM_JOB('once'),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': 'once' },
      });
      const id = submitted.body['id'] as string;
      let job: Record<string, unknown> = {};
      for (let i = 0; i < 600 && job['prunedAt'] == null; i++) {
        job = (await call('GET', `/v1/jobs/${id}`, { key: owner.key })).body;
        if (job['status'] === 'succeeded') clock.shift = 2 * DAY_MS;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(job).toMatchObject({ status: 'succeeded', prunedAt: expect.any(String) });
    } finally {
      await factory.close();
    }
  }, 180_000);
});
