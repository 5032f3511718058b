import type { Command } from 'commander';
import { addClientOptions, withClient } from '../client-config.js';
import { ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

export function registerTenants(program: Command, io: CliIo, setExit: SetExit): void {
  const tenants = program.command('tenants').summary('create and list tenants (operator)');
  addClientOptions(
    tenants.command('create').argument('<name>', 'lower-case name').option('--json', 'print JSON'),
  ).action(async (name: string, options: { json?: boolean; url?: string; apiKey?: string }) => {
    await withClient(io, options, async (client) => {
      const tenant = await client.createTenant(name);
      io.stdout(options.json ? `${JSON.stringify(tenant, null, 2)}\n` : `${tenant.id} ${tenant.name}\n`);
      setExit(ExitCode.ok);
    });
  });
  addClientOptions(tenants.command('list').option('--json', 'print JSON')).action(
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

  const keys = program.command('keys').summary('create API keys for a tenant');
  addClientOptions(
    keys
      .command('create')
      .requiredOption('--tenant <tenant>', 'the tenant, by id (ten_…) or name')
      .requiredOption('--role <role>', 'owner, member, viewer or auditor')
      .option('--project <project>', 'the project a member key is limited to')
      .option('--json', 'print JSON'),
  ).action(
    async (options: {
      tenant: string;
      role: string;
      project?: string;
      json?: boolean;
      url?: string;
      apiKey?: string;
    }) => {
      await withClient(io, options, async (client) => {
        const tenantId = options.tenant.startsWith('ten_')
          ? options.tenant
          : ((await client.listTenants()).items.find((t) => t.name === options.tenant)?.id ?? options.tenant);
        const key = await client.createKey(tenantId, options.role, options.project);
        if (options.json) io.stdout(`${JSON.stringify(key, null, 2)}\n`);
        else {
          io.stdout(`${key.key}\n`);
          io.stderr(
            `${key.role} key ${key.id} for ${key.tenantId}${key.project ? ` (project ${key.project})` : ''}: shown once, store it now\n`,
          );
        }
        setExit(ExitCode.ok);
      });
    },
  );
}
