import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/api/schemas.js';
import { describeJob } from '../../src/cli/commands/jobs.js';
import { api, JOB_YAML, startTestFactory } from './factory-fixture.js';

const node = JSON.stringify([process.execPath, '-e', "console.log('hello from usine')"]);

describe('the HTTP API', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let tenantA: string;
  let ownerA: string;
  let ownerB: string;

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    const a = await call('POST', '/v1/tenants', { key: factory.adminKey, json: { name: 'acme' } });
    const b = await call('POST', '/v1/tenants', { key: factory.adminKey, json: { name: 'globex' } });
    tenantA = a.body['id'] as string;
    ownerA = (
      await call('POST', `/v1/tenants/${tenantA}/keys`, { key: factory.adminKey, json: { role: 'owner' } })
    ).body['key'] as string;
    ownerB = (
      await call('POST', `/v1/tenants/${b.body['id'] as string}/keys`, {
        key: factory.adminKey,
        json: { role: 'owner' },
      })
    ).body['key'] as string;
  });

  afterAll(async () => {
    await factory?.close();
  });

  const submit = (key: string, yaml: string, idempotencyKey?: string) =>
    call('POST', '/v1/jobs', {
      key,
      body: yaml,
      headers: {
        'content-type': 'application/yaml',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
    });

  it('answers 401 problem+json without a key, and with an unknown one', async () => {
    const none = await call('GET', '/v1/jobs');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(none.body).toMatchObject({ code: 'USINE_UNAUTHENTICATED', status: 401 });
    expect((await call('GET', '/v1/jobs', { key: 'usk_nope' })).status).toBe(401);
  });

  it('creates a tenant (201 {id, name}) and refuses a duplicate name with 409', async () => {
    const created = await call('POST', '/v1/tenants', { key: factory.adminKey, json: { name: 'initech' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'initech', id: expect.stringMatching(/^ten_/) });
    expect(
      (await call('POST', '/v1/tenants', { key: factory.adminKey, json: { name: 'initech' } })).status,
    ).toBe(409);
  });

  it('refuses a bad tenant body with the field path', async () => {
    const bad = await call('POST', '/v1/tenants', { key: factory.adminKey, json: { nam: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body['errors']).toBeDefined();
  });

  it('forbids a tenant owner to create tenants (403) and the admin to submit jobs (403)', async () => {
    expect((await call('POST', '/v1/tenants', { key: ownerA, json: { name: 'nope' } })).status).toBe(403);
    const byAdmin = await submit(factory.adminKey, JOB_YAML('x', node), 'k-admin');
    expect(byAdmin.status).toBe(403);
  });

  it('shows a created key once and stores only its hash', async () => {
    const key = await call('POST', `/v1/tenants/${tenantA}/keys`, { key: ownerA, json: { role: 'viewer' } });
    expect(key.status).toBe(201);
    expect(key.body['key']).toMatch(/^usk_/);
    expect(JSON.stringify((await call('GET', '/v1/audit', { key: factory.adminKey })).body)).not.toContain(
      key.body['key'] as string,
    );
  });

  it('requires an Idempotency-Key to submit', async () => {
    const response = await submit(ownerA, JOB_YAML('no-key', node));
    expect(response.status).toBe(400);
    expect(response.body['code']).toBe('USINE_IDEMPOTENCY_KEY_REQUIRED');
  });

  it('returns the same job for the same key and body, and 422 for the same key with another body', async () => {
    const first = await submit(ownerA, JOB_YAML('idem', node), 'key-1');
    const again = await submit(ownerA, JOB_YAML('idem', node), 'key-1');
    const other = await submit(ownerA, JOB_YAML('idem-other', node), 'key-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body['id']).toBe(first.body['id']);
    expect(other.status).toBe(422);
    expect(other.body['code']).toBe('USINE_IDEMPOTENCY_CONFLICT');
  });

  it('answers submissions sent at once each with its own job, queued and audited', async () => {
    const spec = (i: number) => `apiVersion: usine/v1
kind: Job
metadata: { name: at-once-${i} }
spec: { workload: train, command: [train], resources: { gpus: 1 }, duration: 10m, placement: { sites: [sim-paris] } }
`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submit(ownerA, spec(i), `at-once-${i}`)),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    const ids = answers.map((a) => a.body['id'] as string);
    expect(new Set(ids).size).toBe(20);
    for (const [i, id] of ids.entries()) {
      const job = await call('GET', `/v1/jobs/${id}`, { key: ownerA });
      expect(job.body).toMatchObject({ id, name: `at-once-${i}` });
    }
    const audit = await call('GET', '/v1/audit?limit=1000', { key: ownerA });
    const submitted = (audit.body['items'] as { action: string; subject: string }[])
      .filter((e) => e.action === 'job.submit')
      .map((e) => e.subject);
    expect(submitted).toEqual(expect.arrayContaining(ids));
  });

  it('creates one job for one key sent several times at once: the same body replays it, another is a 422', async () => {
    const yaml = JOB_YAML('same-key', node);
    const answers = await Promise.all([
      submit(ownerA, yaml, 'key-at-once'),
      submit(ownerA, yaml, 'key-at-once'),
      submit(ownerA, JOB_YAML('same-key-other', node), 'key-at-once'),
      submit(ownerA, yaml, 'key-at-once'),
    ]);
    const jobIds = new Set(answers.filter((a) => a.status < 300).map((a) => a.body['id']));
    expect(jobIds.size).toBe(1);
    // whichever body is committed first wins; the other is refused
    const statuses = answers.map((a) => a.status).sort();
    expect([
      [200, 200, 201, 422],
      [201, 422, 422, 422],
    ]).toContainEqual(statuses);
  });

  it('accepts the spec as JSON too', async () => {
    const json = JSON.stringify({
      apiVersion: 'usine/v1',
      kind: 'Job',
      metadata: { name: 'as-json' },
      spec: {
        workload: 'dev',
        command: ['true'],
        resources: { gpus: 0.25 },
        placement: { sites: ['local'] },
      },
    });
    const response = await call('POST', '/v1/jobs', {
      key: ownerA,
      body: json,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'json-1' },
    });
    expect(response.status).toBe(201);
  });

  it('answers a bad spec with 422 problem+json naming each field, line and column', async () => {
    const response = await submit(
      ownerA,
      JOB_YAML('bad', node).replace('gpus: 0.5', 'gpus: 0.5, gpuModel: [H100]'),
      'bad-1',
    );
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({
      code: 'USINE_INVALID_SPEC',
      errors: [
        {
          path: 'spec.resources.gpuModel',
          line: 7,
          col: 27,
          message: 'unknown field; did you mean gpuModels?',
        },
      ],
    });
  });

  it('keeps tenants apart: another tenant’s job is a 404 and never listed', async () => {
    const mine = await submit(ownerA, JOB_YAML('private', node), 'iso-1');
    const id = mine.body['id'] as string;
    expect((await call('GET', `/v1/jobs/${id}`, { key: ownerB })).status).toBe(404);
    expect((await call('POST', `/v1/jobs/${id}/cancel`, { key: ownerB })).status).toBe(404);
    const listed = await call('GET', '/v1/jobs', { key: ownerB });
    expect(JSON.stringify(listed.body)).not.toContain(id);
  });

  it('limits a member key to its project', async () => {
    const member = (
      await call('POST', `/v1/tenants/${tenantA}/keys`, {
        key: ownerA,
        json: { role: 'member', project: 'vision' },
      })
    ).body['key'] as string;
    const elsewhere = await submit(
      member,
      JOB_YAML('m1', node).replace('name: m1', 'name: m1, project: nlp'),
      'm-1',
    );
    expect(elsewhere.status).toBe(403);
    const inProject = await submit(member, JOB_YAML('m2', node), 'm-2');
    expect(inProject.status).toBe(201);
    expect(inProject.body['project']).toBe('vision');
  });

  it('pages through jobs with a cursor and filters by label', async () => {
    for (let i = 0; i < 5; i++) {
      await submit(
        ownerB,
        JOB_YAML(`page-${i}`, node).replace(
          `name: page-${i}`,
          `name: page-${i}, labels: { batch: "b${i % 2}" }`,
        ),
        `p-${i}`,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        'GET',
        `/v1/jobs?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key: ownerB },
      );
      seen.push(...(page.body.items as { id: string }[]).map((j) => j.id));
      cursor = page.body['nextCursor'] as string | null;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    const labelled = await call('GET', '/v1/jobs?label=batch%3Db1', { key: ownerB });
    expect(labelled.body.items).toHaveLength(2);
  });

  it('runs a job on the local site to success, with its placement, allocation and logs', async () => {
    const submitted = await submit(ownerA, JOB_YAML('runs', node), 'run-1');
    const id = submitted.body['id'] as string;
    let job = submitted.body;
    for (let i = 0; i < 100 && !['succeeded', 'failed'].includes(job['status'] as string); i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await call('GET', `/v1/jobs/${id}`, { key: ownerA })).body;
    }
    expect(job).toMatchObject({ status: 'succeeded', exitCode: 0, site: 'local' });
    expect((job['placement'] as { decision: { site: string } }).decision.site).toBe('local');
    expect(job['allocation']).toMatchObject({ site: 'local', virtual: true });
    const logs = await call('GET', `/v1/jobs/${id}/logs`, { key: ownerA });
    expect(logs.body).toContain('hello from usine');
    const events = await fetch(new URL(`/v1/jobs/${id}/events`, factory.url), {
      headers: { authorization: `Bearer ${ownerA}` },
    });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    // status events only: a job that waited for GPUs also has `reason` events
    const text = (await events.text())
      .split('\n\n')
      .filter((block) => block.includes('event: status\n'))
      .join('\n\n');
    expect(text.match(/"status":"(\w+)"/g)).toEqual(
      ['queued', 'placed', 'admitted', 'running', 'succeeded'].map((s) => `"status":"${s}"`),
    );
  });

  it('marks a job no site can take as unplaceable, with every site’s reasons', async () => {
    const yaml = JOB_YAML('too-big', node)
      .replace('gpus: 0.5', 'gpus: 8, gpuModels: [B200]')
      .replace('placement: { sites: [local] }', '');
    const id = (await submit(ownerA, yaml, 'big-1')).body['id'] as string;
    let job: Record<string, unknown> = {};
    for (let i = 0; i < 50 && job['status'] !== 'unplaceable'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await call('GET', `/v1/jobs/${id}`, { key: ownerA })).body;
    }
    expect(job['status']).toBe('unplaceable');
    const rejected = (job['placement'] as { rejected: { site: string; reasons: { code: string }[] }[] })
      .rejected;
    expect(rejected.map((r) => r.site).sort()).toEqual(['local', 'sim-paris']);
    expect(rejected.every((r) => r.reasons.some((x) => x.code === 'GPU_MODEL'))).toBe(true);
  });

  it('cancels a running job (SIGTERM) and answers 409 for a finished one', async () => {
    const sleeper = JSON.stringify([process.execPath, '-e', 'setTimeout(() => {}, 60000)']);
    const id = (await submit(ownerA, JOB_YAML('sleeper', sleeper), 'sleep-1')).body['id'] as string;
    let status = '';
    for (let i = 0; i < 50 && status !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call('GET', `/v1/jobs/${id}`, { key: ownerA })).body['status'] as string;
    }
    const cancelled = await call('POST', `/v1/jobs/${id}/cancel`, { key: ownerA });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body['status']).toBe('cancelled');
    expect((await call('POST', `/v1/jobs/${id}/cancel`, { key: ownerA })).status).toBe(409);
  });

  it('shows the sites with capacity and live use', async () => {
    const sites = await call('GET', '/v1/sites', { key: ownerA });
    expect(sites.status).toBe(200);
    expect(sites.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'local', running: true, virtual: true, gpus: { L40S: 2 } }),
        expect.objectContaining({ name: 'sim-paris', virtual: true, gpus: { H100: 16 } }),
      ]),
    );
  });

  it('verifies the audit chain, which records submissions and decisions', async () => {
    const verify = await call('GET', '/v1/audit/verify', { key: factory.adminKey });
    expect(verify.body).toMatchObject({ ok: true });
    const page = await call('GET', '/v1/audit?limit=1000', { key: factory.adminKey });
    const actions = new Set((page.body.items as { action: string }[]).map((e) => e.action));
    for (const a of ['tenant.create', 'key.create', 'job.submit', 'job.place', 'job.admit', 'job.cancel'])
      expect(actions).toContain(a);
  });

  it('shows a tenant’s auditor only that tenant’s audit entries', async () => {
    const auditor = (
      await call('POST', `/v1/tenants/${tenantA}/keys`, { key: ownerA, json: { role: 'auditor' } })
    ).body['key'] as string;
    const page = await call('GET', '/v1/audit?limit=1000', { key: auditor });
    expect((page.body.items as { tenantId: string }[]).every((e) => e.tenantId === tenantA)).toBe(true);
    expect((await call('GET', '/v1/jobs', { key: auditor })).status).toBe(403);
  });

  it('serves health, readiness, Prometheus metrics and the OpenAPI document', async () => {
    expect((await call('GET', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz')).status).toBe(200);
    const metrics = await call('GET', '/metrics');
    expect(metrics.body as unknown as string).toMatch(/usine_jobs\{state="succeeded"\} \d+/);
    expect(metrics.body as unknown as string).toContain('usine_gpus_free{site="local"}');
    expect(metrics.body as unknown as string).toContain('usine_http_request_seconds_bucket');
    const openapi = await call('GET', '/openapi.json');
    expect(openapi.body['openapi']).toBe('3.1.0');
  });

  it('keeps a job that does not fit yet in placed with a CAPACITY reason, then runs it', async () => {
    const nap = JSON.stringify([process.execPath, '-e', 'setTimeout(() => {}, 1500)']);
    const twoGpus = (name: string) => JOB_YAML(name, nap).replace('gpus: 0.5', 'gpus: 2');
    const get = async (id: string) => (await call('GET', `/v1/jobs/${id}`, { key: ownerA })).body;
    const first = (await submit(ownerA, twoGpus('whole-site-1'), 'cap-1')).body['id'] as string;
    let head: Record<string, unknown> = {};
    for (let i = 0; i < 50 && head['status'] !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      head = await get(first);
    }
    expect(head['status']).toBe('running');
    const second = (await submit(ownerA, twoGpus('whole-site-2'), 'cap-2')).body['id'] as string;
    let waiting: Record<string, unknown> = {};
    for (let i = 0; i < 50 && typeof waiting['reason'] !== 'string'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      waiting = await get(second);
    }
    expect(waiting).toMatchObject({
      status: 'placed',
      site: 'local',
      reason: expect.stringMatching(/^CAPACITY: /),
    });
    const shown = describeJob(waiting as unknown as JobView, new Date());
    expect(waiting['waiting']).toEqual({
      code: 'CAPACITY',
      message: (waiting['reason'] as string).slice('CAPACITY: '.length),
    });
    expect(shown).toContain(`waiting:    CAPACITY — waits for capacity: not enough free GPUs`);
    expect(shown).toContain('waiting for: free GPUs on local\n');
    let job = waiting;
    for (let i = 0; i < 100 && !['succeeded', 'failed'].includes(job['status'] as string); i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = await get(second);
    }
    expect(job).toMatchObject({ status: 'succeeded', reason: null });
    expect(Date.parse(job['startedAt'] as string)).toBeGreaterThanOrEqual(
      Date.parse((await get(first))['finishedAt'] as string),
    );
  });

  it('answers 404 problem+json for an unknown route, 415 for an unknown content type, 413 for a huge body', async () => {
    expect((await call('GET', '/v1/nope', { key: ownerA })).body['code']).toBe('USINE_NOT_FOUND');
    const xml = await call('POST', '/v1/jobs', {
      key: ownerA,
      body: '<job/>',
      headers: { 'content-type': 'application/xml', 'idempotency-key': 'x' },
    });
    expect(xml.status).toBe(415);
    const huge = await call('POST', '/v1/jobs', {
      key: ownerA,
      body: `# ${'x'.repeat(1024 * 1024 + 10)}`,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'huge' },
    });
    expect(huge.status).toBe(413);
    expect(huge.body['code']).toBe('USINE_PAYLOAD_TOO_LARGE');
  });
});
