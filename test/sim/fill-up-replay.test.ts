import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';
import { runFillUpReplay } from '../../src/sim/fill-up-replay.js';
import { parseNodeList } from '../../src/sim/trace-nodes.js';
import { parsePodList } from '../../src/sim/trace-pods.js';

const shared = process.env['USINE_SHARED'] ?? resolve(import.meta.dirname, '../../../shared');
const traceDir = join(shared, 'data/traces/alibaba-gpu-2023');
const nodesFile = join(traceDir, 'openb_node_list_gpu_node.csv');
const podsFile = join(traceDir, 'openb_pod_list_default.csv');
const hasTrace = existsSync(nodesFile) && existsSync(podsFile);
if (!hasTrace) console.warn(`skipping the trace replays: ${traceDir} is absent (set USINE_SHARED)`);

function run(argv: string[]) {
  return runUsine(argv, { now: '2026-11-27T00:00:00Z' }).then((r) => ({
    code: r.code,
    out: r.stdout,
    err: r.stderr,
  }));
}

describe.skipIf(!hasTrace)('fill-up replay of the Alibaba trace (a 200-node subset)', () => {
  const nodes = hasTrace ? parseNodeList(readFileSync(nodesFile, 'utf8'), nodesFile).slice(0, 200) : [];
  const pods = hasTrace ? parsePodList(readFileSync(podsFile, 'utf8'), podsFile).slice(0, 1500) : [];

  it('gives byte-identical results for the same seed', () => {
    const once = JSON.stringify(runFillUpReplay({ nodes, pods, policy: 'best', seed: 42, inflate: 1.3 }));
    const twice = JSON.stringify(runFillUpReplay({ nodes, pods, policy: 'best', seed: 42, inflate: 1.3 }));
    expect(once).toBe(twice);
  });

  it('never allocates more than the arrived load nor more than the capacity', () => {
    const result = runFillUpReplay({ nodes, pods, policy: 'fgd', seed: 7, inflate: 1.3 });
    result.curve.forEach((pct, load) => {
      if (Number.isFinite(pct)) expect(pct).toBeLessThanOrEqual(Math.min(100, load + 1));
    });
    expect(result.curve.length).toBeGreaterThan(130);
  });

  it('packs better with fgd and best than at random', () => {
    const at100 = (policy: 'random' | 'fgd' | 'best') =>
      runFillUpReplay({ nodes, pods, policy, seed: 3, inflate: 1.3 }).curve[100]!;
    expect(at100('fgd')).toBeGreaterThan(at100('random'));
    expect(at100('best')).toBeGreaterThan(at100('random'));
  });
});

describe('usine simulate', () => {
  it.skipIf(!hasTrace)('prints one JSON summary line per policy with --json', async () => {
    const r = await run([
      'simulate',
      '--nodes',
      nodesFile,
      '--pods',
      podsFile,
      '--policy',
      'best-fit',
      '--seeds',
      '42',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out.trim().split('\n').at(-1)!);
    expect(Object.keys(summary)).toEqual([
      'policy',
      'seeds',
      'allocation',
      'unallocatedGpusAt100',
      'placements',
      'placementsPerSecond',
      'wallSeconds',
    ]);
    expect(summary.allocation['100']).toBeGreaterThan(90);
  });

  it('names a missing file and exits 1 without a stack trace', async () => {
    const r = await run(['simulate', '--nodes', 'no-such-nodes.csv', '--pods', 'no-such-pods.csv']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('usine: no-such-nodes.csv: cannot read the file (no such file)\n');
  });

  it('refuses an unknown policy as a usage error', async () => {
    const r = await run(['simulate', '--nodes', 'a.csv', '--pods', 'b.csv', '--policy', 'worst-fit']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown policy "worst-fit"');
  });
});
