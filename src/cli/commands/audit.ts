import type { Command } from 'commander';
import { addClientOptions, withClient } from '../client-config.js';
import { ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

export function registerAudit(program: Command, io: CliIo, setExit: SetExit): void {
  const audit = program.command('audit').summary('read and verify the tamper-evident audit log');
  addClientOptions(
    audit.command('verify').summary('recompute the hash chain').option('--json', 'print JSON'),
  ).action(async (options: { json?: boolean; url?: string; apiKey?: string }) => {
    await withClient(io, options, async (client) => {
      const result = await client.verifyAudit();
      if (options.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.ok)
        io.stdout(
          `ok: ${result.entries} entries, head ${result.headHash ?? '-'}${result.pending ? ` (${result.pending} newer entries not sealed yet)` : ''}\n`,
        );
      else
        io.stdout(
          `TAMPERED: ${result.problem} (first bad entry ${result.firstBadEntry}, ${result.entries} checked)\n`,
        );
      setExit(result.ok ? ExitCode.ok : ExitCode.error);
    });
  });
  addClientOptions(
    audit
      .command('list')
      .summary('the entries, oldest first')
      .option('--cursor <seq>', 'after this entry')
      .option('--limit <n>', 'how many', '50')
      .option('--json', 'print JSON'),
  ).action(
    async (options: { cursor?: string; limit: string; json?: boolean; url?: string; apiKey?: string }) => {
      await withClient(io, options, async (client) => {
        const page = await client.listAudit(options.cursor, Number(options.limit));
        io.stdout(
          options.json
            ? `${JSON.stringify(page, null, 2)}\n`
            : renderTable(
                ['seq', 'at', 'actor', 'action', 'subject'],
                page.items.map((e) => [String(e.seq), e.at, e.actor, e.action, e.subject]),
              ),
        );
        setExit(ExitCode.ok);
      });
    },
  );
}
