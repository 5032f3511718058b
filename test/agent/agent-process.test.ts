import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, JOB_YAML, startTestFactory } from '../server/factory-fixture.js';
import { runUsine } from '../support/run-cli.js';
import { spawnUsineCommand } from '../support/spawn-usine.js';

// A real control plane (its own agents off) and real `usine agent` processes on loopback:
// the fleet protocol end to end, kill -9 included.
function useFleet(fleet: { heartbeatSeconds: number; graceSeconds: number }) {
  const fleetState = {} as {
    factory: Awaited<ReturnType<typeof startTestFactory>>;
    call: ReturnType<typeof api>;
    key: string;
    tokenFile: string;
  };
  const root = mkdtempSync(join(tmpdir(), 'usine-agents-'));
  // jobs may run as users of their own (the agent runs as root): their marker files go where any user writes
  const markers = mkdtempSync(join(tmpdir(), 'usine-markers-'));
  chmodSync(markers, 0o1777);
  const children = new Set<ChildProcess>();
  let stderr = '';

  beforeAll(async () => {
    fleetState.factory = await startTestFactory({ embeddedAgents: false, fleet });
    fleetState.call = api(fleetState.factory.url);
    fleetState.key = (await createOwner(fleetState.call, fleetState.factory.adminKey, 'acme')).key;
    fleetState.tokenFile = join(root, 'site.key');
    const siteKey = await fleetState.call('POST', '/v1/keys', {
      key: fleetState.factory.adminKey,
      json: { role: 'agent', site: 'local' },
    });
    expect(siteKey.status, JSON.stringify(siteKey.body)).toBe(201);
    writeFileSync(fleetState.tokenFile, `${siteKey.body['key'] as string}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await fleetState.factory?.close();
  });

  const call: ReturnType<typeof api> = (...args) => fleetState.call(...args);

  async function startAgent(node: string, workDir = join(root, node)) {
    const { child } = await spawnUsineCommand(
      [
        'agent',
        ...['--server', fleetState.factory.url, '--site', 'local', '--token-file', fleetState.tokenFile],
        ...['--node', node, '--work-dir', workDir, '--virtual-gpus', 'L40S:48:2', '--nvidia-smi', 'none'],
      ],
      /runs node/,
      { onStderr: (chunk) => (stderr += chunk.toString()) },
    );
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  }

  async function submit(name: string, script: string): Promise<string> {
    const command = JSON.stringify([process.execPath, '-e', script]);
    const submitted = await call('POST', '/v1/jobs', {
      key: fleetState.key,
      body: JOB_YAML(name, command),
      headers: { 'content-type': 'application/yaml', 'idempotency-key': `${name}-${Date.now()}` },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    return submitted.body['id'] as string;
  }

  async function waitForJob(id: string, done: (job: Record<string, unknown>) => boolean, seconds = 60) {
    let job: Record<string, unknown> = {};
    for (let i = 0; i < seconds * 5; i++) {
      job = (await call('GET', `/v1/jobs/${id}`, { key: fleetState.key })).body;
      if (done(job)) return job;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`job ${id} never got there: ${job['status']} ${job['reason']}\n${stderr}`);
  }

  async function listNodes() {
    return (await call('GET', '/v1/nodes', { key: fleetState.key })).body.items as Record<string, unknown>[];
  }

  const jobCall = (path: string) => call('GET', path, { key: fleetState.key });
  const admin = () => fleetState.factory.adminKey;
  return {
    call,
    admin,
    owner: () => fleetState.key,
    url: () => fleetState.factory.url,
    root,
    markers,
    startAgent,
    submit,
    waitForJob,
    listNodes,
    jobCall,
  };
}

/** A job that counts its real starts in a marker file, then works for `ms`. */
function countedJob(marker: string, ms: number): string {
  return (
    `const fs = require('node:fs'); fs.appendFileSync(${JSON.stringify(marker)}, 'start\\n');` +
    `console.log('working'); setTimeout(() => { console.log('done'); ` +
    `fs.appendFileSync(${JSON.stringify(marker)}, 'end\\n'); }, ${ms});`
  );
}

describe('usine agent', () => {
  const fleet = useFleet({ heartbeatSeconds: 1, graceSeconds: 60 });

  it('registers its node, runs a launch, and ships its output to the control plane', async () => {
    const agent = await fleet.startAgent('n1');
    expect((await fleet.listNodes()).find((n) => n['name'] === 'n1')).toMatchObject({
      site: 'local',
      state: 'ready',
    });
    const id = await fleet.submit('hello', "console.log('hello from an agent')");
    const job = await fleet.waitForJob(id, (j) => j['status'] === 'succeeded');
    expect(job).toMatchObject({ exitCode: 0, allocation: { nodes: [{ node: 'n1' }] } });
    expect((await fleet.jobCall(`/v1/jobs/${id}/logs`)).body).toContain('hello from an agent');
    const env = { USINE_URL: fleet.url(), USINE_API_KEY: fleet.owner() };
    const nodes = await runUsine(['nodes'], { env });
    expect(nodes.code, nodes.stderr).toBe(0);
    expect(nodes.stdout).toMatch(/^local +n1 +2×L40S \(virtual\) +ready +\d+s ago +-$/m);
    const json = await runUsine(['nodes', '--json'], { env });
    expect(JSON.parse(json.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ site: 'local', name: 'n1', running: [] })]),
    );
    agent.kill('SIGKILL');
  }, 120_000);

  it('takes agent work only from the site’s agent credential, and bad bodies with field paths', async () => {
    const register = (key: string, site: string, json: Record<string, unknown> = {}) =>
      fleet.call('POST', '/v1/agent/register', {
        key,
        json: {
          site,
          node: 'x1',
          agentId: 'agt_test',
          agentVersion: 'test',
          inventory: { gpus: [], cpus: 1, memoryMiB: 1024 },
          ...json,
        },
      });
    const simKey = await fleet.call('POST', '/v1/keys', {
      key: fleet.admin(),
      json: { role: 'agent', site: 'sim-paris' },
    });
    const other = simKey.body['key'] as string;
    expect((await register(fleet.owner(), 'local')).status).toBe(403);
    expect((await register(fleet.admin(), 'local')).status).toBe(403);
    const foreign = await register(other, 'local');
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(foreign.body['detail']).toMatch(/acts for site sim-paris, not local/);
    expect((await register(other, 'sim-paris')).body).toMatchObject({ status: 404, code: 'USINE_NOT_FOUND' });
    const bad = await register(other, 'sim-paris', {
      inventory: { gpus: [{ index: -1 }], cpus: 1, memoryMiB: 1 },
    });
    expect(bad.status).toBe(400);
    expect((bad.body['errors'] as { path: string }[]).map((e) => e.path)).toContain(
      'inventory.gpus[0].index',
    );
    expect((await fleet.call('GET', '/v1/jobs', { key: other })).status).toBe(403);
  }, 60_000);

  it('adopts the job it ran after a kill -9 and a restart, without starting it twice', async () => {
    let agent = await fleet.startAgent('n1');
    const marker = join(fleet.markers, 'adopt.marker');
    const id = await fleet.submit('adopt', countedJob(marker, 6_000));
    await fleet.waitForJob(id, (j) => j['status'] === 'running' && j['startedAt'] !== null);
    agent.kill('SIGKILL');
    agent = await fleet.startAgent('n1');
    const job = await fleet.waitForJob(id, (j) => j['status'] === 'succeeded');
    expect(job['exitCode']).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('start\nend\n');
    expect((await fleet.jobCall(`/v1/jobs/${id}/logs`)).body).toBe('working\ndone\n');
    agent.kill('SIGTERM');
  }, 120_000);
});

describe('usine agent on a host that disappears', () => {
  const fleet = useFleet({ heartbeatSeconds: 1, graceSeconds: 3 });

  it('loses the jobs of a host that stops heartbeating, and stops them when it comes back', async () => {
    const agent = await fleet.startAgent('n3');
    const marker = join(fleet.markers, 'frozen.marker');
    const id = await fleet.submit('frozen', countedJob(marker, 60_000));
    await fleet.waitForJob(id, (j) => j['status'] === 'running' && j['startedAt'] !== null);
    agent.kill('SIGSTOP'); // the host is gone: no heartbeat, no report
    const job = await fleet.waitForJob(id, (j) => j['status'] === 'failed');
    expect(job['reason']).toMatch(/^lost: node n3 unreachable since \d{4}-\d\d-\d\dT/);
    expect((await fleet.listNodes()).find((n) => n['name'] === 'n3')).toMatchObject({ state: 'unreachable' });
    agent.kill('SIGCONT'); // back: its next heartbeat is told to stop what was declared lost
    const stopped = join(fleet.root, 'n3', 'jobs', id, 'exit.json');
    for (let i = 0; i < 150 && !existsSync(stopped); i++) await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(stopped)).toBe(true);
    expect(readFileSync(marker, 'utf8')).toBe('start\n');
    agent.kill('SIGTERM');
  }, 120_000);
});
