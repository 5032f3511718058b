import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isPolicyName, POLICY_NAMES, type PolicyName } from '../../domain/scheduling/packing-policies.js';
import { renderAllocationChart } from '../../sim/allocation-chart.js';
import { TraceFormatError } from '../../sim/csv-table.js';
import { runFillUpReplay, type FillUpResult } from '../../sim/fill-up-replay.js';
import { summariseReplays, type ReplaySummary } from '../../sim/replay-summary.js';
import { parseNodeList } from '../../sim/trace-nodes.js';
import { parsePodList } from '../../sim/trace-pods.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import type { SetExit } from './index.js';

interface SimulateOptions {
  nodes?: string;
  pods?: string;
  scenario?: string;
  policy: string;
  seeds: string;
  inflate: string;
  json?: boolean;
  svg?: string;
}

/** One policy's replays with the wall time they took. */
export interface TimedSummary extends ReplaySummary {
  readonly placementsPerSecond: number;
  readonly wallSeconds: number;
}

export function registerSimulate(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('simulate')
    .summary('replay a GPU trace through a packing policy, or simulate a Scenario through the site scheduler')
    .description(
      'Fill a cluster with the pods of a trace, one at a time and never leaving, as the FGD paper\n' +
        '(Weng et al., USENIX ATC 2023) does: per seed, shuffle the pods, add pods drawn with\n' +
        'replacement until the GPU request reaches --inflate × capacity, place each with the policy,\n' +
        'and report the GPU allocation ratio at 90, 95, 100 and 130 % arrived load (mean over seeds).\n' +
        'With --scenario FILE: simulate a usine/v1 Scenario (docs/scenario.md) through the site\n' +
        'scheduler (quotas, fair share, priorities, gangs, backfill) with discrete events.',
    )
    .option('--nodes <file>', 'node list CSV (sn,cpu_milli,memory_mib,gpu,model)')
    .option('--pods <file>', 'pod list CSV (name,cpu_milli,memory_mib,num_gpu,gpu_milli,…)')
    .option('--scenario <file>', 'a Scenario document to simulate instead of a trace replay')
    .option('--policy <names>', `one policy or a comma list: ${POLICY_NAMES.join(', ')}`, 'best')
    .option('--seeds <seeds>', 'seeds: a range (42-51), a list (1,2,3) or one seed', '42-51')
    .option('--inflate <ratio>', 'arrived GPU request to reach, as a multiple of capacity', '1.3')
    .option('--json', 'one JSON object per policy, one per line')
    .option('--svg <file>', 'write a chart of allocation against arrived load for the policies run')
    .addHelpText(
      'after',
      '\nExamples:\n  usine simulate --scenario examples/scenarios/small.yaml --svg small.svg\n  usine simulate --nodes examples/traces/sample-nodes.csv \\\n' +
        '    --pods examples/traces/sample-pods.csv \\\n' +
        '    --policy best-fit,fgd,best --seeds 42-51 --svg allocation.svg',
    )
    .action(async (options: SimulateOptions) => {
      if (options.scenario !== undefined) {
        const { simulateScenario } = await import('./simulate-scenario.js');
        simulateScenario(io, options.scenario, options);
        setExit(ExitCode.ok);
        return;
      }
      if (options.nodes === undefined || options.pods === undefined)
        throw new CliExit(ExitCode.usage, 'simulate: give --scenario FILE, or --nodes FILE and --pods FILE');
      const { nodes: nodesPath, pods: podsPath } = options;
      const policies = parsePolicies(options.policy);
      const seeds = parseSeeds(options.seeds);
      const inflate = Number(options.inflate);
      if (!Number.isFinite(inflate) || inflate <= 0)
        throw new CliExit(
          ExitCode.usage,
          `--inflate: expected a positive number, found "${options.inflate}"`,
        );
      const nodes = parseTrace(io, nodesPath, parseNodeList);
      const pods = parseTrace(io, podsPath, parsePodList);
      const showProgress = process.stderr.isTTY === true && !options.json;
      const summaries = policies.map((policy) =>
        runTimedSeries(
          policy,
          seeds,
          (seed, onProgress) => runFillUpReplay({ nodes, pods, policy, seed, inflate, onProgress }),
          showProgress ? (text) => io.stderr(text) : undefined,
        ),
      );
      if (options.svg !== undefined) {
        const chart = renderAllocationChart(
          summaries.map((s) => ({ name: s.policy, curve: s.curve })),
          `GPU allocation, ${podsPath.split('/').pop() ?? podsPath}`,
        );
        writeOutput(io, options.svg, chart);
      }
      for (const summary of summaries)
        io.stdout(options.json ? `${formatJson(summary)}\n` : formatText(summary));
      setExit(ExitCode.ok);
    });
}

/** Runs one policy over the seeds, timing the whole (parsing excluded). */
export function runTimedSeries(
  policy: PolicyName,
  seeds: readonly number[],
  replay: (seed: number, onProgress?: (done: number, total: number) => void) => FillUpResult,
  progress?: (text: string) => void,
): TimedSummary {
  const started = performance.now();
  const results = seeds.map((seed, i) =>
    replay(
      seed,
      progress && ((done, total) => progress(drawProgress(policy, (i + done / total) / seeds.length))),
    ),
  );
  if (progress) progress('\r\x1b[K');
  const wallSeconds = (performance.now() - started) / 1000;
  const summary = summariseReplays(results);
  return {
    ...summary,
    placementsPerSecond: Math.round(summary.placements / Math.max(wallSeconds, 1e-9)),
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
  };
}

/** The `--json` contract: one line per policy. */
export function formatJson(s: TimedSummary): string {
  return JSON.stringify({
    policy: s.policy,
    seeds: s.seeds,
    allocation: s.allocation,
    unallocatedGpusAt100: s.unallocatedGpusAt100,
    placements: s.placements,
    placementsPerSecond: s.placementsPerSecond,
    wallSeconds: s.wallSeconds,
  });
}

function formatText(s: TimedSummary): string {
  const a = s.allocation;
  return (
    `${s.policy}: GPU allocated at 90/95/100/130 % arrived: ${a['90']} / ${a['95']} / ${a['100']} / ${a['130']} %` +
    ` (${s.unallocatedGpusAt100} GPUs unallocated at 100 %; ${s.seeds.length} seeds,` +
    ` ${s.placements} placements, ${s.placementsPerSecond}/s)\n`
  );
}

function drawProgress(policy: string, fraction: number): string {
  const width = 30;
  const filled = Math.round(fraction * width);
  return `\r${policy} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}%`;
}

function parsePolicies(text: string): PolicyName[] {
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!isPolicyName(name))
      throw new CliExit(
        ExitCode.usage,
        `--policy: unknown policy "${name}"; choose from ${POLICY_NAMES.join(', ')}`,
      );
  }
  return names as PolicyName[];
}

/** `42-51`, `1,2,3` or `7`. */
export function parseSeeds(text: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(text.trim());
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (to >= from && to - from < 10_000) return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  } else if (/^\d+(,\d+)*$/.test(text.trim())) {
    return text.split(',').map(Number);
  }
  throw new CliExit(
    ExitCode.usage,
    `--seeds: expected a range (42-51), a list (1,2,3) or one seed, found "${text}"`,
  );
}

function parseTrace<T>(io: CliIo, path: string, parse: (text: string, source: string) => T[]): T[] {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new CliExit(ExitCode.error, `${path}: cannot read the file (${reason})`);
  }
  try {
    return parse(text, path);
  } catch (error) {
    if (error instanceof TraceFormatError) throw new CliExit(ExitCode.error, error.message);
    throw error;
  }
}

function writeOutput(io: CliIo, path: string, text: string): void {
  try {
    writeFileSync(resolve(io.cwd, path), text);
  } catch (error) {
    throw new CliExit(ExitCode.error, `${path}: cannot write the file (${String(error)})`);
  }
}
