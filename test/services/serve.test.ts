import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { prepareReplicaCommand } from '../fixtures/replica-command.js';
import { runUsine } from '../support/run-cli.js';
import { deleteServiceAndWait } from './stop-replicas.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let command: readonly string[] = [];
const SERVICE = (name: string, site: string, extra = '') => `apiVersion: usine/v1
kind: Service
metadata: { name: ${name} }
spec:
  command: ${JSON.stringify(command)}
  resources: { gpus: 1 }
  replicas: { min: 1, max: 2 }
  readiness: { path: /health, intervalSeconds: 1 }
  endpoint: { auth: keys, openai: true }
  placement: { sites: [${site}] }
${extra}`;

const CHAT = { model: 'm', messages: [{ role: 'user', content: 'one two three four' }], max_tokens: 5 };

// A Service served end to end: its replicas are jobs placed like any job, run by the fleet agent
// as real processes on loopback ports (or by the simulated site's stand-in), and the server's
// gateway routes /s/<tenant>/<service>/… to the ready ones.
describe('serving a model', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let key = '';
  let otherKey = '';

  beforeAll(async () => {
    command = await prepareReplicaCommand();
    factory = await startTestFactory({ fleet: { heartbeatSeconds: 1, graceSeconds: 60 } });
    call = api(factory.url);
    key = (await createOwner(call, factory.adminKey, 'acme')).key;
    otherKey = (await createOwner(call, factory.adminKey, 'globex')).key;
  });
  afterAll(async () => {
    for (const name of ['chat', 'sim-chat', 'cli-chat']) await deleteServiceAndWait(factory.url, key, name);
    await factory?.close();
  });

  const serve = (yaml: string, idempotencyKey = `serve-${Math.random()}`) =>
    call('POST', '/v1/services', {
      key,
      body: yaml,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': idempotencyKey },
    });

  /** GET the service until `done` says so (at most ~60 s); returns the last view. */
  async function waitFor(name: string, done: (view: Record<string, unknown>) => boolean) {
    let view: Record<string, unknown> = {};
    for (let i = 0; i < 600; i++) {
      view = (await call('GET', `/v1/services/${name}`, { key })).body;
      if (done(view)) return view;
      await sleep(100);
    }
    throw new Error(`service ${name} never got there: ${JSON.stringify(view)}`);
  }
  const readyCount = (view: Record<string, unknown>) => (view['replicas'] as { ready: number }).ready;

  it('serves a Service on the local site: a real replica process behind the gateway', async () => {
    const created = await serve(SERVICE('chat', 'local'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'chat',
      revision: 1,
      replicas: { desired: 1, min: 1, max: 2 },
    });
    const url = (created.body['endpoint'] as { url: string }).url;
    expect(url).toBe(`${factory.url}/s/acme/chat`);

    const view = await waitFor('chat', (v) => readyCount(v) === 1);
    const [replica] = (view['replicas'] as { items: Record<string, unknown>[] }).items;
    expect(replica).toMatchObject({ status: 'running', site: 'local', ready: true, simulated: false });
    expect(String(replica?.['endpoint'])).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const answer = await call('POST', '/s/acme/chat/v1/chat/completions', { key, json: CHAT });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      object: 'chat.completion',
      usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 },
    });
  });

  it('answers the same service again for the same spec, and 409 for another spec under its name', async () => {
    const again = await serve(SERVICE('chat', 'local'));
    expect(again.status).toBe(200);
    const other = await serve(SERVICE('chat', 'sim-paris'));
    expect(other.status).toBe(409);
    expect(other.body['detail']).toMatch(/usine apply/);
  });

  it('streams a streamed answer chunk by chunk, as the replica wrote it', async () => {
    const response = await fetch(`${factory.url}/s/acme/chat/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...CHAT, stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await response.text();
    const events = text.split('\n\n').filter((e) => e.startsWith('data: '));
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.filter((e) => e.includes('"delta":{"content"'))).toHaveLength(5);
  });

  it("refuses a call without a key (401) and with another tenant's key (403)", async () => {
    const none = await call('POST', '/s/acme/chat/v1/chat/completions', { json: CHAT });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/problem\+json/);
    const other = await call('POST', '/s/acme/chat/v1/chat/completions', { key: otherKey, json: CHAT });
    expect(other.status).toBe(403);
    const unknown = await call('GET', '/s/acme/nothing/v1/models', { key });
    expect(unknown.status).toBe(404);
  });

  it('scales to two replicas, both ready and taking turns', async () => {
    const scaled = await call('POST', '/v1/services/chat/scale', { key, json: { replicas: 2 } });
    expect(scaled.status).toBe(200);
    expect(scaled.body).toMatchObject({ replicas: { desired: 2 } });
    await waitFor('chat', (v) => readyCount(v) === 2);
    const tooMany = await call('POST', '/v1/services/chat/scale', { key, json: { replicas: 3 } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body['detail']).toMatch(/from 0 to 2/);
  });

  it('serves on a simulated site with the built-in stand-in, labelled simulated', async () => {
    const created = await serve(SERVICE('sim-chat', 'sim-paris'));
    expect(created.status).toBe(201);
    const view = await waitFor('sim-chat', (v) => readyCount(v) === 1);
    expect((view['replicas'] as { items: Record<string, unknown>[] }).items[0]).toMatchObject({
      site: 'sim-paris',
      simulated: true,
    });
    const answer = await call('POST', '/s/acme/sim-chat/v1/chat/completions', { key, json: CHAT });
    expect(answer.body).toMatchObject({ model: 'simulated-sim-paris', usage: { completion_tokens: 5 } });
  });

  it('is driven from the CLI: serve, services, service, scale, delete service', async () => {
    const usine = (args: string[]) =>
      runUsine(args, { env: { USINE_URL: factory.url, USINE_API_KEY: key, HOME: factory.dataDir } });
    const file = join(mkdtempSync(join(tmpdir(), 'usine-serve-')), 'cli-chat.yaml');
    writeFileSync(file, SERVICE('cli-chat', 'sim-paris'));
    const served = await usine(['serve', file]);
    expect(served, served.stderr).toMatchObject({ code: 0 });
    expect(served.stdout).toBe(`service cli-chat created: ${factory.url}/s/acme/cli-chat\n`);
    expect((await usine(['serve', file])).stdout).toMatch(/already served with this spec/);
    const listed = await usine(['services']);
    expect(listed.stdout).toMatch(/^NAME\s+PROJECT\s+REV\s+READY/);
    expect(listed.stdout).toMatch(/\ncli-chat\s+default\s+1\s+\d\/1/);
    await waitFor('cli-chat', (v) => readyCount(v) === 1);
    const shown = await usine(['service', 'cli-chat']);
    expect(shown.stdout).toMatch(/replicas: {2}1 ready of 1 wanted \(min 1, max 2\)/);
    expect(shown.stdout).toMatch(/sim-paris \(simulated\)/);
    expect((await usine(['scale', 'cli-chat', '2'])).stdout).toBe('service cli-chat scaled to 2\n');
    expect((await usine(['scale', 'cli-chat', '9'])).code).toBe(1);
    expect((await usine(['delete', 'service', 'cli-chat'])).stdout).toBe('service cli-chat deleted\n');
    expect((await usine(['service', 'cli-chat'])).code).toBe(3);
    const invalid = join(mkdtempSync(join(tmpdir(), 'usine-serve-')), 'bad.yaml');
    writeFileSync(invalid, SERVICE('bad', 'local').replace('max: 2', 'max: 0'));
    const refused = await usine(['serve', invalid]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `  ${invalid}:7:28: spec.replicas.max: must be a whole number from 1 to 1000`,
    );
  });

  it('deletes a service: the gateway stops routing to it and its replicas are stopped', async () => {
    const before = await call('GET', '/v1/services/chat', { key });
    const items = (before.body['replicas'] as { items: { job: string; endpoint: string }[] }).items;
    const jobs = items.map((i) => i.job);
    const deleted = await call('DELETE', '/v1/services/chat', { key });
    expect(deleted.status).toBe(200);
    expect(deleted.body['state']).toBe('deleted');
    expect((await call('GET', '/v1/services/chat', { key })).status).toBe(404);
    // every server's gateway reads the services again within its refresh period (250 ms)
    let routed = 200;
    for (let i = 0; i < 50 && routed !== 404; i++) {
      await sleep(100);
      routed = (await call('POST', '/s/acme/chat/v1/chat/completions', { key, json: CHAT })).status;
    }
    expect(routed).toBe(404);
    for (const job of jobs) {
      expect((await call('GET', `/v1/jobs/${job}`, { key })).body['status']).toBe('cancelled');
    }
    // and their processes end (the agent stops them at its next heartbeat)
    const isUp = (endpoint: string) =>
      fetch(`${endpoint}/health`).then(
        () => true,
        () => false,
      );
    for (const { endpoint } of items) {
      for (let i = 0; i < 100 && (await isUp(endpoint)); i++) await sleep(100);
      expect(await isUp(endpoint)).toBe(false);
    }
  });
});
