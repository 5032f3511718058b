import type { Command } from 'commander';
import type { CreatedKeyView } from '../../api/key-schemas.js';
import { SITE_ROLES } from '../../app/ports/records.js';
import { addClientOptions, withClient } from '../client-config.js';
import { ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
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
      .summary('create a key; its secret is printed once')
      .requiredOption(
        '--role <role>',
        'owner, member, viewer, auditor, service (calls services only); or a site credential: agent, metering',
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
  addClientOptions(
    keys
      .command('list')
      .summary('list keys, without their secrets')
      .option('--tenant <tenant>', "a tenant's keys, by id or name (default: the caller's own)")
      .option('--json', 'print JSON'),
  ).action(async (options: ClientFlags & { tenant?: string }) => {
    await withClient(io, options, async (client) => {
      const tenantId = options.tenant === undefined ? undefined : await resolveTenant(client, options.tenant);
      const { items } = await client.listKeys(tenantId);
      io.stdout(
        options.json
          ? `${JSON.stringify(items, null, 2)}\n`
          : renderTable(
              ['id', 'role', 'scope', 'created', 'last used', 'expires', 'revoked'],
              items.map((k) => [
                k.id,
                k.role,
                k.site ?? k.project ?? k.tenantId ?? '',
                k.createdAt,
                k.lastUsedAt ?? '-',
                k.expiresAt ?? 'never',
                k.revokedAt ?? '-',
              ]),
            ),
      );
      setExit(ExitCode.ok);
    });
  });
  addClientOptions(
    keys
      .command('revoke')
      .summary('revoke a key now')
      .argument('<key-id>', 'the key (key_…)')
      .option('--json', 'print JSON'),
  ).action(async (keyId: string, options: ClientFlags) => {
    await withClient(io, options, async (client) => {
      const key = await client.revokeKey(keyId);
      io.stdout(
        options.json ? `${JSON.stringify(key, null, 2)}\n` : `${key.id} revoked at ${key.revokedAt ?? ''}\n`,
      );
      setExit(ExitCode.ok);
    });
  });
  addClientOptions(
    keys
      .command('rotate')
      .summary('give a key a new secret; the old one works for --grace')
      .argument('<key-id>', 'the key (key_…)')
      .option('--grace <duration>', 'how long the old secret keeps working: 0s to 7d', '1h')
      .option('--json', 'print JSON'),
  ).action(async (keyId: string, options: ClientFlags & { grace: string }) => {
    await withClient(io, options, async (client) => {
      const rotated = await client.rotateKey(keyId, options.grace);
      printCreated(io, rotated, options.json === true);
      if (!options.json)
        io.stderr(
          `the old key ${rotated.replaced.id} stops working at ${rotated.replaced.expiresAt ?? ''}\n`,
        );
      setExit(ExitCode.ok);
    });
  });
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
