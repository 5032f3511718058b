import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../../src/app/ports/executor.js';
import { waitForFinalStatus } from './executor-contract.js';
import { cleanWorkDir, makeLocalExecutor, makeWorkDir, runNode } from './local-subject.js';
import { setTimeout as sleep } from 'node:timers/promises';

const allocation = { site: 'local', nodes: [{ node: 'n1', gpuIndices: [], milliGpus: 0 }], virtual: true };
const request = (jobId: string, command: string[]): LaunchRequest => ({
  jobId,
  name: jobId,
  command,
  image: undefined,
  env: {},
  allocation,
  maxDurationSeconds: 30,
  durationSeconds: 30,
  listen: true,
});

// A Service replica run by the local runner: a free loopback port in $PORT (and in the words of
// its command), and its endpoint in the status while it runs.
describe('the local runner and a replica that listens', () => {
  let workDir = '';
  beforeAll(async () => {
    workDir = await makeWorkDir();
  });
  afterAll(() => cleanWorkDir(workDir));

  it('gives the replica a port in $PORT and in its command, and reports where it listens', async () => {
    const executor = makeLocalExecutor(workDir);
    const script =
      "require('http').createServer((q, s) => s.end(process.argv[1] + ' ' + process.env.PORT))" +
      '.listen(Number(process.env.PORT), "127.0.0.1")';
    const handle = await executor.launch(request('job_listen1', [...runNode(script), 'port=${PORT}']));
    let status = await executor.status(handle);
    for (let i = 0; i < 100 && status.state !== 'running'; i++) {
      await sleep(50);
      status = await executor.status(handle);
    }
    expect(status.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = new URL(status.endpoint ?? '').port;
    let answer = '';
    for (let i = 0; i < 100 && answer === ''; i++) {
      answer = await fetch(status.endpoint ?? '').then(
        (r) => r.text(),
        () => '',
      );
      if (answer === '') await sleep(50);
    }
    expect(answer).toBe(`port=${port} ${port}`);
    await executor.cancel(handle);
    await waitForFinalStatus({ executor, passTime: (ms) => sleep(ms) }, handle);
    await executor.close();
  });
});
