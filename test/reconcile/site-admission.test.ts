import { afterEach, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/api/schemas.js';
import { describeJob } from '../../src/cli/commands/jobs.js';
import { toJobView } from '../../src/server/job-view.js';
import { siteCatalog, startAdmissionFixture, sumHeldGpus } from './admission-fixture.js';

type Fixture = Awaited<ReturnType<typeof startAdmissionFixture>>;
let fixture: Fixture | undefined;

async function start(tenants: string, nodes = 2): Promise<Fixture> {
  fixture = await startAdmissionFixture(siteCatalog(tenants, nodes));
  return fixture;
}

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('admission through the site scheduler', () => {
  it('keeps a tenant over its nominal quota waiting with QUOTA while another tenant runs', async () => {
    const f = await start(
      `  tenants:
    - { name: lab, quota: { H100: 4 }, borrowingLimit: { H100: 0 } }
    - { name: clinic, quota: { H100: 4 } }
`,
      3,
    );
    const first = await f.submit('lab', 'lab-1', { gpus: 4 });
    const second = await f.submit('lab', 'lab-2', { gpus: 4 });
    const clinic = await f.submit('clinic', 'clinic-1', { gpus: 4 });
    await f.pass();
    await f.pass();
    expect((await f.job(first)).status).toBe('running');
    expect((await f.job(clinic)).status).toBe('running');
    const waiting = await f.job(second);
    expect(waiting.status).toBe('placed');
    expect(waiting.reason).toBe(
      'QUOTA: waits for quota: its tenant has no quota or borrowable room left for it (needs 4 GPUs on paris; tenant lab has a quota of 4 H100 and may borrow 0 more; only preemptible work may borrow)',
    );
    // what GET /v1/jobs/{id} and `usine job ID` show
    const view = toJobView(waiting);
    expect(view.waiting).toMatchObject({
      code: 'QUOTA',
      message: expect.stringMatching(/^waits for quota: /),
    });
    const shown = describeJob(view as unknown as JobView, new Date());
    expect(shown).toContain('waiting:    QUOTA — waits for quota: its tenant has no quota');
    expect(shown).toContain('waiting for: quota for its tenant on paris\n');
  });

  it('writes a waiting job’s reason once, not at every pass', async () => {
    const f = await start('');
    await f.submit('lab', 'big', { gpus: 4, nodes: 2 });
    const waiting = await f.submit('lab', 'bigger', { gpus: 4, nodes: 2 });
    await f.pass();
    const first = await f.job(waiting);
    f.advance(1);
    await f.pass();
    const second = await f.job(waiting);
    expect(second.reason).toBe(first.reason);
    expect(second.updatedAt).toBe(first.updatedAt);
  });

  it('lets a critical job preempt a low preemptible one of its tenant: the victim ends preempted, naming it', async () => {
    const f = await start('', 1);
    const low = await f.submit('lab', 'low', { gpus: 4, priority: 'low', preemptible: true });
    await f.pass();
    const before = await f.job(low);
    expect(before.status).toBe('running');
    const critical = await f.submit('lab', 'urgent', { gpus: 4, priority: 'critical' });
    await f.pass();
    const victim = await f.job(low);
    expect(victim.status).toBe('preempted');
    expect(victim.reason).toMatch(
      new RegExp(
        `^preempted to make room for job ${critical}, of critical priority in the same tenant, on paris; requeued as job (job_\\w+)$`,
      ),
    );
    // queued again as a new job with the same spec, linked to the one it retries
    const retryId = /requeued as job (job_\w+)$/.exec(victim.reason ?? '')?.[1] ?? '';
    const retry = await f.ctx.store.transaction((tx) => tx.getJob(victim.tenantId, retryId));
    expect(retry).toMatchObject({
      name: 'low',
      labels: { 'usine.dev/retry-of': low },
      document: before.document,
    });
    expect(['queued', 'placed']).toContain(retry?.status);
    const winner = await f.job(critical);
    expect(winner.status).toBe('running');
    expect(winner.allocation?.nodes).toEqual(before.allocation?.nodes);
    const events = await f.ctx.store.transaction((tx) => tx.listJobEvents(low, 0, 100));
    expect(events.at(-1)?.data).toMatchObject({ status: 'preempted', by: critical });
    await f.ctx.store.sealAudit();
    const audit = await f.ctx.store.transaction((tx) => tx.listAudit(0, 1000));
    expect(audit.filter((e) => e.action === 'job.preempt').map((e) => e.subject)).toEqual([low]);
    expect(audit.filter((e) => e.action === 'job.requeue').map((e) => e.subject)).toEqual([retryId]);
  });

  it('does not requeue a preempted job a peer sent: its origin hears of it and decides', async () => {
    const f = await start('', 1);
    const low = await f.submit('lab', 'from-peer', {
      gpus: 4,
      priority: 'low',
      preemptible: true,
      labels: { 'usine.dev/origin-job': 'job_at_origin' },
    });
    await f.pass();
    await f.submit('lab', 'urgent', { gpus: 4, priority: 'critical' });
    await f.pass();
    const victim = await f.job(low);
    expect(victim.status).toBe('preempted');
    expect(victim.reason).not.toMatch(/requeued/);
    const retries = await f.ctx.store.transaction((tx) =>
      tx.listJobs(victim.tenantId, {
        labels: [{ key: 'usine.dev/retry-of', op: 'in', values: [low] }],
        limit: 10,
      }),
    );
    expect(retries.items).toEqual([]);
  });

  it('reclaims nominal quota from a borrowing tenant', async () => {
    const f = await start(`  tenants:
    - { name: lab, cohort: main, quota: { H100: 4 } }
    - { name: clinic, cohort: main, quota: { H100: 4 } }
`);
    const own = await f.submit('lab', 'own', { gpus: 4, preemptible: true });
    await f.pass();
    f.advance(600);
    const borrowed = await f.submit('lab', 'borrowed', { gpus: 4, preemptible: true });
    await f.pass();
    expect((await f.job(borrowed)).status).toBe('running');
    f.advance(60);
    const clinic = await f.submit('clinic', 'mine', { gpus: 4 });
    await f.pass();
    expect((await f.job(clinic)).status).toBe('running');
    expect((await f.job(own)).status).toBe('running');
    const victim = await f.job(borrowed);
    expect(victim.status).toBe('preempted');
    expect(victim.reason).toMatch(
      new RegExp(
        `^preempted to make room for job ${clinic}: tenant clinic reclaimed the nominal quota this job borrowed on paris; requeued as job job_\\w+$`,
      ),
    );
  });

  it('leaves placed a job the scheduler started and then preempted within one pass', async () => {
    const f = await start(
      `  tenants:
    - { name: lab, cohort: main, quota: { H100: 4 } }
    - { name: clinic, cohort: main, quota: { H100: 8 } }
`,
      3,
    );
    await f.submit('clinic', 'first', { gpus: 4 });
    await f.pass();
    // lab (the smaller share) goes first and borrows two nodes; clinic then reclaims one of them
    const borrower = await f.submit('lab', 'gang', { gpus: 4, nodes: 2, preemptible: true });
    const owner = await f.submit('clinic', 'second', { gpus: 4 });
    await f.pass();
    expect((await f.job(owner)).status).toBe('running');
    expect((await f.job(borrower)).status).toBe('placed');
  });

  it('starts a gang on all its nodes at once, or keeps it waiting with GANG', async () => {
    const f = await start('', 3);
    // leave 3 free GPUs on two nodes and 4 on the third: 10 free, but one node with 4
    const short = [await f.submit('lab', 'a', { gpus: 3, duration: '1m' })];
    short.push(await f.submit('lab', 'b', { gpus: 3, duration: '1m' }));
    await f.submit('lab', 'c', { gpus: 1 });
    await f.submit('lab', 'd', { gpus: 1 });
    await f.pass();
    f.advance(120);
    await f.pass();
    for (const id of short) expect((await f.job(id)).status).toBe('succeeded');
    const gang = await f.submit('lab', 'gang', { gpus: 4, nodes: 2 });
    await f.pass();
    const waiting = await f.job(gang);
    expect(waiting.status).toBe('placed');
    expect(waiting.reason).toMatch(
      /^GANG: waits for its gang: .* \(needs 2 nodes × 4 GPUs on paris; expected by /,
    );
    const single = await f.submit('lab', 'gang-of-one-node', { gpus: 4, nodes: 1 });
    await f.pass();
    expect((await f.job(single)).status).toBe('placed');
    f.advance(3600);
    await f.pass();
    await f.pass();
    const started = await f.job(gang);
    expect(started.status).toBe('running');
    expect(started.allocation?.nodes.map((n) => n.gpuIndices)).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ]);
    expect(new Set(started.allocation?.nodes.map((n) => n.node)).size).toBe(2);
  });

  it('backfills a short job while the head job waits with its reservation; a long one behind shows RESERVED_FOR', async () => {
    const f = await start('');
    await f.submit('lab', 'long-1', { gpus: 4, duration: '1h' });
    await f.submit('lab', 'long-2', { gpus: 2, duration: '2h' });
    await f.pass();
    const head = await f.submit('lab', 'big', { gpus: 4, nodes: 2, duration: '1h' });
    const long = await f.submit('lab', 'too-long', { gpus: 2, duration: '3h' });
    // behind too-long in its queue (same tenant, priority and shape): backfill looks past it
    const short = await f.submit('lab', 'short', { gpus: 2, duration: '30m' });
    await f.pass();
    expect((await f.job(short)).status).toBe('running');
    expect((await f.job(head)).reason).toMatch(/^CAPACITY: .*; expected by 2026-11-27T10:01Z\)$/);
    const behind = await f.job(long);
    expect(behind.status).toBe('placed');
    expect(behind.reason).toBe(
      `RESERVED_FOR: waits: the room it fits in is reserved for job ${head} (needs 2 GPUs on paris; expected by 2026-11-27T10:01Z)`,
    );
  });

  it("admits by the catalog's CPU per node: a job whose CPU is not left waits though GPUs are free", async () => {
    fixture = await startAdmissionFixture(
      siteCatalog('', 1).replace('boardPowerW: 700 }', 'boardPowerW: 700, cpusPerNode: 32 }'),
    );
    const first = await fixture.submit('lab', 'cpu-heavy', { gpus: 1, cpus: 24 });
    const second = await fixture.submit('lab', 'cpu-heavy-too', { gpus: 1, cpus: 24 });
    await fixture.pass();
    expect((await fixture.job(first)).status).toBe('running');
    expect((await fixture.job(second)).reason).toMatch(/^FRAGMENTATION: /);
  });

  it('rebuilds from the store after a restart and never gives a GPU twice', async () => {
    const f = await start('', 3);
    for (const [i, gpus] of [1, 0.5, 2, 0.25, 4, 0.5].entries()) await f.submit('lab', `j${i}`, { gpus });
    await f.pass();
    for (const [i, gpus] of [0.5, 1, 2, 0.75, 4, 1].entries()) await f.submit('clinic', `k${i}`, { gpus });
    await f.pass(true);
    await f.pass(true);
    const allocated = await f.ctx.store.transaction((tx) => tx.listAllocatedJobs());
    expect(allocated.length).toBeGreaterThan(8);
    for (const [gpu, milli] of sumHeldGpus(allocated)) expect(milli, gpu).toBeLessThanOrEqual(1000);
  });
});
