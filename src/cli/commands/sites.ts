import type { Command } from 'commander';
import { summariseSite } from '../../domain/catalog/describe-site.js';
import type { SiteView } from '../../api/schemas.js';
import { addClientOptions, withClient } from '../client-config.js';
import { ExitCode, type CliIo } from '../io.js';
import { loadDocuments } from '../load-documents.js';
import { renderTable } from '../render-table.js';
import { parseInstant } from '../parse-instant.js';
import type { SetExit } from './index.js';

export function registerSites(program: Command, io: CliIo, setExit: SetExit): void {
  addClientOptions(
    program
      .command('sites')
      .summary('list the sites of a federation catalog, or of the running server')
      .description(
        'List the sites of a catalog: where they are, who operates them and under which law,\n' +
          'their certifications (expired ones marked), their GPUs and their cheapest price per GPU-hour.\n' +
          'Without --catalog, the sites of the running server as it runs them: each backend, the\n' +
          "API version it is spoken to in (Slurm's slurmrestd) or why none, GPUs free of total, nodes usable.",
      )
      .option('--catalog <file>', 'the federation catalog (YAML)')
      .option('--at <time>', 'judge certification expiry at this RFC 3339 instant (default: now)')
      .option('--json', 'print the sites as JSON')
      .addHelpText(
        'after',
        '\nExamples:\n  usine sites --catalog examples/federation.yaml\n  usine sites                 # the running server',
      ),
  ).action(
    async (options: { catalog?: string; json?: boolean; at?: string; url?: string; apiKey?: string }) => {
      if (options.catalog === undefined) {
        await withClient(io, options, async (client) => {
          const { items } = await client.listSites();
          io.stdout(options.json ? `${JSON.stringify(items, null, 2)}\n` : renderLiveSites(items));
        });
        setExit(ExitCode.ok);
        return;
      }
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
    },
  );
}

/** The server's sites: backend and its API version, GPUs free of total, usable nodes. */
function renderLiveSites(items: readonly SiteView[]): string {
  const rows = items.map((s) => {
    const total = Object.values(s.gpus).reduce((a, b) => a + b, 0);
    const api = s.api ? (s.api.version ?? `none: ${s.api.problem ?? 'not negotiated yet'}`) : '-';
    const nodes = s.nodes ? `${s.nodes.filter((n) => n.usable).length}/${s.nodes.length}` : '-';
    return [
      s.name,
      s.virtual ? `${s.backend} (virtual)` : s.backend,
      api,
      `${s.gpusFree}/${total}`,
      nodes,
      s.running ? 'yes' : 'no',
    ];
  });
  return renderTable(['site', 'backend', 'api', 'gpus free', 'nodes usable', 'running'], rows);
}
