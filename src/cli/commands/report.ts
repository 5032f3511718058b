import type { Command } from 'commander';
import type { SealedComputeReport } from '../../app/reports/compute-report.js';
import { addClientOptions, withClient } from '../client-config.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

interface ReportOptions {
  model: string;
  from?: string;
  to?: string;
  precision?: string;
  utilisation?: string;
  format: string;
  lang: string;
  json?: boolean;
  url?: string;
  apiKey?: string;
}

export function registerReport(program: Command, io: CliIo, setExit: SetExit): void {
  const report = program
    .command('report')
    .summary('compliance reports: the AI Act compute and energy report');
  addClientOptions(
    report
      .command('compute')
      .summary('the GPU-hours, FLOP, energy and carbon of one model, sealed in the audit')
      .description(
        'The figures the EU AI Act (Art. 53(1)(a), Annex XI §1.2(d)-(e)) asks of a model: GPU-hours by\n' +
          'GPU model and site, wall-clock time, an estimate of the FLOP (GPU-hours × peak dense\n' +
          'FLOP/s at --precision × --utilisation, each figure with its source), energy measured and\n' +
          'estimated, PUE, grid intensity, carbon, and the countries. Jobs declare their model with\n' +
          'metadata.model or the label usine.dev/model. A copy is sealed in the audit chain.\n' +
          '--format html writes a page to file, in English or French (--lang fr).',
      )
      .requiredOption('--model <name>', 'the model, as the jobs declare it')
      .option('--from <instant>', 'usage from this instant (RFC 3339)')
      .option('--to <instant>', 'usage before this instant')
      .option('--precision <p>', 'fp64, fp32, tf32, bf16, fp16 or fp8 (default bf16)')
      .option('--utilisation <u>', 'model FLOP utilisation, a fraction (default 0.4)')
      .option('--format <format>', 'text, json or html', 'text')
      .option('--lang <lang>', 'en or fr, for --format html', 'en')
      .option('--json', 'print JSON: the report and its SHA-256'),
  ).action(async (options: ReportOptions) => {
    if (!['text', 'json', 'html'].includes(options.format))
      throw new CliExit(ExitCode.usage, `--format ${options.format}: use text, json or html`);
    const html = options.format === 'html' && !options.json;
    const query = {
      model: options.model,
      from: options.from,
      to: options.to,
      precision: options.precision,
      utilisation: options.utilisation,
      ...(html ? { format: 'html', lang: options.lang } : {}),
    };
    await withClient(io, options, async (client) => {
      const text = await client.reportCompute(query);
      if (html || options.json || options.format === 'json') io.stdout(html ? text : `${text}\n`);
      else io.stdout(describeReport(JSON.parse(text) as SealedComputeReport));
      setExit(ExitCode.ok);
    });
  });
}

function describeReport({ report: r, sha256 }: SealedComputeReport): string {
  const lines = [
    `model ${r.model}: ${r.jobs.length} jobs, wall-clock ${r.wallClock.hours} h, ${r.gpuHours.total} GPU-hours` +
      `${r.gpuHours.simulated ? ' (some simulated)' : ''}`,
    renderTable(
      ['GPU', 'SITE', 'COUNTRY', 'GPU-HOURS'],
      r.gpuHours.byGpuModelAndSite.map((g) => [g.gpuModel, g.site, g.country ?? '-', g.gpuHours]),
    ).trimEnd(),
    `computation: ${r.computation.flop ?? 'no estimate'} FLOP at ${r.computation.precision}, utilisation ${r.computation.utilisation}` +
      (r.computation.gpuModelsWithoutFigures.length > 0
        ? ` (no figures for ${r.computation.gpuModelsWithoutFigures.join(', ')})`
        : ''),
    `energy: ${r.energy.kWh} kWh (measured ${r.energy.measuredShare}, estimated ${r.energy.estimatedShare})`,
    `carbon: ${r.carbon.kgCO2e} kg CO2e; countries: ${r.countries.join(', ') || '-'}`,
    `sealed in the audit chain as report.compute, sha256 ${sha256}`,
  ];
  return `${lines.join('\n')}\n`;
}
