import type { Command } from 'commander';
import { summariseSite } from '../../domain/catalog/describe-site.js';
import { ExitCode, type CliIo } from '../io.js';
import { loadDocuments } from '../load-documents.js';
import { renderTable } from '../render-table.js';
import { parseInstant } from '../parse-instant.js';
import type { SetExit } from './index.js';

export function registerSites(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('sites')
    .summary('list the sites of a federation catalog')
    .description(
      'List the sites of a catalog: where they are, who operates them and under which law,\n' +
        'their certifications (expired ones marked), their GPUs and their cheapest price per GPU-hour.',
    )
    .requiredOption('--catalog <file>', 'the federation catalog (YAML)')
    .option('--at <time>', 'judge certification expiry at this RFC 3339 instant (default: now)')
    .option('--json', 'print the sites as JSON')
    .addHelpText('after', '\nExample:\n  usine sites --catalog examples/federation.yaml')
    .action(async (options: { catalog: string; json?: boolean; at?: string }) => {
      const at = parseInstant(options.at, io);
      const { catalog } = await loadDocuments([options.catalog], io);
      const summaries = catalog.sites.map((site) => summariseSite(site, catalog, at));
      if (options.json) {
        io.stdout(`${JSON.stringify(summaries, null, 2)}\n`);
      } else {
        const rows = summaries.map((s) => [
          s.name,
          s.provider,
          s.city ? `${s.country} (${s.city})` : s.country,
          [s.jurisdiction.operator ?? '?', ...s.jurisdiction.parents.map((p) => `parent ${p}`)].join(', '),
          s.certifications.map((c) => (c.valid ? c.name : `${c.name} (expired ${c.expires})`)).join(', ') ||
            '-',
          Object.entries(s.gpus)
            .map(([model, n]) => `${n}×${model}`)
            .join(', '),
          s.cheapest ? `${s.cheapest.pricePerGpuHour} (${s.cheapest.gpuModel} ${s.cheapest.kind})` : '-',
        ]);
        io.stdout(
          renderTable(
            ['site', 'provider', 'country', 'jurisdiction', 'certifications', 'gpus', 'from /GPU-h'],
            rows,
          ),
        );
      }
      setExit(ExitCode.ok);
    });
}
