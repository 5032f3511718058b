import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsineApiError, UsineClient } from '../../src/sdk/usine-client.js';
import { api, createOwner, JOB_YAML, startTestFactory } from '../server/factory-fixture.js';

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

describe('a followed stream whose server is gone, or says no', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let key: string;

  beforeAll(async () => {
    factory = await startTestFactory({ embeddedAgents: false });
    key = (await createOwner(api(factory.url), factory.adminKey, 'acme')).key;
  }, 120_000);

  afterAll(async () => {
    await factory?.close();
  });

  it('tries again with growing delays, then gives up with the last error once the server stayed unreachable', async () => {
    const client = new UsineClient({ url: 'http://127.0.0.1:9', apiKey: key });
    const delays: number[] = [];
    const gone = drain(
      client.streamEvents('job_x', { giveUpAfterMs: 1200, onRetry: (_problem, delay) => delays.push(delay) }),
    );
    await expect(gone).rejects.toThrow(/fetch failed/);
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(delays[1]).toBe(2 * (delays[0] ?? 0));
  });

  it('does not retry a refusal: an unknown job is a 404 at once', async () => {
    const client = new UsineClient({ url: factory.url, apiKey: key });
    const retries: string[] = [];
    const refused = drain(
      client.streamLogs('job_nope', true, { onRetry: (problem) => retries.push(problem) }),
    );
    await expect(refused).rejects.toBeInstanceOf(UsineApiError);
    expect(retries).toEqual([]);
  });

  it('leaves nothing behind on the server per stream: a hundred streams, no listener leak', async () => {
    const call = api(factory.url);
    const job = await call('POST', '/v1/jobs', {
      key,
      body: JOB_YAML('quiet'),
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'leak-1' },
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const client = new UsineClient({ url: factory.url, apiKey: key });
      for (let i = 0; i < 100; i++) await drain(client.streamLogs(job.body['id'] as string, false));
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
