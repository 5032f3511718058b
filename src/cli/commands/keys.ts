import type { Command } from 'commander';
import type { CreatedKeyView } from '../../api/key-schemas.js';
import { SITE_ROLES } from '../../app/ports/records.js';
import { addClientOptions, withClient } from '../client-config.js';
import { ExitCode, type CliIo } from '../io.js';
import type { UsineClient } from '../../sdk/usine-client.js';
import type { SetExit } from './index.js';

interface ClientFlags {
  json?: boolean;
  url?: string;
  apiKey?: string;
}

export function registerKeys(program: Command, io: CliIo, setExit: SetExit): void {
  const keys = program.command('keys').summary('create, list, rotate and revoke API keys');
  addClientOptions(
    keys
      .command('create')
      .requiredOption(
        '--role <role>',
        'owner, member, viewer, auditor; or a site credential: agent, metering',
      )
      .option('--tenant <tenant>', 'the tenant, by id (ten_…) or name (not for agent and metering keys)')
      .option('--project <project>', 'the project a member key is limited to')
      .option('--site <site>', 'the one site an agent or metering key acts for')
      .option('--expires <when>', 'a duration from now (30d, 12h) or an RFC 3339 instant')
      .option('--json', 'print JSON'),
  ).action(
    async (
      options: ClientFlags & {
        tenant?: string;
        role: string;
        project?: string;
        site?: string;
        expires?: string;
      },
    ) => {
      await withClient(io, options, async (client) => {
        const isSiteKey = (SITE_ROLES as readonly string[]).includes(options.role);
        if (!isSiteKey && options.tenant === undefined) {
          io.stderr(
            `error: --tenant is required for a ${options.role} key (only agent and metering keys have none)\n`,
          );
          setExit(ExitCode.usage);
          return;
        }
        const key = isSiteKey
          ? await client.createSiteKey(options.role, options.site ?? '', options.expires)
          : await client.createKey(await resolveTenant(client, options.tenant ?? ''), options.role, {
              project: options.project,
              expires: options.expires,
            });
        printCreated(io, key, options.json === true);
        setExit(ExitCode.ok);
      });
    },
  );
}

/** A tenant by id (`ten_…`) or by name. */
export async function resolveTenant(client: UsineClient, tenant: string): Promise<string> {
  if (tenant.startsWith('ten_')) return tenant;
  return (await client.listTenants()).items.find((t) => t.name === tenant)?.id ?? tenant;
}

function printCreated(io: CliIo, key: CreatedKeyView, json: boolean): void {
  if (json) {
    io.stdout(`${JSON.stringify(key, null, 2)}\n`);
    return;
  }
  io.stdout(`${key.key}\n`);
  const scope = key.site !== null ? ` for site ${key.site}` : ` for ${key.tenantId ?? 'the operator'}`;
  const project = key.project ? ` (project ${key.project})` : '';
  const expiry = key.expiresAt ? `, expires ${key.expiresAt}` : '';
  io.stderr(`${key.role} key ${key.id}${scope}${project}${expiry}: shown once, store it now\n`);
}
