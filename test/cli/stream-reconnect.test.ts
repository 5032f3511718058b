import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, createOwner, JOB_YAML, startTestFactory } from '../server/factory-fixture.js';
import { runUsine } from '../support/run-cli.js';

/** A port free now, so that a restarted server can take the same one. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('`usine logs -f` and `usine submit --wait` across a server restart', () => {
  it('take the streams up again where they stopped: every line once, and the job’s real end', async () => {
    const port = await freePort();
    const first = await startTestFactory({ port });
    const call = api(first.url);
    const { key } = await createOwner(call, first.adminKey, 'acme');
    const env = { USINE_URL: first.url, USINE_API_KEY: key };
    // "one" at once, "two" after the restart, "three" at the end
    const script =
      "console.log('one'); setTimeout(() => console.log('two'), 9000); setTimeout(() => console.log('three'), 10000)";
    const spec = join(first.dataDir, 'job.yaml');
    writeFileSync(spec, JOB_YAML('across-restart', JSON.stringify([process.execPath, '-e', script])));
    const waited = runUsine(['submit', spec, '--wait', '--json'], { env });
    let id: string | undefined;
    for (let i = 0; i < 200 && id === undefined; i++) {
      const page = await call('GET', '/v1/jobs?status=running', { key });
      id = (page.body['items'] as { id: string }[])[0]?.id;
      if (id === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(id).toBeDefined();
    const followed = runUsine(['logs', '-f', id ?? ''], { env });
    await new Promise((r) => setTimeout(r, 1000));
    await first.close();
    const second = await startTestFactory({ dataDir: first.dataDir, port });
    try {
      const logs = await followed;
      expect(logs.code).toBe(0);
      expect(logs.stdout).toBe('one\ntwo\nthree\n');
      expect(logs.stderr).toContain('usine: connection lost');
      const submit = await waited;
      expect(submit.code).toBe(0);
      expect(JSON.parse(submit.stdout)).toMatchObject({ id, status: 'succeeded', exitCode: 0 });
      expect(submit.stderr).toContain('reconnecting in');
      // each state change printed once, though the stream was taken up again in between
      const running = submit.stderr
        .split('\n')
        .filter((l) => /\brunning\b/.test(l) && !l.startsWith('usine:'));
      expect(running).toHaveLength(1);
    } finally {
      await second.close();
    }
  }, 120_000);
});
