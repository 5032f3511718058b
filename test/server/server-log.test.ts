import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, JOB_YAML, startTestFactory } from './factory-fixture.js';

type Line = Record<string, unknown> & { level: number; msg: string };

/** The server's log at `info`, as `usine up` writes it, kept line by line. */
function captureLog(): { stream: Writable; lines: () => Line[]; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Line),
  };
}

const WARN = 40;

describe('the server log at info', () => {
  const log = captureLog();
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let owner: { tenantId: string; key: string };
  let call: ReturnType<typeof api>;
  let done: string;
  let unplaceable: string;

  beforeAll(async () => {
    factory = await startTestFactory({ logger: { level: 'info', stream: log.stream } });
    call = api(factory.url);
    owner = await createOwner(call, factory.adminKey, 'acme');
    const submitted = await call('POST', '/v1/jobs', {
      key: owner.key,
      body: JOB_YAML('hello'),
      headers: {
        'content-type': 'application/yaml',
        'idempotency-key': 'log-1',
        'x-request-id': 'req-submit-1',
      },
    });
    done = submitted.body['id'] as string;
    const big = await call('POST', '/v1/jobs', {
      key: owner.key,
      body: JOB_YAML('too-big').replace('gpus: 0.5', 'gpus: 64'),
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'log-2' },
    });
    unplaceable = big.body['id'] as string;
    for (let i = 0; i < 300; i++) {
      const job = await call('GET', `/v1/jobs/${done}`, { key: owner.key });
      if (job.body['status'] === 'succeeded' || job.body['status'] === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    await factory?.close();
  });

  it('writes one line per request with its request id, tenant, key id and role', () => {
    const request = log
      .lines()
      .find((l) => l.msg === 'request' && l['route'] === '/v1/jobs' && l['requestId'] === 'req-submit-1');
    expect(request).toMatchObject({ method: 'POST', status: 201, tenantId: owner.tenantId, role: 'owner' });
    expect(request?.['keyId']).toEqual(expect.any(String));
  });

  it('tells each transition of a job with its tenant and site, the submission with its request id', () => {
    const moves = log.lines().filter((l) => l['jobId'] === done);
    expect(moves[0]).toMatchObject({ requestId: 'req-submit-1', tenantId: owner.tenantId });
    const statuses = moves.map((l) => l['status']);
    expect(statuses).toEqual(expect.arrayContaining(['admitted', 'running', 'succeeded']));
    expect(moves.find((l) => l['status'] === 'running')).toMatchObject({
      site: 'local',
      tenantId: owner.tenantId,
    });
    expect(moves.find((l) => l['status'] === 'succeeded')).toMatchObject({ exitCode: 0 });
  });

  it('warns of a job that cannot run, with its reason', () => {
    const line = log.lines().find((l) => l['jobId'] === unplaceable);
    expect(line).toMatchObject({ level: WARN, status: 'unplaceable', tenantId: owner.tenantId });
    expect(String(line?.['reason'])).not.toBe('');
  });

  it('never writes a secret: not the admin key, a tenant key, the agent credential or the audit key', () => {
    const text = log.text();
    const agentKey = readFileSync(join(factory.dataDir, 'agent-local.key'), 'utf8').trim();
    const auditKey = readFileSync(join(factory.dataDir, 'audit.key'), 'utf8').trim();
    for (const secret of [factory.adminKey, owner.key, agentKey, auditKey]) {
      expect(secret.length).toBeGreaterThan(16);
      expect(text).not.toContain(secret);
    }
    // the agent's own requests are there, with its site and no key; its polling is not (debug)
    const agent = log.lines().filter((l) => l['role'] === 'agent');
    expect(agent.some((l) => l['site'] === 'local' && l['route'] === '/v1/agent/register')).toBe(true);
    expect(agent.filter((l) => l['route'] === '/v1/agent/claim')).toEqual([]);
  });
});
