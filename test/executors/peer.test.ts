import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeJob } from '../../src/cli/commands/jobs.js';
import type { JobView } from '../../src/api/schemas.js';
import { ORIGIN_JOB_LABEL } from '../../src/domain/jobs/labels.js';
import { api, createOwner, startTestFactory, TEST_CATALOG } from '../server/factory-fixture.js';

type Factory = Awaited<ReturnType<typeof startTestFactory>>;
type Call = ReturnType<typeof api>;

/** A's catalog: the test catalog plus `lyon-peer`, which is factory B (pinned to B's `local` site). */
function originCatalog(peerUrl: string, keyFile: string): string {
  return `${TEST_CATALOG}---
apiVersion: usine/v1
kind: Site
metadata: { name: lyon-peer }
spec:
  provider: self
  location: { country: FR }
  pue: 1.4
  backend: { type: peer, url: "${peerUrl}", tokenFile: "${keyFile}", partition: local }
  capacity:
    - { gpuModel: L40S, gpuMemoryGiB: 48, gpusPerNode: 2, nodes: 1, boardPowerW: 350 }
    - { gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 1, boardPowerW: 700 }
  offerings:
    - { gpuModel: L40S, kind: on-demand, pricePerGpuHour: "0 EUR" }
    - { gpuModel: H100, kind: on-demand, pricePerGpuHour: "0 EUR" }
`;
}

const node = (script: string) => JSON.stringify([process.execPath, '-e', script]);

function jobYaml(name: string, script: string, resources: string, placement: string): string {
  return `apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec:
  workload: dev
  command: ${node(script)}
  resources: ${resources}
  duration: 1m
  placement: ${placement}
`;
}

async function submit(call: Call, key: string, yaml: string, idem: string): Promise<string> {
  const r = await call('POST', '/v1/jobs', {
    key,
    body: yaml,
    headers: { 'content-type': 'application/yaml', 'idempotency-key': idem },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body['id'] as string;
}

async function waitFor(
  call: Call,
  key: string,
  id: string,
  wanted: (job: Record<string, unknown>) => boolean,
  seconds = 20,
): Promise<Record<string, unknown>> {
  let job: Record<string, unknown> = {};
  for (let i = 0; i < seconds * 20; i += 1) {
    job = (await call('GET', `/v1/jobs/${id}`, { key })).body;
    if (wanted(job)) return job;
    await sleep(50);
  }
  throw new Error(`job ${id} stayed ${String(job['status'])}: ${String(job['reason'])}`);
}

const FINAL = ['succeeded', 'failed', 'cancelled', 'unplaceable'];
const isFinal = (job: Record<string, unknown>) => FINAL.includes(String(job['status']));

async function peerJobOf(callB: Call, keyB: string, originId: string): Promise<Record<string, unknown>[]> {
  const page = await callB('GET', `/v1/jobs?label=${encodeURIComponent(`${ORIGIN_JOB_LABEL}=${originId}`)}`, {
    key: keyB,
  });
  return (page.body.items ?? []) as Record<string, unknown>[];
}

describe('two federated Usine servers (A sends work to its peer B)', () => {
  let b: Factory;
  let a: Factory;
  let callA: Call;
  let callB: Call;
  let keyA: string;
  let keyB: string;
  let catalogA: string;

  beforeAll(async () => {
    b = await startTestFactory();
    callB = api(b.url);
    keyB = (await createOwner(callB, b.adminKey, 'factory-a')).key;
    const keyFile = join(mkdtempSync(join(tmpdir(), 'usine-peer-key-')), 'b.key');
    writeFileSync(keyFile, `${keyB}\n`, { mode: 0o600 });
    catalogA = originCatalog(b.url, keyFile);
    a = await startTestFactory({ catalogText: catalogA });
    callA = api(a.url);
    keyA = (await createOwner(callA, a.adminKey, 'acme')).key;
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('runs a job submitted to A with prefer: [B-site] on B, with its logs at A', async () => {
    const id = await submit(
      callA,
      keyA,
      jobYaml(
        'to-b',
        "console.log('ran on the peer')",
        '{ gpus: 1, gpuModels: [L40S] }',
        '{ prefer: [lyon-peer] }',
      ),
      'peer-run',
    );
    const done = await waitFor(callA, keyA, id, isFinal);
    expect(done).toMatchObject({ status: 'succeeded', site: 'lyon-peer', exitCode: 0 });
    const [remote] = await peerJobOf(callB, keyB, id);
    expect(remote).toMatchObject({ status: 'succeeded', site: 'local' });
    // B's own explanation is kept at A, beside A's
    expect(done['placement']).toMatchObject({
      decision: { site: 'lyon-peer' },
      remote: { job: remote?.['id'], site: 'local', placement: { decision: { site: 'local' } } },
    });
    const logs = await callA('GET', `/v1/jobs/${id}/logs`, { key: keyA });
    expect(String(logs.body)).toContain('ran on the peer');
  });

  it("reports B's refusal at A with B's reasons", async () => {
    // A's catalog says the peer has H100s; B's own site there has none: B refuses
    const id = await submit(
      callA,
      keyA,
      jobYaml(
        'no-h100-there',
        "console.log('never')",
        '{ gpus: 1, gpuModels: [H100] }',
        '{ sites: [lyon-peer] }',
      ),
      'peer-refused',
    );
    const done = await waitFor(callA, keyA, id, isFinal);
    expect(done['status']).toBe('failed');
    expect(String(done['reason'])).toMatch(/refused by the peer .*: no feasible site: local \(/);
    const [remote] = await peerJobOf(callB, keyB, id);
    expect(remote?.['status']).toBe('unplaceable');
    const rejected = (done['placement'] as { remote: { placement: { rejected: unknown[] } } }).remote
      .placement.rejected;
    expect(rejected).toContainEqual(expect.objectContaining({ site: 'local', reasons: expect.any(Array) }));
    // usine job ID says it too
    expect(describeJob(done as unknown as JobView, new Date())).toMatch(
      /at peer: +\S+ job \S+\n {2}rejected there: local: [A-Z_]+ \(/,
    );
  });

  it('cancels at B what is cancelled at A', async () => {
    const id = await submit(
      callA,
      keyA,
      jobYaml(
        'long-on-b',
        'setTimeout(() => {}, 30000)',
        '{ gpus: 1, gpuModels: [L40S] }',
        '{ sites: [lyon-peer] }',
      ),
      'peer-cancel',
    );
    await waitFor(callA, keyA, id, (j) => j['status'] === 'running');
    const [remote] = await peerJobOf(callB, keyB, id);
    await waitFor(callB, keyB, String(remote?.['id']), (j) => j['status'] === 'running');
    expect((await callA('POST', `/v1/jobs/${id}/cancel`, { key: keyA })).status).toBeLessThan(300);
    await waitFor(callA, keyA, id, isFinal);
    const atB = await waitFor(callB, keyB, String(remote?.['id']), isFinal);
    expect(atB['status']).toBe('cancelled');
  });

  it('re-adopts a job running at B when A restarts mid-run, and never submits it twice', async () => {
    const id = await submit(
      callA,
      keyA,
      jobYaml(
        'survives-a',
        "setTimeout(() => console.log('finished at B'), 3000)",
        '{ gpus: 1, gpuModels: [L40S] }',
        '{ sites: [lyon-peer] }',
      ),
      'peer-restart',
    );
    await waitFor(callA, keyA, id, (j) => j['status'] === 'running');
    const dataDir = a.dataDir;
    await a.close();
    a = await startTestFactory({ dataDir, catalogText: catalogA });
    callA = api(a.url);
    const done = await waitFor(callA, keyA, id, isFinal);
    expect(done['status']).toBe('succeeded');
    const remotes = await peerJobOf(callB, keyB, id);
    expect(remotes).toHaveLength(1);
    expect(remotes[0]?.['status']).toBe('succeeded');
  });
});
