import type { Command } from 'commander';
import {
  decimalFromInteger,
  divideDecimals,
  formatDecimal,
  parseDecimal,
} from '../../domain/money/decimal.js';
import { addClientOptions, withClient } from '../client-config.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

const GROUPS = ['job', 'project', 'site', 'gpuModel', 'day'];
const BAR_WIDTH = 30;

interface ClientFlags {
  url?: string;
  apiKey?: string;
}

/** `usine usage`, `usine invoice`, `usine budget set|list`. */
export function registerMetering(program: Command, io: CliIo, setExit: SetExit): void {
  addClientOptions(
    program
      .command('usage')
      .summary('used GPU-hours, energy (kWh) and cost, grouped, with a bar chart on a terminal')
      .description(
        'What was used and what it cost, grouped by job, project, site, GPU model or day: GPU-hours\n' +
          '(metered per GPU-second, shown to 3 decimals), energy in kWh and the exact cost. --json prints\n' +
          'the server’s figures unrounded: gpuSeconds, energyWh and cost.',
      )
      .option('--group-by <dimension>', `one of ${GROUPS.join(', ')}`, 'project')
      .option('--from <instant>', 'RFC 3339 (default: the start of this month)')
      .option('--to <instant>', 'RFC 3339 (default: the end of this month)')
      .option('--json', 'print JSON'),
  ).action(async (options: ClientFlags & { groupBy: string; from?: string; to?: string; json?: boolean }) => {
    if (!GROUPS.includes(options.groupBy)) {
      throw new CliExit(ExitCode.usage, `--group-by must be one of ${GROUPS.join(', ')}`);
    }
    await withClient(io, options, async (client) => {
      const usage = await client.getUsage({ groupBy: options.groupBy, from: options.from, to: options.to });
      if (options.json) io.stdout(`${JSON.stringify(usage, null, 2)}\n`);
      else io.stdout(renderUsage(usage.items, io.isTty));
      setExit(ExitCode.ok);
    });
  });

  addClientOptions(
    program
      .command('invoice')
      .summary('the invoice of a month: a table, or JSON, CSV or a printable HTML page')
      .option('--month <YYYY-MM>', 'the calendar month (default: this one)')
      .option('--format <format>', 'text, json, csv or html', 'text')
      .option('--json', 'print {items} as JSON (the same as --format json)'),
  ).action(async (options: ClientFlags & { month?: string; format: string; json?: boolean }) => {
    if (options.json) options.format = 'json';
    if (!['text', 'json', 'csv', 'html'].includes(options.format)) {
      throw new CliExit(ExitCode.usage, '--format must be text, json, csv or html');
    }
    const month = options.month ?? io.now().toISOString().slice(0, 7);
    await withClient(io, options, async (client) => {
      const { items } = await client.listInvoices(month);
      if (items.length === 0) {
        io.stderr(`no usage invoiced for ${month}\n`);
        setExit(ExitCode.notFound);
        return;
      }
      if (options.format === 'json') io.stdout(`${JSON.stringify({ items }, null, 2)}\n`);
      else if (options.format === 'csv' || options.format === 'html') {
        for (const invoice of items) io.stdout(await client.getInvoiceText(invoice.id, options.format));
      } else {
        for (const invoice of items) {
          io.stdout(`${invoice.id} (${invoice.status})\n`);
          io.stdout(
            renderTable(
              ['project', 'site', 'gpu', 'offering', 'gpu-hours', 'unit price', 'amount'],
              invoice.lines.map((l) => [
                l.project,
                l.site,
                l.gpuModel,
                l.offering,
                l.gpuHours,
                l.unitPrice,
                l.amount,
              ]),
            ),
          );
          io.stdout(
            `subtotal ${invoice.subtotal}   tax (${invoice.taxRate}) ${invoice.tax}   total ${invoice.total}\n`,
          );
          if (invoice.converted)
            io.stdout(`         in ${invoice.converted.currency}: total ${invoice.converted.total}\n`);
        }
      }
      setExit(ExitCode.ok);
    });
  });

  const budget = program.command('budget').summary('monthly budgets of the tenant or a project');
  addClientOptions(
    budget
      .command('set <scope> <limit>')
      .summary('set a budget: scope `tenant` or `project:NAME`, limit `100.00 EUR` or `50h` (GPU-hours)')
      .option('--on-exceeded <policy>', 'wait or reject', 'wait')
      .option('--stop-preemptible', 'stop running spot jobs at 100 %')
      .option('--json', 'print JSON'),
  ).action(
    async (
      scope: string,
      limit: string,
      options: ClientFlags & { onExceeded: string; stopPreemptible?: boolean; json?: boolean },
    ) => {
      const hours = /^(\d+(?:\.\d+)?)h$/.exec(limit);
      await withClient(io, options, async (client) => {
        const result = await client.putBudget(scope, {
          limit: hours ? { gpuHours: Number(hours[1]) } : limit,
          period: 'month',
          onExceeded: options.onExceeded,
          stopPreemptible: options.stopPreemptible ?? false,
        });
        io.stdout(
          options.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : `${result.scope}: ${result.percent} % used\n`,
        );
        setExit(ExitCode.ok);
      });
    },
  );
  addClientOptions(
    budget.command('list').summary('budgets and their use this month').option('--json', 'print JSON'),
  ).action(async (options: ClientFlags & { json?: boolean }) => {
    await withClient(io, options, async (client) => {
      const { items } = await client.listBudgets();
      io.stdout(
        options.json
          ? `${JSON.stringify({ items }, null, 2)}\n`
          : renderTable(
              ['scope', 'limit', 'used', 'alerts', 'at 100 %'],
              items.map((b) => [
                b.scope,
                typeof b.limit === 'string' ? b.limit : `${b.limit.gpuHours} GPU-h`,
                `${b.percent} %`,
                b.alerts.join(' '),
                b.onExceeded,
              ]),
            ),
      );
      setExit(ExitCode.ok);
    });
  });
}

/** A table with a bar per row, scaled to the largest GPU-seconds (bars only on a terminal). */
export function renderUsage(
  items: readonly { key: string; gpuSeconds: string; energyWh: string; cost: string }[],
  withBars: boolean,
): string {
  // the bars are drawn from floats: display only, never an amount
  const max = Math.max(0, ...items.map((i) => Number(i.gpuSeconds)));
  return renderTable(
    ['key', 'gpu-hours', 'energy kWh', 'cost', ...(withBars ? [''] : [])],
    items.map((i) => [
      i.key,
      divideExactly(i.gpuSeconds, 3600),
      divideExactly(i.energyWh, 1000),
      i.cost,
      ...(withBars
        ? ['█'.repeat(max > 0 ? Math.max(1, Math.round((Number(i.gpuSeconds) / max) * BAR_WIDTH)) : 0)]
        : []),
    ]),
  );
}

/** `7200` GPU-seconds ÷ 3600 → `2.000` GPU-hours: decimal arithmetic, rounded half to even. */
function divideExactly(text: string, by: number): string {
  const value = parseDecimal(text);
  return value ? formatDecimal(divideDecimals(value, decimalFromInteger(by), 3)) : text;
}
