import { createReadStream, createWriteStream, existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { ExportVerification } from '../../app/exchange/verify-export.js';
import { StartRefused } from '../../server/start-refused.js';
import { addClientOptions, DEFAULT_DATA_DIR, withClient } from '../client-config.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import type { SetExit } from './index.js';

export function registerExport(program: Command, io: CliIo, setExit: SetExit): void {
  const exportCommand = addClientOptions(
    program
      .command('export')
      .summary('write everything a tenant owns to a directory or a .tar, with a signed manifest')
      .description(
        'Streams the tenant’s export from the server (GET /v1/export): specs, jobs with their\n' +
          'decisions and events, usage, invoices, budgets, key metadata and the audit entries with\n' +
          'the signed checkpoints that prove them, in open formats (docs/export-format.md).\n' +
          'With --to DIR the files are unpacked there (a new or empty directory); with --to\n' +
          'FILE.tar the archive is kept as it came. `usine export verify` checks it offline.',
      )
      .option('--tenant <id>', 'the tenant (the operator key; a tenant key exports its own)')
      .option('--to <dir|file.tar>', 'where to write it', 'usine-export')
      .option('--json', 'print JSON: where it went and its files'),
  ).action(
    async (options: { tenant?: string; to: string; json?: boolean; url?: string; apiKey?: string }) => {
      const target = resolve(io.cwd, options.to);
      const { extractTar } = await import('../../server/exchange/extract-tar.js');
      const isTar = target.endsWith('.tar');
      if (isTar ? existsSync(target) : existsSync(target) && readdirSync(target).length > 0)
        throw new CliExit(
          ExitCode.error,
          `${options.to} already exists${isTar ? '' : ' and is not empty'}: choose another --to`,
        );
      const { files, complete } = await withClient(io, options, async (client) => {
        const stream = client.exportTenant(options.tenant);
        if (!isTar) {
          await mkdir(target, { recursive: true, mode: 0o700 });
          return extractTar(stream, target);
        }
        await pipeline(Readable.from(stream), createWriteStream(target, { flags: 'wx', mode: 0o600 }));
        return extractTar(createReadStream(target), undefined);
      });
      if (!complete || !files.includes('manifest.sig'))
        throw new CliExit(
          ExitCode.error,
          `the export was cut before its end (${files.length} files came): run it again`,
        );
      io.stderr(
        `usine: ${files.length} files written to ${options.to}; check them with usine export verify ${options.to}\n`,
      );
      io.stdout(options.json ? `${JSON.stringify({ to: target, files }, null, 2)}\n` : `${target}\n`);
      setExit(ExitCode.ok);
    },
  );

  exportCommand
    .command('verify')
    .summary('check an export offline: hashes, rows, signatures, audit proofs')
    .description(
      'Checks an export with no server: the manifest’s signature under the factory’s public key,\n' +
        'every file’s SHA-256 and row count against the manifest (a row edited, removed or added is\n' +
        'found, and a file added or removed), and the audit entries against the signed tenant\n' +
        'checkpoints. Without --public-key the export’s own key is used: that proves the export is\n' +
        'whole, not who made it (compare its id with GET /v1/audit/public-key). Exit 0: intact; 1: not.',
    )
    .argument('<export>', 'a directory written by usine export, or a .tar')
    .option('--public-key <file>', 'the factory’s public key you trust (PEM)')
    .option('--json', 'print JSON: the verification and every problem')
    .action(async (path: string, _options: unknown, command: Command) => {
      // `export` has a --json of its own: Commander gives it the flag when written after the path
      const options = command.optsWithGlobals<{ publicKey?: string; json?: boolean }>();
      const result = await verifyExportPath(
        resolve(io.cwd, path),
        options.publicKey && resolve(io.cwd, options.publicKey),
      );
      io.stdout(options.json ? `${JSON.stringify(result, null, 2)}\n` : describeVerification(result));
      setExit(result.ok ? ExitCode.ok : ExitCode.error);
    });
}

async function verifyExportPath(
  path: string,
  publicKeyFile: string | undefined,
): Promise<ExportVerification> {
  const publicKeyPem = publicKeyFile === undefined ? undefined : await readFile(publicKeyFile, 'utf8');
  const { verifyExport } = await import('../../app/exchange/verify-export.js');
  const { createDirectorySource } = await import('../../server/exchange/directory-source.js');
  return withExportDir(path, (dir) =>
    verifyExport(createDirectorySource(dir), publicKeyPem === undefined ? {} : { publicKeyPem }),
  );
}

function describeVerification(result: ExportVerification): string {
  const lines = result.ok
    ? [
        `ok: tenant ${result.tenant?.name ?? '?'} (${result.tenant?.id ?? '?'}), exported ${result.exportedAt ?? '?'}: ` +
          `${result.files} files, ${result.rows} rows, as the signed manifest says`,
      ]
    : ['NOT INTACT:', ...result.problems.map((p) => `  ${p.message}`)];
  for (const segment of result.audit)
    lines.push(
      `audit: ${segment.entries} entries of ${segment.segment}/ proved against their signed tenant checkpoints`,
    );
  if (result.key)
    lines.push(
      result.key.from === 'given'
        ? `signed by key ${result.key.keyId}, the one you gave`
        : `signed by key ${result.key.keyId}, the export’s own: compare it with the factory’s (GET /v1/audit/public-key)`,
    );
  return `${lines.join('\n')}\n`;
}

export function registerImport(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('import')
    .summary('load a tenant’s export into this Usine, ids kept, invoices checked to the cent')
    .description(
      'Verifies an export (as usine export verify does), then loads it into the data dir’s store,\n' +
        'or PostgreSQL when DATABASE_URL is set: the tenant, usage, jobs and their events, budgets\n' +
        'and billing, and its audit entries as a foreign segment checked against the exporting\n' +
        'factory’s key. Ids are kept. Invoices are derived again from the usage and compared with\n' +
        'the exported ones. Importing twice changes nothing. With the embedded store, stop Usine\n' +
        'first. Exit 0: imported and every invoice equal; 1: refused, or an invoice differs.',
    )
    .argument('<export>', 'a directory written by usine export, or a .tar')
    .option('--data-dir <dir>', 'the data dir (USINE_DATA_DIR)', io.env['USINE_DATA_DIR'] ?? DEFAULT_DATA_DIR)
    .option('--public-key <file>', 'the exporting factory’s public key you trust (PEM)')
    .option('--json', 'print JSON: what was imported, kept and checked')
    .action(async (path: string, options: { dataDir: string; publicKey?: string; json?: boolean }) => {
      const publicKeyPem = options.publicKey && (await readFile(resolve(io.cwd, options.publicKey), 'utf8'));
      const { importOffline } = await import('../../server/data-dir/import-offline.js');
      const { ImportRefused } = await import('../../app/exchange/import-tenant.js');
      const report = await withExportDir(resolve(io.cwd, path), (dir) =>
        importOffline(resolve(io.cwd, options.dataDir), dir, {
          ...(io.env['DATABASE_URL'] ? { databaseUrl: io.env['DATABASE_URL'] } : {}),
          ...(publicKeyPem ? { publicKeyPem } : {}),
        }),
      ).catch((error: unknown) => {
        if (error instanceof ImportRefused)
          throw new CliExit(
            ExitCode.error,
            [error.message, ...error.problems.map((p) => `  ${p}`)].join('\n'),
          );
        if (error instanceof StartRefused) throw new CliExit(ExitCode.error, error.message);
        throw error;
      });
      const { inserted } = report;
      io.stderr(
        `usine: tenant ${report.tenant.name} (${report.tenant.id}) ${report.tenantCreated ? 'created' : 'already here'}: ` +
          `${inserted.jobs} jobs, ${inserted.events} events, ${inserted.usage} usage records, ` +
          `${inserted.auditEntries} audit entries new; ${report.invoices.equal} of ${report.invoices.checked} invoices equal\n`,
      );
      io.stdout(
        options.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : [...report.invoices.different.map((d) => `DIFFERENT: ${d}`), `${report.tenant.id}`].join('\n') +
              '\n',
      );
      setExit(report.ok ? ExitCode.ok : ExitCode.error);
    });
}

/** Runs `work` on the export's directory: itself, or a .tar unpacked for the time of the call. */
async function withExportDir<T>(path: string, work: (dir: string) => Promise<T>): Promise<T> {
  if (!existsSync(path)) throw new CliExit(ExitCode.error, `${path}: no such export`);
  if (!path.endsWith('.tar')) return work(path);
  const { extractTar } = await import('../../server/exchange/extract-tar.js');
  const dir = await mkdtemp(join(tmpdir(), 'usine-import-'));
  try {
    const { complete } = await extractTar(createReadStream(path), dir).catch((error: unknown) => {
      throw new CliExit(ExitCode.error, `${path}: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (!complete)
      throw new CliExit(ExitCode.error, `${path}: the archive ends before its end-of-archive blocks`);
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
