import { resolve } from 'node:path';
import type { Command } from 'commander';
import { StartRefused } from '../../server/start-refused.js';
import { DEFAULT_DATA_DIR } from '../client-config.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { loadDocuments } from '../load-documents.js';
import { readAccessLimits } from '../read-access-limits.js';
import { readAuditSettings } from '../read-audit-settings.js';
import { readRetentionSettings } from '../read-retention-settings.js';
import { formatDuration } from '../../domain/time/duration.js';
import type { SetExit } from './index.js';

export const VERSION = '0.1.0';

export function registerUp(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('up')
    .summary('run the whole factory on this machine')
    .description(
      'Start Usine on this machine: the API, the reconciler, an agent for the catalog’s local site on\n' +
        'this machine’s GPUs (virtual ones from the catalog when nvidia-smi finds none) and the simulated sites of\n' +
        'the catalog. Data lives in embedded PostgreSQL (PGlite) under --data-dir, or in PostgreSQL\n' +
        'when DATABASE_URL is set. On the first start it prints the admin key once.',
    )
    .option('--port <port>', 'port to listen on (USINE_PORT)', io.env['USINE_PORT'] ?? '7777')
    .option('--host <host>', 'address to listen on (USINE_HOST)', io.env['USINE_HOST'] ?? '127.0.0.1')
    .option(
      '--data-dir <dir>',
      'where data lives (USINE_DATA_DIR)',
      io.env['USINE_DATA_DIR'] ?? DEFAULT_DATA_DIR,
    )
    .option(
      '--catalog <file>',
      'the federation catalog (USINE_CATALOG)',
      io.env['USINE_CATALOG'] ?? 'examples/federation.yaml',
    )
    .option(
      '--time-scale <n>',
      'speed-up of simulated sites (3600: an hour in a second)',
      io.env['USINE_TIME_SCALE'] ?? '3600',
    )
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug (USINE_LOG_LEVEL)',
      io.env['USINE_LOG_LEVEL'] ?? 'info',
    )
    .option(
      '--audit-witness <file>',
      'where signed audit checkpoints are appended, outside the data dir (USINE_AUDIT_WITNESS; default <data dir>.audit-witness.jsonl)',
    )
    .option(
      '--retention <duration>',
      'prune the events and logs of jobs ended longer ago than this, e.g. 30d (USINE_RETENTION; default: keep all)',
    )
    .addHelpText('after', '\nExample:\n  usine up --port 7777 --catalog examples/federation.yaml')
    .action(
      async (options: {
        port: string;
        host: string;
        dataDir: string;
        catalog: string;
        timeScale: string;
        logLevel: string;
        auditWitness?: string;
        retention?: string;
      }) => {
        const port = Number(options.port);
        const timeScale = Number(options.timeScale);
        // the server's modules load only for `up`: the other commands start faster without them
        const { DEFAULT_EDGE_LIMITS } = await import('../../server/edge-options.js');
        const seconds = (name: string, fallbackMs: number) => {
          const text = io.env[name];
          return text === undefined ? fallbackMs : Number(text) * 1000;
        };
        const limits = {
          ...DEFAULT_EDGE_LIMITS,
          requestTimeoutMs: seconds('USINE_REQUEST_TIMEOUT', DEFAULT_EDGE_LIMITS.requestTimeoutMs),
          heartbeatMs: seconds('USINE_HEARTBEAT', DEFAULT_EDGE_LIMITS.heartbeatMs),
        };
        const access = readAccessLimits(io.env);
        const dataDir = resolve(io.cwd, options.dataDir);
        const audit = readAuditSettings(io.env, io.cwd, dataDir, options.auditWitness);
        const retention = readRetentionSettings(io.env, options.retention);
        const problems = [
          ...access.problems,
          ...audit.problems,
          ...retention.problems,
          ...(['USINE_REQUEST_TIMEOUT', 'USINE_HEARTBEAT'] as const).flatMap((name) =>
            io.env[name] !== undefined && !(Number(io.env[name]) > 0 && Number(io.env[name]) <= 3600)
              ? [`${name}=${io.env[name]}: must be a number of seconds from 0 to 3600`]
              : [],
          ),
          ...(Number.isInteger(port) && port >= 0 && port < 65536
            ? []
            : [`--port ${options.port}: must be a port number`]),
          ...(timeScale > 0 ? [] : [`--time-scale ${options.timeScale}: must be a positive number`]),
          ...(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(options.logLevel)
            ? []
            : [`--log-level ${options.logLevel}: must be fatal, error, warn, info or debug`]),
        ];
        if (problems.length > 0) throw new CliExit(ExitCode.usage, problems.join('\n'));
        const { catalog } = await loadDocuments([options.catalog], io);
        // the server (Fastify, PGlite, executors) loads only here: every other command starts fast
        const { startFactory } = await import('../../server/start-factory.js');
        // what this process creates (the embedded database, job records) is its user's only
        process.umask(0o077);
        const factory = await startFactory({
          catalog,
          dataDir,
          ...(io.env['DATABASE_URL'] ? { databaseUrl: io.env['DATABASE_URL'] } : {}),
          host: options.host,
          port,
          timeScale,
          reconcileIntervalMs: 500,
          logger: { level: options.logLevel, stream: process.stderr },
          ...access.limits,
          audit: audit.audit,
          ...(retention.retention ? { retention: retention.retention } : {}),
          version: VERSION,
          limits,
          ...(io.env['USINE_METRICS_KEY'] ? { metricsKey: io.env['USINE_METRICS_KEY'] } : {}),
        }).catch((error: unknown) => {
          if (error instanceof StartRefused) throw new CliExit(ExitCode.error, error.message);
          const code = (error as { code?: string }).code;
          if (code === 'EADDRINUSE')
            throw new CliExit(ExitCode.error, `port ${port} is in use: another usine up? use --port`);
          if (code === 'EADDRNOTAVAIL')
            throw new CliExit(
              ExitCode.error,
              `address ${options.host} is not one of this machine's: use --host`,
            );
          if (code === 'EACCES')
            throw new CliExit(ExitCode.error, `port ${port} needs privileges here: use --port above 1023`);
          throw error;
        });
        const store = io.env['DATABASE_URL']
          ? 'PostgreSQL (DATABASE_URL)'
          : `embedded PostgreSQL in ${dataDir}/db`;
        io.stdout(`Usine ${VERSION} is up at ${factory.url}\n`);
        io.stdout(`  store:   ${store}\n  catalog: ${options.catalog} (${catalog.sites.length} sites)\n`);
        io.stdout(`  audit:   checkpoints witnessed in ${audit.audit.witnessFile}\n`);
        if (retention.retention)
          io.stdout(
            `  retention: events and logs of jobs ended over ${formatDuration(retention.retention.retentionSeconds)} ago are pruned\n`,
          );
        if (factory.idleSites.length > 0)
          io.stdout(`  no backend here yet for: ${factory.idleSites.join(', ')}\n`);
        for (const notice of factory.notices) io.stdout(`  note:    ${notice}\n`);
        if (factory.adminKey) {
          io.stdout(
            `\nAdmin key (shown once; also in ${dataDir}/admin.key, mode 0600):\n  ${factory.adminKey}\n`,
          );
        }
        io.stdout(`\nTry:  usine tenants create acme   (in a clone: bin/usine …)\nStop: Ctrl-C\n`);
        const signal = await io.waitForShutdown();
        io.stderr(
          `usine: ${signal}: stopping (running jobs keep running and are adopted on the next start)\n`,
        );
        await factory.close();
        setExit(ExitCode.ok);
      },
    );
}
