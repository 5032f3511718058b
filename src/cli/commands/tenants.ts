import type { Command } from 'commander';
import { addClientOptions, withClient } from '../client-config.js';
import { ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

export function registerTenants(program: Command, io: CliIo, setExit: SetExit): void {
  const tenants = program.command('tenants').summary('create and list tenants (operator)');
  addClientOptions(
    tenants
      .command('create')
      .summary('create a tenant')
      .argument('<name>', 'lower-case name')
      .option('--json', 'print JSON'),
  ).action(async (name: string, options: { json?: boolean; url?: string; apiKey?: string }) => {
    await withClient(io, options, async (client) => {
      const tenant = await client.createTenant(name);
      io.stdout(options.json ? `${JSON.stringify(tenant, null, 2)}\n` : `${tenant.id} ${tenant.name}\n`);
      setExit(ExitCode.ok);
    });
  });
  addClientOptions(
    tenants
      .command('erase')
      .summary('erase a tenant’s personal data (GDPR Art. 17); the audit chain still verifies')
      .description(
        'Erases, on a data subject’s request, the tenant’s spec env values, labels, job names\n' +
          '(pseudonymised), logs, and the data of the audit entries that named them; each erased\n' +
          'entry keeps its hash and the SHA-256 of what was erased, and the erasure’s own audit entry\n' +
          'lists what is kept and why (usage and invoices: accounting law). Operator key only.',
      )
      .argument('<tenant>', 'the tenant id')
      .requiredOption('--reason <text>', 'whose request this answers (kept in the audit entry)')
      .option('--json', 'print JSON: what was erased, what is kept and why'),
  ).action(
    async (tenant: string, options: { reason: string; json?: boolean; url?: string; apiKey?: string }) => {
      await withClient(io, options, async (client) => {
        const report = await client.eraseTenant(tenant, options.reason);
        const erased = report['erased'] as Record<string, number>;
        io.stdout(
          options.json
            ? `${JSON.stringify(report, null, 2)}\n`
            : `${String(report['erasureId'])}: ${Object.entries(erased)
                .map(([what, n]) => `${n} ${what}`)
                .join(', ')} erased\n`,
        );
        setExit(ExitCode.ok);
      });
    },
  );
  addClientOptions(tenants.command('list').summary('list the tenants').option('--json', 'print JSON')).action(
    async (options: { json?: boolean; url?: string; apiKey?: string }) => {
      await withClient(io, options, async (client) => {
        const { items } = await client.listTenants();
        io.stdout(
          options.json
            ? `${JSON.stringify(items, null, 2)}\n`
            : renderTable(
                ['id', 'name', 'created'],
                items.map((t) => [t.id, t.name, t.createdAt]),
              ),
        );
        setExit(ExitCode.ok);
      });
    },
  );
}
