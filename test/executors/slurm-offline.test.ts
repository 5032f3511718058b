import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBatchScript } from '../../src/executors/slurm/batch-script.js';
import { mapSlurmState, type SlurmFacts } from '../../src/executors/slurm/map-slurm-state.js';
import { SlurmExecutor } from '../../src/executors/slurm/slurm-executor.js';
import { describeSlurmNodes, parseGres } from '../../src/executors/slurm/slurm-nodes.js';
import { buildRequest } from './executor-contract.js';

const facts = (state: string, extra: Partial<SlurmFacts> = {}): SlurmFacts => ({
  state,
  reason: 'None',
  exitStatus: 0,
  startTime: 1_800_000_000,
  endTime: 1_800_000_060,
  nodes: 'gpu-1',
  restarts: 0,
  ...extra,
});
const none = { exit: undefined, maxDurationSeconds: 7200, cancelAsked: false };

describe("Slurm's job states, as Usine's", () => {
  it.each([
    [facts('PENDING', { reason: 'Resources' }), { state: 'pending', reason: 'pending in Slurm: Resources' }],
    [facts('PENDING', { reason: 'None' }), { state: 'pending', reason: 'pending in Slurm: queued' }],
    [
      facts('PENDING', { reason: 'JobHeldAdmin', reasonDetail: 'held for maintenance' }),
      { state: 'pending', reason: 'pending in Slurm: JobHeldAdmin (held for maintenance)' },
    ],
    [facts('RUNNING'), { state: 'running', reason: null }],
    [facts('COMPLETING'), { state: 'running' }],
    [facts('COMPLETED'), { state: 'succeeded', exitCode: 0 }],
    [facts('FAILED', { exitStatus: 768 }), { state: 'failed', exitCode: 3, reason: 'exit code 3' }],
    [facts('FAILED', { exitStatus: 9 }), { state: 'failed', exitCode: null, reason: 'killed by signal 9' }],
    [facts('TIMEOUT'), { state: 'failed', reason: 'time limit 2h reached (Slurm TIMEOUT)' }],
    [
      facts('TIMEOUT', { timeLimitMinutes: 1 }),
      { state: 'failed', reason: 'time limit 1m reached (Slurm TIMEOUT)' },
    ],
    [facts('PREEMPTED'), { state: 'failed', exitCode: null, reason: 'preempted by Slurm' }],
    [facts('BOOT_FAIL'), { state: 'failed', reason: 'node boot failure (Slurm BOOT_FAIL)' }],
    [facts('CANCELLED'), { state: 'cancelled' }],
    [facts('NODE_FAIL', { nodes: 'gpu-[2-3]' }), { state: 'failed', reason: 'node failure (gpu-[2-3])' }],
    [
      facts('OUT_OF_MEMORY', { exitStatus: 0 }),
      { state: 'failed', reason: 'out of memory (Slurm OUT_OF_MEMORY)' },
    ],
  ])('%o', (input, expected) => {
    expect(mapSlurmState(input, none)).toMatchObject(expected);
  });

  it("says Usine's own time limit when the script stopped the job", () => {
    const exit = { exitCode: 143, timeLimit: true, finishedAt: '2027-01-15T08:00:00.000Z' };
    expect(mapSlurmState(facts('FAILED', { exitStatus: 143 << 8 }), { ...none, exit })).toMatchObject({
      state: 'failed',
      reason: 'time limit 2h reached',
      finishedAt: '2027-01-15T08:00:00.000Z',
    });
  });

  it('fails a job Slurm requeued after a node failure, with the failed run from its completion record', () => {
    const requeued = facts('PENDING', {
      reason: 'BeginTime',
      restarts: 1,
      nodes: '',
      startTime: 1_800_000_600,
    });
    const failedRun = facts('NODE_FAIL', {
      nodes: 'gpu-3',
      startTime: 1_800_000_000,
      endTime: 1_800_000_030,
    });
    const expected = {
      state: 'failed',
      reason: 'node failure (gpu-3); Usine does not let Slurm run it again',
      startedAt: '2027-01-15T08:00:00.000Z',
      finishedAt: '2027-01-15T08:00:30.000Z',
    };
    expect(mapSlurmState(requeued, { ...none, failedRun })).toMatchObject(expected);
    // once the executor cancelled the rerun, Slurm says CANCELLED: still the node failure
    expect(mapSlurmState({ ...requeued, state: 'CANCELLED' }, { ...none, failedRun })).toMatchObject(
      expected,
    );
    expect(mapSlurmState(requeued, none)).toMatchObject({
      state: 'failed',
      reason: 'node failure (Slurm requeued the job); Usine does not let Slurm run it again',
    });
    // a cancel the user asked for stays a cancel
    expect(mapSlurmState({ ...requeued, state: 'CANCELLED' }, { ...none, cancelAsked: true })).toMatchObject({
      state: 'cancelled',
    });
  });
});

describe("Slurm's nodes", () => {
  it('reads GPUs by type and leaves drained or down nodes out', () => {
    expect(parseGres('gpu:h100:8(S:0-1),gpu:a100:2,shard:4')).toEqual([
      { type: 'h100', count: 8 },
      { type: 'a100', count: 2 },
    ]);
    const nodes = describeSlurmNodes(
      [
        {
          name: 'a',
          state: 'idle',
          flags: [],
          gres: 'gpu:h100:8',
          gresUsed: 'gpu:h100:2(IDX:0-1)',
          reason: '',
          partitions: ['gpu'],
        },
        {
          name: 'b',
          state: 'idle',
          flags: ['DRAIN'],
          gres: 'gpu:h100:8',
          gresUsed: '',
          reason: 'bad gpu',
          partitions: ['gpu'],
        },
        {
          name: 'c',
          state: 'down',
          flags: [],
          gres: 'gpu:h100:8',
          gresUsed: '',
          reason: 'Not responding',
          partitions: ['gpu'],
        },
        {
          name: 'd',
          state: 'idle',
          flags: [],
          gres: 'gpu:l40s:4',
          gresUsed: '',
          reason: '',
          partitions: ['other'],
        },
      ],
      'gpu',
    );
    expect(nodes.map((n) => [n.name, n.usable, n.state])).toEqual([
      ['a', true, 'idle'],
      ['b', false, 'idle+drain'],
      ['c', false, 'down'],
    ]);
    expect(nodes[0]?.gpus).toEqual([{ type: 'h100', model: 'H100', count: 8, used: 2 }]);
  });
});

describe('the batch script, run by bash', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const runScript = (command: string[], limit: number | undefined) => {
    const dir = mkdtempSync(join(tmpdir(), "usine-batch-it's-"));
    dirs.push(dir);
    const script = buildBatchScript({
      jobId: 'job_x',
      command,
      jobDir: dir,
      maxDurationSeconds: limit,
      graceSeconds: 1,
    });
    writeFileSync(join(dir, 'job.sh'), script);
    let status = 0;
    try {
      execFileSync('bash', [join(dir, 'job.sh')], { stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    return {
      status,
      exit: JSON.parse(readFileSync(join(dir, 'exit.json'), 'utf8')) as Record<string, unknown>,
    };
  };

  it('passes the words through quoted and records the exit code', () => {
    const { status, exit } = runScript(
      ['/bin/bash', '-c', '[ "$0" = "it\'s a \\$HOME" ] && exit 7', "it's a $HOME"],
      undefined,
    );
    expect(status).toBe(7);
    expect(exit).toMatchObject({ exitCode: 7, timeLimit: false });
  });

  it('stops the command at the time limit and says so', () => {
    const { exit } = runScript(['sleep', '30'], 0.3);
    expect(exit).toMatchObject({ timeLimit: true });
  });
});

describe('the Slurm executor without slurmrestd', () => {
  it("answers from the job's exit record, and says Slurm did not answer for a job without one", async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'usine-slurm-offline-'));
    const executor = new SlurmExecutor({
      url: 'http://127.0.0.1:9',
      user: 'root',
      tokenFile: undefined,
      workDir,
    });
    try {
      mkdirSync(join(workDir, 'job_done'));
      writeFileSync(
        join(workDir, 'job_done', 'submitted.json'),
        '{"slurmJobId":41,"maxDurationSeconds":null}',
      );
      writeFileSync(
        join(workDir, 'job_done', 'exit.json'),
        '{"exitCode":2,"timeLimit":false,"finishedAt":"2027-01-15T08:00:00.000Z"}',
      );
      expect(await executor.status('slurm:41:job_done')).toMatchObject({ state: 'failed', exitCode: 2 });
      mkdirSync(join(workDir, 'job_running'));
      writeFileSync(
        join(workDir, 'job_running', 'submitted.json'),
        '{"slurmJobId":42,"maxDurationSeconds":null}',
      );
      const status = await executor.status('slurm:42:job_running');
      expect(status.state).toBe('running');
      expect(status.reason).toMatch(
        /^Slurm did not answer: slurmrestd at http:\/\/127\.0\.0\.1:9 did not answer/,
      );
      await expect(
        executor.launch(buildRequest('job_new', { command: ['true'], env: {}, durationSeconds: 1 })),
      ).rejects.toThrow(/did not answer GET \/openapi\/v3/); // no version to speak in
      expect(await executor.inventory()).toEqual([]);
      // no version agreed, and why, for the site's health
      const api = await executor.describeApi();
      expect(api).toMatchObject({ version: null, offered: [] });
      expect(api.spoken).toEqual([
        'v0.0.45',
        'v0.0.44',
        'v0.0.43',
        'v0.0.42',
        'v0.0.41',
        'v0.0.40',
        'v0.0.38',
      ]);
      expect(api.problem).toMatch(/^slurmrestd at http:\/\/127\.0\.0\.1:9 did not answer GET \/openapi\/v3/);
    } finally {
      await executor.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
