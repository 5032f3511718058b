import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'usine-scenario-'));
const small = readFileSync(new URL('../../examples/scenarios/small.yaml', import.meta.url), 'utf8');
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('usine simulate --scenario', () => {
  it('prints the --json contract as its last line and writes the chart', async () => {
    const file = write('small.yaml', small.replace('jobs: 2000', 'jobs: 300'));
    const svg = join(dir, 'small.svg');
    const { code, stdout } = await runUsine(['simulate', '--scenario', file, '--json', '--svg', svg]);
    expect(code).toBe(0);
    const last = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(Object.keys(last)).toEqual([
      'jobs',
      'simulatedSeconds',
      'utilisation',
      'waitSeconds',
      'jainFairness',
      'preemptions',
      'partialGangs',
      'quotaViolations',
      'wallSeconds',
      'peakRssMiB',
    ]);
    expect(last).toMatchObject({ jobs: 300, partialGangs: 0, quotaViolations: 0 });
    expect(Object.keys(last['waitSeconds'] as object)).toEqual(['lab-a', 'lab-b', 'startup']);
    expect(readFileSync(svg, 'utf8')).toContain('queue length');
  });

  it('exits 1 with every problem of the file, positioned', async () => {
    const file = write('bad.yaml', small.replace('preemptibleShare', 'preemptibleShar'));
    const { code, stderr } = await runUsine(['simulate', '--scenario', file]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${file}:20:5: spec.workload.preemptibleShar: unknown field; did you mean preemptibleShare?`,
    );
  });

  it('exits 2 when neither a scenario nor a trace is given', async () => {
    const { code } = await runUsine(['simulate']);
    expect(code).toBe(2);
  });
});
