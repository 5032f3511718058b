import type { Command } from 'commander';
import { addClientOptions, withClient } from '../client-config.js';
import { ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
import { verifyAuditFromCli, type AuditVerifyOptions, type AuditVerifyOutcome } from './audit-verify.js';
import type { SetExit } from './index.js';

function describeVerification(result: AuditVerifyOutcome): string {
  const whose = result.scope === 'tenant' ? 'your entries' : 'entries';
  const lines = result.ok
    ? [`ok: ${result.entries} ${whose}, head ${result.entries}:${result.headHash ?? '-'}`]
    : [
        `TAMPERED: ${result.problem ?? ''} (first bad entry ${result.firstBadEntry ?? '-'}, ${result.kind ?? ''})`,
      ];
  if (result.checkpoint)
    lines.push(
      `checkpoint: ${result.checkpoint.count} ${whose} at ${result.checkpoint.at}, signed by key ${result.keyId}`,
    );
  else lines.push(`no checkpoint signed yet (key ${result.keyId})`);
  if (result.anchor) lines.push(`held against your checkpoint ${result.anchor}`);
  if (result.rejected)
    lines.push(
      `ALERT: ${result.rejected.count} forged entries were queued and refused (first recorded at entry ${result.rejected.firstEntry})`,
    );
  if (result.pending) lines.push(`${result.pending} newer entries not sealed yet`);
  return `${lines.join('\n')}\n`;
}

export function registerAudit(program: Command, io: CliIo, setExit: SetExit): void {
  const audit = program.command('audit').summary('read and verify the tamper-evident audit log');
  addClientOptions(
    audit
      .command('verify')
      .summary('check the chain against the latest checkpoint you trust')
      .description(
        'Checks the audit chain against the signed checkpoints (docs/audit.md): by default the\n' +
          "server's latest, whose signature is checked here; with --checkpoint, a file you kept\n" +
          '(a checkpoint, or a copy of the witness file: its last line); with --expect, COUNT:HASH as\n' +
          'this command prints the head. A tenant key verifies its own entries, here, against its\n' +
          'signed tenant checkpoint. Exit 0: intact; 1: tampered (the first bad entry and how).',
      )
      .option('--checkpoint <file>', 'a checkpoint you trust (JSON, or JSON lines: the last one counts)')
      .option('--expect <count:hash>', 'the head you trust, as printed by a previous verify')
      .option('--public-key <file>', "the factory's public key (default: fetched from the server)")
      .option('--full', 'recompute the whole chain, not only what was sealed since the last verification')
      .option('--json', 'print JSON'),
  ).action(async (options: AuditVerifyOptions & { json?: boolean; url?: string; apiKey?: string }) => {
    await withClient(io, options, async (client) => {
      const result = await verifyAuditFromCli(client, options);
      if (options.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else io.stdout(describeVerification(result));
      setExit(result.ok && !result.rejected ? ExitCode.ok : ExitCode.error);
    });
  });
  addClientOptions(
    audit
      .command('list')
      .summary('the entries, oldest first')
      .option('--cursor <seq>', 'after this entry')
      .option('--limit <n>', 'how many', '50')
      .option('--actor <actor>', "this actor's entries only (key:ID, placement, …)")
      .option('--action <prefix>', 'entries whose action starts with this (job., job.submit)')
      .option('--json', 'print JSON'),
  ).action(
    async (options: {
      cursor?: string;
      limit: string;
      actor?: string;
      action?: string;
      json?: boolean;
      url?: string;
      apiKey?: string;
    }) => {
      await withClient(io, options, async (client) => {
        const page = await client.listAudit(options.cursor, Number(options.limit), {
          actor: options.actor,
          action: options.action,
        });
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
