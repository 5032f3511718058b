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
