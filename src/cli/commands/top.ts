import type { Command } from 'commander';
import type { FactorySummaryView } from '../../api/metering-schemas.js';
import type { SiteView } from '../../api/schemas.js';
import { addClientOptions, withClient } from '../client-config.js';
import { ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

export function registerTop(program: Command, io: CliIo, setExit: SetExit): void {
  addClientOptions(
    program
      .command('top')
      .summary('the factory at a glance: sites, queues and spend')
      .description(
        "Each site's GPUs (used and free) with its running and waiting jobs, the jobs by state, and\n" +
          "this month's spend against budgets: the whole factory with the operator's key, a tenant's\n" +
          'own share with its key (spend for keys that read usage).',
      )
      .option('--json', 'print {sites, summary} as JSON'),
  ).action(async (options: { json?: boolean; url?: string; apiKey?: string }) => {
    await withClient(io, options, async (client) => {
      const [sites, summary] = await Promise.all([client.listSites(), client.getSummary()]);
      if (options.json) io.stdout(`${JSON.stringify({ sites: sites.items, summary }, null, 2)}\n`);
      else io.stdout(renderTop(sites.items, summary));
      setExit(ExitCode.ok);
    });
  });
}

function renderTop(sites: readonly SiteView[], summary: FactorySummaryView): string {
  const load = new Map(summary.sites.map((s) => [s.site, s]));
  const siteRows = sites.map((s) => [
    s.name,
    s.running ? `${s.backend}${s.virtual ? ' (virtual)' : ''}` : `${s.backend} (not run here)`,
    String(Object.values(s.gpus).reduce((a, b) => a + b, 0)),
    String(s.gpusAllocated),
    String(s.gpusFree),
    String(load.get(s.name)?.running ?? 0),
    String(load.get(s.name)?.waiting ?? 0),
  ]);
  const states = Object.entries(summary.jobs)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`);
  const parts = [
    renderTable(['site', 'backend', 'gpus', 'used', 'free', 'running', 'waiting'], siteRows),
    `\n${summary.scope === 'factory' ? 'all tenants' : 'this tenant'}: ${states.join(', ') || 'no jobs'}; ` +
      `${summary.queued} not placed yet\n`,
  ];
  if (summary.spend) {
    const spendRows = summary.spend.map((t) => [
      t.tenant,
      t.invoiced.map((i) => i.total).join(', ') || '0',
      t.budgets.map((b) => `${b.scope} ${b.percent}%${b.exhausted ? ' (spent)' : ''}`).join(', ') || '-',
    ]);
    parts.push(`\nspend in ${summary.month}:\n`, renderTable(['tenant', 'invoiced', 'budgets'], spendRows));
  }
  return parts.join('');
}
