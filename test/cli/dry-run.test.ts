import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, JOB_YAML, startTestFactory } from '../server/factory-fixture.js';
import { runUsine } from '../support/run-cli.js';

const HEALTH = `apiVersion: usine/v1
kind: Job
metadata: { name: radiology }
spec:
  workload: finetune
  command: ["python", "finetune.py"]
  resources: { gpus: 4, gpuModels: [H100] }
  duration: 2h
  data: { classification: health, residency: FR }
`;

describe('`usine submit --dry-run`: where it would go and why, nothing submitted', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let env: Record<string, string>;
  let call: ReturnType<typeof api>;
  let key: string;

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    key = (await createOwner(call, factory.adminKey, 'acme')).key;
    env = { USINE_URL: factory.url, USINE_API_KEY: key };
    // the server answers a dry run once it has measured its sites (503 before)
    for (let i = 0; i < 100; i++) {
      const probe = await call('POST', '/v1/placements', {
        key,
        body: HEALTH,
        headers: { 'content-type': 'application/yaml' },
      });
      if (probe.status !== 503) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    await factory?.close();
  });

  it('prints the decision, the estimate and every site rejected with its reasons, and stores nothing', async () => {
    const dry = await runUsine(['submit', '-', '--dry-run'], { env, stdin: HEALTH });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^dry run: it would be placed\nplaced on: {2}sim-paris \(self, FR\) — H100 on-demand/,
    );
    expect(dry.stdout).toContain('estimate:   20.00 EUR');
    expect(dry.stdout).toMatch(/rejected:\n {2}local: .*GPU_MODEL/);
    expect((await call('GET', '/v1/jobs', { key })).body['items']).toEqual([]);
  });

  it('exits 3 for a job no site can take, as a submission would', async () => {
    const big = JOB_YAML('too-big').replace('gpus: 0.5', 'gpus: 64');
    const dry = await runUsine(['submit', '-', '--dry-run', '--json'], { env, stdin: big });
    expect(dry.code).toBe(3);
    expect(JSON.parse(dry.stdout)).toMatchObject({ status: 'unplaceable' });
  });
});
