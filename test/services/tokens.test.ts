import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { prepareReplicaCommand } from '../fixtures/replica-command.js';
import { deleteServiceAndWait } from './stop-replicas.js';

interface Tokens {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  byKey: { keyId: string; requests: number; promptTokens: number; completionTokens: number }[];
}

// Token metering of an OpenAI-style endpoint: the gateway counts the usage each replica reports
// (streamed answers included, asked for with stream_options.include_usage), per calling key, and
// what it stored equals what the callers were told, exactly.
describe('metering the tokens of a service', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner = { key: '', id: '' };
  let member = { key: '', id: '' };

  beforeAll(async () => {
    const command = await prepareReplicaCommand();
    factory = await startTestFactory({ fleet: { heartbeatSeconds: 1, graceSeconds: 60 } });
    call = api(factory.url);
    const tenant = await createOwner(call, factory.adminKey, 'acme');
    const keys = (await call('GET', '/v1/keys', { key: tenant.key })).body['items'] as { id: string }[];
    owner = { key: tenant.key, id: keys[0]?.id ?? '' };
    const created = await call('POST', `/v1/tenants/${tenant.tenantId}/keys`, {
      key: tenant.key,
      json: { role: 'member', project: 'default' },
    });
    member = { key: created.body['key'] as string, id: created.body['id'] as string };
    const served = await call('POST', '/v1/services', {
      key: owner.key,
      body: `apiVersion: usine/v1
kind: Service
metadata: { name: metered }
spec:
  command: ${JSON.stringify(command)}
  env: { REPLICA_TOKENS: "9" }
  resources: { gpus: 1 }
  readiness: { path: /health, intervalSeconds: 0.5 }
  endpoint: { auth: keys, openai: true }
  placement: { sites: [local] }
`,
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'metered' },
    });
    expect(served.status).toBe(201);
    for (let i = 0; i < 300; i++) {
      const view = (await call('GET', '/v1/services/metered', { key: owner.key })).body;
      if ((view['replicas'] as { ready: number }).ready === 1) break;
      await sleep(100);
    }
  });
  afterAll(async () => {
    await deleteServiceAndWait(factory.url, owner.key, 'metered');
    await factory?.close();
  });

  /** One completion; the usage the caller was told (from the JSON, or from the stream's usage chunk). */
  async function complete(key: string, words: number, stream: boolean, maxTokens: number) {
    const response = await fetch(`${factory.url}/s/acme/metered/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: Array.from({ length: words }, (_, i) => `w${i}`).join(' ') }],
        max_tokens: maxTokens,
        stream,
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    if (!stream) return (JSON.parse(text) as { usage: Record<string, number> }).usage;
    const chunk = text
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)) as { usage?: Record<string, number>; choices: unknown[] })
      .find((c) => c.usage);
    expect(chunk?.choices).toEqual([]);
    return chunk?.usage ?? {};
  }

  it('stores, per key, exactly the tokens the replica reported, streamed answers included', async () => {
    const told = new Map<string, { requests: number; prompt: number; completion: number }>();
    for (let i = 0; i < 60; i++) {
      const who = i % 3 === 0 ? member : owner;
      const usage = await complete(who.key, 1 + (i % 7), i % 2 === 0, 1 + (i % 11));
      const sum = told.get(who.id) ?? { requests: 0, prompt: 0, completion: 0 };
      told.set(who.id, {
        requests: sum.requests + 1,
        prompt: sum.prompt + (usage['prompt_tokens'] ?? NaN),
        completion: sum.completion + (usage['completion_tokens'] ?? NaN),
      });
    }
    const expected = [...told]
      .map(([keyId, t]) => ({
        keyId,
        requests: t.requests,
        promptTokens: t.prompt,
        completionTokens: t.completion,
      }))
      .sort((a, b) => a.keyId.localeCompare(b.keyId));
    let tokens: Tokens | undefined;
    for (let i = 0; i < 50; i++) {
      tokens = (await call('GET', '/v1/services/metered', { key: owner.key })).body['tokens'] as Tokens;
      if (tokens.requests === 60) break;
      await sleep(100);
    }
    expect(tokens?.byKey).toEqual(expected);
    expect(tokens?.promptTokens).toBe(expected.reduce((n, e) => n + e.promptTokens, 0));
    // the stand-in's counts follow from the requests: words of the prompt, min(9, max_tokens)
    expect(expected.reduce((n, e) => n + e.completionTokens, 0)).toBe(
      Array.from({ length: 60 }, (_, i) => Math.min(9, 1 + (i % 11))).reduce((a, b) => a + b, 0),
    );
  });
});
