import { resolve } from 'node:path';
import type { Command } from 'commander';
import { StartRefused } from '../../server/start-refused.js';
import { DEFAULT_DATA_DIR } from '../client-config.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import type { SetExit } from './index.js';

export function registerAdmin(program: Command, io: CliIo, setExit: SetExit): void {
  const admin = program.command('admin').summary('operator tasks on the data dir, with Usine stopped');
  admin
    .command('reset-key')
    .summary('revoke the admin keys and write a new one to admin.key')
    .description(
      'For a lost or unreadable admin key: with Usine stopped, opens the data dir’s store (or\n' +
        'PostgreSQL when DATABASE_URL is set), revokes every admin key, creates a new one and writes\n' +
        'it to <data-dir>/admin.key (mode 0600). Both are audit entries. The new key is printed on stdout.',
    )
    .option('--data-dir <dir>', 'the data dir (USINE_DATA_DIR)', io.env['USINE_DATA_DIR'] ?? DEFAULT_DATA_DIR)
    .option('--json', 'print JSON: the new key’s id and secret, its file, the keys revoked')
    .addHelpText('after', '\nExample:\n  usine admin reset-key --data-dir .usine')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      const dataDir = resolve(io.cwd, options.dataDir);
      // the store (PGlite) loads only here: every other command starts fast
      const { resetAdminKeyOffline } = await import('../../server/data-dir/reset-admin-key-offline.js');
      const reset = await resetAdminKeyOffline(dataDir, {
        ...(io.env['DATABASE_URL'] ? { databaseUrl: io.env['DATABASE_URL'] } : {}),
      }).catch((error: unknown) => {
        if (error instanceof StartRefused) throw new CliExit(ExitCode.error, error.message);
        throw error;
      });
      io.stderr(
        `usine: ${reset.revoked.length} admin key(s) revoked (${reset.revoked.join(', ') || 'none'}); ` +
          `the new one, ${reset.keyId}, is in ${reset.file} (mode 0600)\n`,
      );
      io.stdout(
        options.json
          ? `${JSON.stringify({ id: reset.keyId, secret: reset.secret, file: reset.file, revoked: reset.revoked }, null, 2)}\n`
          : `${reset.secret}\n`,
      );
      setExit(ExitCode.ok);
    });
}
