import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDiagnostic } from '../../domain/documents/diagnostic.js';
import { parseDocuments } from '../../domain/documents/parse-documents.js';
import { readScenario } from '../../sim/read-scenario.js';
import { runScenario, type ScenarioOutcome } from '../../sim/run-scenario.js';
import { renderScenarioChart } from '../../sim/scenario-chart.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { readInputFile } from '../read-input-files.js';

/** `usine simulate --scenario FILE [--json] [--svg FILE]`: one scenario through the site scheduler. */
export function simulateScenario(io: CliIo, path: string, options: { json?: boolean; svg?: string }): void {
  const input = readInputFile(path, io);
  if (input.problem !== undefined) throw new CliExit(ExitCode.error, `${path}: ${input.problem}`);
  const parsed = parseDocuments(input.text, path);
  const document = parsed.documents[0];
  const problems = [...parsed.diagnostics];
  const result = document ? readScenario(document) : undefined;
  if (result && !result.ok) problems.push(...result.diagnostics);
  if (problems.length > 0 || !result?.ok) {
    for (const d of problems) io.stderr(`${formatDiagnostic(d)}\n`);
    throw new CliExit(ExitCode.error, `${problems.length || 1} problem(s) in ${path}; nothing simulated`);
  }
  const scenario = result.scenario;
  const showProgress = process.stderr.isTTY === true;
  const started = performance.now();
  const outcome = runScenario(scenario, {
    onProgress: showProgress
      ? (done, total) => io.stderr(drawProgress(scenario.name, done / total))
      : undefined,
  });
  if (showProgress) io.stderr('\r\x1b[K');
  const wallSeconds = Math.round(performance.now() - started) / 1000;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  if (options.svg !== undefined) {
    const chart = renderScenarioChart(
      outcome.series,
      scenario.tenants.map((t) => t.name),
      `scenario ${scenario.name}`,
    );
    try {
      writeFileSync(resolve(io.cwd, options.svg), chart);
    } catch (error) {
      throw new CliExit(ExitCode.error, `${options.svg}: cannot write the file (${String(error)})`);
    }
  }
  io.stdout(
    options.json
      ? `${formatScenarioJson(outcome, wallSeconds, peakRssMiB)}\n`
      : formatText(outcome, wallSeconds, peakRssMiB),
  );
}

/** The `--json` contract (docs/scenario.md): one line, these keys in this order. */
export function formatScenarioJson(o: ScenarioOutcome, wallSeconds: number, peakRssMiB: number): string {
  return JSON.stringify({
    jobs: o.jobs,
    simulatedSeconds: o.simulatedSeconds,
    utilisation: o.utilisation,
    waitSeconds: o.waitSeconds,
    jainFairness: o.jainFairness,
    preemptions: o.preemptions,
    partialGangs: o.partialGangs,
    quotaViolations: o.quotaViolations,
    wallSeconds,
    peakRssMiB,
  });
}

function formatText(o: ScenarioOutcome, wallSeconds: number, peakRssMiB: number): string {
  const waits = Object.entries(o.waitSeconds)
    .map(([name, w]) => `  ${name}: wait p50 ${w.p50} s, p95 ${w.p95} s\n`)
    .join('');
  return (
    `${o.jobs} jobs over ${(o.simulatedSeconds / 86_400).toFixed(1)} simulated days\n` +
    `utilisation ${o.utilisation} (the offered load allows ${o.allowedUtilisation}; offered ${o.offeredLoad})\n` +
    waits +
    `Jain fairness ${o.jainFairness}; ${o.preemptions} preemptions\n` +
    `checker: ${o.partialGangs} partial gangs, ${o.quotaViolations} quota violations, ${o.overAllocations} over-allocated GPUs\n` +
    `${wallSeconds} s wall, peak RSS ${peakRssMiB} MiB\n`
  );
}

function drawProgress(name: string, fraction: number): string {
  const width = 30;
  const filled = Math.round(fraction * width);
  return `\r${name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}%`;
}
