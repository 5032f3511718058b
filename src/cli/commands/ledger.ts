import type { Command } from 'commander';
import type { CorrectionBodyView, UsageRecordView } from '../../api/metering-schemas.js';
import { addClientOptions, withClient } from '../client-config.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

interface ClientFlags {
  url?: string;
  apiKey?: string;
  json?: boolean;
}

/** `usine ledger list|void|adjust`: the usage records themselves, and the operator's corrections. */
export function registerLedger(program: Command, io: CliIo, setExit: SetExit): void {
  const ledger = program
    .command('ledger')
    .summary('the usage records behind invoices, and the operator’s corrections (void, adjust)');
  addClientOptions(
    ledger
      .command('list')
      .summary('usage records, each with its key (a correction says what it corrects and why)')
      .option('--tenant <id>', "whose records (the operator's key)")
      .option('--job <id>', 'only this job’s')
      .option('--from <instant>', 'RFC 3339 (default: the start of this month)')
      .option('--to <instant>', 'RFC 3339 (default: the end of this month)')
      .option('--json', 'print {items} as JSON'),
  ).action(async (options: ClientFlags & { tenant?: string; job?: string; from?: string; to?: string }) => {
    await withClient(io, options, async (client) => {
      const { items } = await client.listUsageRecords(options);
      io.stdout(options.json ? `${JSON.stringify({ items }, null, 2)}\n` : renderRecords(items));
      setExit(ExitCode.ok);
    });
  });
  const correct =
    (kind: 'void' | 'adjust') => async (key: string, options: ClientFlags & CorrectionFlags) => {
      if (options.reason === undefined || options.reason.trim() === '')
        throw new CliExit(ExitCode.usage, '--reason is required: it is kept with the correction');
      const body: CorrectionBodyView = {
        of: key,
        kind,
        reason: options.reason,
        ...(options.gpus !== undefined ? { gpus: Number(options.gpus) } : {}),
        ...(options.start !== undefined ? { start: options.start } : {}),
        ...(options.end !== undefined ? { end: options.end } : {}),
        ...(options.energyWh !== undefined ? { energyWh: options.energyWh } : {}),
      };
      await withClient(io, options, async (client) => {
        const done = await client.correctUsage(body);
        io.stdout(
          options.json
            ? `${JSON.stringify(done, null, 2)}\n`
            : `${done.corrected} ${kind === 'void' ? 'voided' : 'adjusted'}: ${done.records.map((r) => r.key).join(', ')}\n`,
        );
        setExit(ExitCode.ok);
      });
    };
  addClientOptions(
    ledger
      .command('void <key>')
      .summary('take a record back whole: a compensating record, the original stays (operator)')
      .option('--reason <text>', 'why (kept with the correction, audited)')
      .option('--json', 'print the compensating record as JSON'),
  ).action(correct('void'));
  addClientOptions(
    ledger
      .command('adjust <key>')
      .summary('replace a record’s GPUs, interval or energy: its void and a replacement (operator)')
      .option('--reason <text>', 'why (kept with the correction, audited)')
      .option('--gpus <n>', 'the GPUs it really held')
      .option('--start <instant>', 'when it really started (RFC 3339)')
      .option('--end <instant>', 'when it really ended (RFC 3339)')
      .option('--energy-wh <wh>', 'the energy it really used, in watt-hours')
      .option('--json', 'print the compensating records as JSON'),
  ).action(correct('adjust'));
}

interface CorrectionFlags {
  reason?: string;
  gpus?: string;
  start?: string;
  end?: string;
  energyWh?: string;
}

function renderRecords(items: readonly UsageRecordView[]): string {
  return renderTable(
    ['key', 'job', 'site', 'gpus', 'start', 'gpu-seconds', 'energy Wh', 'correction'],
    items.map((r) => [
      r.key,
      r.job ?? '-',
      r.site,
      r.gpus,
      r.start,
      r.gpuSeconds,
      r.energyWh,
      r.correction ? `${r.correction.kind} of ${r.correction.of}: ${r.correction.reason}` : '-',
    ]),
  );
}
