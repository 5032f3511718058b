import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFactory } from '../server/factory-fixture.js';
import { runUsine } from '../support/run-cli.js';

// The README's tour, command by command, through the CLI client against a real server running
// the example federation (partner sites simulated, an hour in a second).
describe("the README's tour", () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let env: Record<string, string>;
  const usine = (...args: string[]) => runUsine(args, { env, now: new Date().toISOString() });

  beforeAll(async () => {
    factory = await startTestFactory({ catalogText: readFileSync('examples/federation.yaml', 'utf8') });
    env = { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey, HOME: factory.dataDir };
    expect((await usine('tenants', 'create', 'acme')).code).toBe(0);
    const key = await usine('keys', 'create', '--tenant', 'acme', '--role', 'owner');
    expect(key.code).toBe(0);
    env = { ...env, USINE_API_KEY: key.stdout.trim() };
  });
  afterAll(() => factory?.close());

  it('runs a job here, sends a health job to an HDS site, and says when no site can take one', async () => {
    const hello = await usine('submit', 'examples/jobs/local-hello.yaml', '--wait');
    expect(hello.code, hello.stderr).toBe(0);
    expect(hello.stdout).toMatch(/^job_\w+ succeeded \(exit code 0\)/);
    expect(hello.stderr).toMatch(/placed on local/);
    const helloId = hello.stdout.split(' ')[0] ?? '';

    const health = await usine('submit', 'examples/jobs/health-finetune.yaml', '--wait');
    expect(health.code, health.stderr).toBe(0);
    expect(health.stderr).toMatch(/placed on ovh-gra/);

    // placed as it is submitted: the answer already says where
    const quick = await usine('submit', 'examples/jobs/health-finetune.yaml');
    expect(quick.stdout).toMatch(/^job_\w+ submitted \(placed on ovh-gra\)$/m);

    const infeasible = await usine('submit', 'examples/jobs/infeasible-restricted-h200.yaml');
    expect(infeasible.code).toBe(3);
    expect(infeasible.stderr).toMatch(/no feasible site: .*\(.*CERTIFICATION/);
    const waited = await usine('submit', 'examples/jobs/infeasible-restricted-h200.yaml', '--wait');
    expect(waited.code).toBe(3);
    expect(waited.stdout).toMatch(/unplaceable: no feasible site: .*\(.*CERTIFICATION/);

    const list = await usine('jobs');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/hello-usine +default +succeeded +local/);
    expect(list.stdout).toMatch(/restricted-h200 .* unplaceable/);

    const job = await usine('job', helloId);
    expect(job.code).toBe(0);
    expect(job.stdout).toMatch(/placed on: +local/);
    expect(job.stdout).toMatch(/allocation: .*\[virtual GPUs\]/);

    const logs = await usine('logs', helloId);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('hello from usine');

    // a finished job cannot be cancelled: said plainly, not a stack trace
    const cancel = await usine('cancel', helloId);
    expect(cancel.code).not.toBe(0);
    expect(cancel.stderr).not.toMatch(/\n\s+at /);
  });

  // a real process, so no sync call: the server it talks to runs in this one
  it.skipIf(!existsSync('dist/cli/main.js'))(
    'runs as bin/usine, the form the README uses, against the server',
    async () => {
      const run = async (...args: string[]) =>
        (await promisify(execFile)('bin/usine', args, { encoding: 'utf8', env: { ...process.env, ...env } }))
          .stdout;
      expect(await run('--version')).toBe('0.1.0\n');
      expect(await run('jobs', '-o', 'jsonpath={.items[*].name}')).toContain('hello-usine');
    },
  );

  it('serves the example Service, answers through the gateway, and deletes it', async () => {
    const served = await usine('serve', 'examples/jobs/inference-service.yaml');
    expect(served.code, served.stderr).toBe(0);
    expect(served.stdout).toBe(`service support-chatbot created: ${factory.url}/s/acme/support-chatbot\n`);
    let shown = '';
    for (let i = 0; i < 300 && !/1 ready of 1 wanted/.test(shown); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      shown = (await usine('service', 'support-chatbot')).stdout;
    }
    expect(shown).toMatch(/ovh-gra \(simulated\)/);
    const answer = await fetch(`${factory.url}/s/acme/support-chatbot/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env['USINE_API_KEY'] ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Bonjour' }] }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ object: 'chat.completion', usage: { prompt_tokens: 1 } });
    expect((await usine('scale', 'support-chatbot', '2')).code).toBe(0);
    expect((await usine('services')).stdout).toMatch(/support-chatbot +agency-clients +1 /);
    expect((await usine('delete', 'service', 'support-chatbot')).code).toBe(0);
  });
});

describe("the README's commands", () => {
  const readme = readFileSync('README.md', 'utf8');

  it('name only files that are in the repository', () => {
    const named = [
      ...readme.matchAll(/(?<![\w/.])((?:examples|docs|schema|src|bin)\/[\w./*-]*\w)/g),
      ...readme.matchAll(/\]\((?!https?:)([^)#]+)\)/g),
    ].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThan(20);
    const missing = named.filter((path) => !path.includes('*') && !existsSync(path));
    expect(missing).toEqual([]);
    expect(readme).not.toContain('../shared');
  });

  it('replays the sample trace of examples/traces/ as the README does', async () => {
    const { code, stdout } = await runUsine([
      'simulate',
      '--nodes',
      'examples/traces/sample-nodes.csv',
      '--pods',
      'examples/traces/sample-pods.csv',
      '--policy',
      'best,fgd',
      '--seeds',
      '42',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^best: GPU allocated at 90\/95\/100\/130 % arrived: /m);
    expect(stdout).toMatch(/^fgd: /m);
  });

  it('run the CLI as `usine` on the PATH from bin/, never through npx', () => {
    expect(readme).toContain('export PATH="$PWD/bin:$PATH"');
    expect(readme).not.toMatch(/npx usine/);
    const tour = readme.slice(readme.indexOf('## A tour'), readme.indexOf('## Configuration'));
    const commands = [...tour.matchAll(/^```sh\n([\s\S]*?)```/gm)].flatMap((m) => (m[1] ?? '').split('\n'));
    for (const line of commands.filter((l) => l.trim() !== '' && !l.startsWith(' ')))
      expect(line).toMatch(/^(usine |export |curl |USINE_API_KEY=\$\(cat \.usine\/admin\.key\) usine )/);
  });
});
