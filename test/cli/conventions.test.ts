import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import { runUsine } from '../support/run-cli.js';

// The CLI's one contract, tried as a new user would: exit codes, -o, stdin, selectors,
// paging, and messages that name the file and the field, against a real server.
const dir = mkdtempSync(join(tmpdir(), 'usine-conventions-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** A minimal spec: no workload (a Job trains), a command and resources. */
const minimal = (name: string, resources = 'gpus: 0.5', metadata = '') =>
  `apiVersion: usine/v1
kind: Job
metadata: { name: ${name}${metadata} }
spec:
  command: ["node", "-e", "0"]
  resources: { ${resources} }
  duration: 1m
  data: { classification: public }
`;

describe('the CLI’s conventions against a server', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let env: Record<string, string>;
  const usine = (args: string[], options: { stdin?: string; key?: string } = {}) =>
    runUsine(args, {
      env: { ...env, ...(options.key ? { USINE_API_KEY: options.key } : {}) },
      now: new Date().toISOString(),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    });

  beforeAll(async () => {
    factory = await startTestFactory();
    const owner = await createOwner(api(factory.url), factory.adminKey, 'conventions');
    env = { USINE_URL: factory.url, USINE_API_KEY: owner.key, HOME: factory.dataDir };
  });
  afterAll(() => factory?.close());

  it('exits 3 when a job is submitted that no site can take, --wait or not', async () => {
    const file = write('b200.yaml', minimal('no-b200', 'gpus: 1, gpuModels: [B200]'));
    const { code, stdout, stderr } = await usine(['submit', file]);
    expect(code).toBe(3);
    expect(stdout).toMatch(/^job_\w+ submitted \(unplaceable\)\n$/);
    expect(stderr).toMatch(/^usine: job_\w+: no feasible site: .*GPU_MODEL/m);
  });

  it('submits a minimal spec from standard input and prints its id with -o name', async () => {
    const { code, stdout, stderr } = await usine(['submit', '-', '-o', 'name'], {
      stdin: minimal('from-stdin'),
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^job_\w+\n$/);
    const job = await usine(['job', stdout.trim(), '-o', 'jsonpath={.spec.spec.command[0]}']);
    expect(job.stdout).toBe('node\n');
    const yaml = await usine(['job', stdout.trim(), '-o', 'yaml']);
    expect(yaml.stdout).toMatch(/^id: job_\w+\nname: from-stdin\n/);
  });

  it('warns on submission that a spec without spec.data gets no data rules', async () => {
    const bare = minimal('no-data').replace('  data: { classification: public }\n', '');
    const { code, stderr } = await usine(['submit', '-'], { stdin: bare });
    expect(code).toBe(0);
    expect(stderr).toContain('usine: warning: no spec.data: no data rules apply');
  });

  it('names the file, line and column of what the server refused', async () => {
    const file = write('bad.yaml', minimal('bad', 'gpus: 1, gpuModel: [H100]'));
    const { code, stderr } = await usine(['submit', file]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `  ${file}:6:25: spec.resources.gpuModel: unknown field; did you mean gpuModels?`,
    );
  });

  it('ANDs repeated --label selectors, and pages with --cursor and --all', async () => {
    for (const [name, labels] of [
      ['gold-a', 'tier: gold, team: a'],
      ['gold-b', 'tier: gold, team: b'],
      ['silver-a', 'tier: silver, team: a'],
    ] as const) {
      const result = await usine([
        'submit',
        write(`${name}.yaml`, minimal(name, 'gpus: 0.5', `, labels: { ${labels} }`)),
      ]);
      expect(result.code, result.stderr).toBe(0);
    }
    const names = async (...args: string[]) =>
      (await usine(['jobs', ...args, '-o', 'jsonpath={.items[*].name}'])).stdout.split('\n').filter(Boolean);
    expect(await names('-l', 'tier=gold', '--label', 'team=a')).toEqual(['gold-a']);
    expect(await names('-l', 'team in (a,b),tier!=silver')).toEqual(['gold-b', 'gold-a']);

    const first = await usine(['jobs', '-l', 'team', '--limit', '1']);
    const cursor = /--cursor (\S+)/.exec(first.stderr)?.[1];
    expect(cursor, first.stderr).toBeDefined();
    const second = await usine([
      'jobs',
      '-l',
      'team',
      '--limit',
      '1',
      '--cursor',
      cursor ?? '',
      '-o',
      'name',
    ]);
    expect(second.code).toBe(0);
    const all = await usine(['jobs', '-l', 'team', '--limit', '1', '--all', '-o', 'json']);
    const page = JSON.parse(all.stdout) as {
      items: { id: string; name: string }[];
      nextCursor: string | null;
    };
    expect(page.items.map((j) => j.name)).toEqual(['silver-a', 'gold-b', 'gold-a']);
    expect(page.nextCursor).toBeNull();
    expect(first.stdout).toContain('silver-a');
    expect(second.stdout).toBe(`${page.items[1]?.id}\n`);
  });

  it('shows -o wide with the GPUs, model, estimate and labels', async () => {
    const { stdout } = await usine(['jobs', '-l', 'tier=gold,team=a', '-o', 'wide']);
    expect(stdout.split('\n')[0]).toMatch(/^ID +NAME .* KIND +GPUS +GPU +ESTIMATE +LABELS$/);
    expect(stdout).toMatch(/gold-a .* Job +0\.5 +L40S +\S+ EUR +team=a,tier=gold/);
  });

  it('refuses a bad selector with the way to write one', async () => {
    const { code, stderr } = await usine(['jobs', '-l', 'zone in (a']);
    expect(code).toBe(1);
    expect(stderr).toContain('cannot read `zone in (a`: write key=value');
  });

  it('speaks of an admin key, not "a admin key"', async () => {
    const { code, stderr } = await usine(['submit', write('adm.yaml', minimal('adm'))], {
      key: factory.adminKey,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^usine: an admin key may not job\.submit/);
  });

  it('explains a bad budget limit in words, with its field, not in the validator’s', async () => {
    const { code, stderr } = await usine(['budget', 'set', 'tenant', '500']);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'limit: must be an exact amount and its currency: "12.34 EUR", or a limit in GPU-hours',
    );
    expect(stderr).not.toMatch(/must match a schema|must be object/);
  });

  it('takes --json on invoice, and labels usage in the unit it prints', async () => {
    const invoice = await usine(['invoice', '--json', '--month', '1999-01']);
    expect(invoice.code).toBe(3);
    expect(invoice.stderr).toBe('no usage invoiced for 1999-01\n');
    const usage = await usine(['usage']);
    expect(usage.code).toBe(0);
    expect(usage.stdout.split('\n')[0]).toMatch(/^KEY +GPU-HOURS +ENERGY KWH +COST$/);
    expect((await usine(['--help'])).stdout).toMatch(
      /usage \[options\] +used GPU-hours, energy \(kWh\) and cost/,
    );
  });

  it('says a port in use in one line, with what to do', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = String((busy.address() as { port: number }).port);
    try {
      const { code, stderr } = await runUsine(
        ['up', '--port', port, '--data-dir', join(dir, 'up'), '--catalog', 'examples/federation.yaml'],
        { env: {} },
      );
      expect(code).toBe(1);
      expect(stderr).toBe(`usine: port ${port} is in use: another usine up? use --port\n`);
    } finally {
      busy.close();
    }
  }, 60_000);
});
