import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EDGE_LIMITS } from '../../src/server/edge-options.js';
import { api, createOwner, JOB_YAML, startTestFactory } from './factory-fixture.js';

/** Writes raw bytes on a fresh socket; resolves with everything the server sent before closing. */
function rawExchange(url: string, chunks: readonly string[], gapMs = 0): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let i = 0;
    const next = () => {
      if (i >= chunks.length || socket.destroyed) return;
      socket.write(chunks[i++] ?? '');
      if (i < chunks.length) setTimeout(next, gapMs);
    };
    socket.on('connect', next);
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

const SIM_JOB = `apiVersion: usine/v1
kind: Job
metadata: { name: sim, project: p1 }
spec:
  workload: train
  command: [train]
  resources: { gpus: 1 }
  duration: 1m
  placement: { sites: [sim-paris] }
`;

describe('the hardened HTTP edge', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: string;
  let tenantId: string;
  let jobId: string;

  beforeAll(async () => {
    factory = await startTestFactory({
      limits: { ...DEFAULT_EDGE_LIMITS, requestTimeoutMs: 1500, heartbeatMs: 200 },
    });
    call = api(factory.url);
    ({ tenantId, key: owner } = await createOwner(call, factory.adminKey, 'edge-co'));
    const job = await call('POST', '/v1/jobs', {
      key: owner,
      body: SIM_JOB,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'edge-1' },
    });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    jobId = job.body['id'] as string;
  }, 60_000);

  afterAll(async () => {
    await factory?.close();
  });

  it('cuts a body trickled a byte at a time with a 408 problem+json', async () => {
    const body = JSON.stringify({ name: 'slow' });
    const head = `POST /v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${factory.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const started = Date.now();
    const answer = await rawExchange(factory.url, [head, ...body.split('')], 400);
    expect(answer).toMatch(/^HTTP\/1.1 408/);
    expect(answer).toContain('application/problem+json');
    expect(answer).toContain('USINE_REQUEST_TIMEOUT');
    // cut long before the 16 bytes × 400 ms the trickle would take
    expect(Date.now() - started).toBeLessThan(16 * 400);
    const tenants = await call('GET', '/v1/tenants', { key: factory.adminKey });
    expect(JSON.stringify(tenants.body)).not.toContain('slow');
  });

  it('answers the router’s and the parser’s own errors as problem+json', async () => {
    const bad = await rawExchange(factory.url, [
      'GET /v1/jobs/%E2%82 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ]);
    expect(bad).toMatch(/^HTTP\/1.1 400/);
    expect(bad).toContain('application/problem+json');
    const long = await call('GET', `/v1/jobs/${'a'.repeat(5000)}`, { key: owner });
    expect(long.status).toBe(414);
    expect(long.headers.get('content-type')).toContain('application/problem+json');
    const huge = await rawExchange(factory.url, [
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(64 * 1024)}\r\n\r\n`,
    ]);
    expect(huge).toMatch(/^HTTP\/1.1 431/);
    expect(huge).toContain('USINE_HEADERS_TOO_LARGE');
    const garbage = await rawExchange(factory.url, ['HELLO\r\n\r\n']);
    expect(garbage).toMatch(/^HTTP\/1.1 400/);
    expect(garbage).toContain('application/problem+json');
    const missing = await call('GET', '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const badJson = await call('POST', '/v1/tenants', {
      key: factory.adminKey,
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a NUL or a lone surrogate with a 422 naming the field, in bodies, specs and paths', async () => {
    const tenant = await call('POST', '/v1/tenants', {
      key: factory.adminKey,
      body: '{"name":"a\\u0000b"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(tenant.status).toBe(422);
    expect(tenant.body).toMatchObject({ code: 'USINE_INVALID_TEXT', errors: [{ path: 'name' }] });
    const spec = await call('POST', '/v1/jobs', {
      key: owner,
      body: JSON.stringify({
        apiVersion: 'usine/v1',
        kind: 'Job',
        metadata: { name: 'x', labels: { team: 'PLACEHOLDER' } },
        spec: { command: ['x'], resources: { gpus: 1 }, duration: '1h' },
      }).replace('PLACEHOLDER', '\\ud800'),
      headers: { 'content-type': 'application/json', 'idempotency-key': 'surrogate' },
    });
    expect(spec.status).toBe(422);
    expect((spec.body['errors'] as { path: string }[])[0]?.path).toBe('metadata.labels.team');
    const path = await call('GET', '/v1/jobs/a%00b', { key: owner });
    expect(path.status).toBe(422);
    expect(path.body).toMatchObject({ code: 'USINE_INVALID_TEXT', errors: [{ path: 'id' }] });
  });

  it('range-checks numbers and dates before the database: 4xx, never a 500', async () => {
    const usage = (data: Record<string, unknown>) =>
      call('POST', '/v1/usage', {
        key: factory.adminKey,
        json: [
          {
            id: `u-${JSON.stringify(data)}`,
            source: 'edge',
            type: 'usine.usage.v1',
            data: {
              job: jobId,
              site: 'sim-paris',
              gpuModel: 'H100',
              gpus: 1,
              start: '2026-01-01T00:00:00Z',
              end: '2026-01-01T01:00:00Z',
              ...data,
            },
          },
        ],
      });
    const answers = [
      await usage({ gpus: 100000, start: '1970-01-01T00:00:00Z', end: '9999-12-31T00:00:00Z' }),
      await usage({ end: '+275760-09-13T00:00:00.000Z' }),
      await usage({ start: '275760-09-13T00:00:00Z' }),
      await usage({ energyWh: '1'.repeat(400) }),
      await call('PUT', '/v1/budgets/tenant', { key: owner, json: { limit: { gpuHours: 1e308 } } }),
      await call('GET', '/v1/usage?from=275760-09-13T00:00:00Z', { key: owner }),
      await call('GET', '/v1/usage?from=2026-02-30T00:00:00Z', { key: owner }),
    ];
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    }
  });

  it('checks the query against the route’s schema: limit=abc and a repeated label are 400s', async () => {
    for (const query of ['limit=abc', 'label=a%3D1&label=b%3D2', 'limit=0', 'status=nope']) {
      const answer = await call('GET', `/v1/jobs?${query}`, { key: owner });
      expect(answer.status, query).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await call('GET', '/v1/jobs?limit=5', { key: owner })).status).toBe(200);
  });

  it('refuses a Last-Event-ID that is not an event id, instead of hanging', async () => {
    for (const id of ['3.5', '1e400', '2147483648', '-1', 'abc']) {
      const answer = await call('GET', `/v1/jobs/${jobId}/events`, {
        key: owner,
        headers: { 'last-event-id': id },
      });
      expect(answer.status, id).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('sends a heartbeat comment on a quiet event stream', async () => {
    const queued = await call('POST', '/v1/jobs', {
      key: owner,
      // a thousand hours at an hour a second: it runs, quietly, for the whole test
      body: SIM_JOB.replace('duration: 1m', 'duration: 1000h').replace('name: sim', 'name: long'),
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'quiet-1' },
    });
    expect(queued.status, JSON.stringify(queued.body)).toBe(201);
    const abort = new AbortController();
    const response = await fetch(new URL(`/v1/jobs/${queued.body['id'] as string}/events`, factory.url), {
      headers: { authorization: `Bearer ${owner}`, 'last-event-id': '1000' },
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += new TextDecoder().decode(chunk.value);
      if (text.includes(': heartbeat')) break;
    }
    abort.abort();
    expect(text).toContain(': heartbeat\n\n');
  });

  it('scopes an Idempotency-Key to the project: p2 replaying p1’s key gets a job of its own', async () => {
    const memberOf = async (project: string) =>
      (await call('POST', `/v1/tenants/${tenantId}/keys`, { key: owner, json: { role: 'member', project } }))
        .body['key'] as string;
    const [p1, p2] = [await memberOf('p1'), await memberOf('p2')];
    const send = (key: string) =>
      call('POST', '/v1/jobs', {
        key,
        body: JOB_YAML('same', undefined, '').replace(
          'placement: { sites: [local] }',
          'placement: { sites: [sim-paris] }',
        ),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': 'shared-key' },
      });
    const first = await send(p1);
    expect(first.status).toBe(201);
    const second = await send(p2);
    expect(second.status).toBe(201);
    expect(second.body['id']).not.toBe(first.body['id']);
    expect(second.body['project']).toBe('p2');
    expect((await send(p1)).body['id']).toBe(first.body['id']);
  });

  it('answers X-Request-Id (the caller’s when sound), nosniff everywhere and a CSP on HTML', async () => {
    const mine = await call('GET', '/healthz', { headers: { 'x-request-id': 'trace-42' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-42');
    expect(mine.headers.get('x-content-type-options')).toBe('nosniff');
    const bad = await call('GET', '/healthz', { headers: { 'x-request-id': 'a b<script>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const invoices = await call('GET', '/v1/invoices', { key: owner });
    const invoice = (invoices.body.items as { id: string }[])[0];
    if (invoice) {
      const html = await call('GET', `/v1/invoices/${invoice.id}?format=html`, { key: owner });
      expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
    const stream = await call('GET', `/v1/jobs/${jobId}/logs`, { key: owner });
    expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('/metrics behind a key', () => {
  it('answers 401 problem+json without the configured key, and the metrics with it', async () => {
    const factory = await startTestFactory({ metricsKey: 'scrape-secret' });
    try {
      const call = api(factory.url);
      const none = await call('GET', '/metrics');
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toContain('application/problem+json');
      expect((await call('GET', '/metrics', { key: 'wrong' })).status).toBe(401);
      const ok = await call('GET', '/metrics', { key: 'scrape-secret' });
      expect(ok.status).toBe(200);
      expect(String(ok.body)).toContain('usine_');
    } finally {
      await factory.close();
    }
  }, 60_000);
});
