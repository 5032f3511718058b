import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { isFinished, type JobStatus } from '../../domain/jobs/lifecycle.js';
import { lacksDataRules, NO_DATA_RULES_WARNING } from '../../domain/spec/data-warning.js';
import { addClientOptions, withClient } from '../client-config.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { readInputFile } from '../read-input-files.js';
import { describePlacement, type StoredPlacement } from './jobs.js';
import { reconnectNotice } from '../reconnect-notice.js';
import type { SetExit } from './index.js';

export function registerSubmit(program: Command, io: CliIo, setExit: SetExit): void {
  addClientOptions(
    program
      .command('submit')
      .summary('submit a job spec to the server')
      .description(
        'Submit a Job or Service spec (YAML or JSON). The server validates it, queues it, places it\n' +
          'on the federation and runs it. A retry with the same --idempotency-key never submits twice.\n' +
          'Exit 0 submitted (with --wait: succeeded), 1 invalid or failed, 3 no site can take it.',
      )
      .argument('<file>', 'the spec; - reads it from standard input')
      .option('--idempotency-key <key>', 'make retries safe (default: a fresh UUID)')
      .option('--wait', 'follow the job until it finishes; exit 0 only if it succeeded')
      .option('--dry-run', 'say where it would go and why, as the server decides now; submit nothing')
      .option('--json', 'print the job as JSON'),
  )
    .addHelpText('after', '\nExample:\n  usine submit examples/jobs/local-hello.yaml --wait')
    .action(
      async (
        file: string,
        options: {
          idempotencyKey?: string;
          wait?: boolean;
          dryRun?: boolean;
          json?: boolean;
          url?: string;
          apiKey?: string;
        },
      ) => {
        const input = readInputFile(file, io);
        if (input.problem) throw new CliExit(ExitCode.error, `${input.name}: ${input.problem}`);
        await withClient(
          io,
          options,
          async (client) => {
            const isJson = file === '-' ? /^\s*\{/.test(input.text) : /\.json$/i.test(file);
            if (options.dryRun) {
              // kubectl's --dry-run=server: the server's own checks and decision, nothing stored
              const preview = await client.previewPlacement(input.text, isJson);
              if (options.json) io.stdout(`${JSON.stringify(preview, null, 2)}\n`);
              else {
                const lines = [
                  `dry run: it would be ${preview.status}${preview.reason ? `: ${preview.reason}` : ''}`,
                  ...describePlacement(preview.placement as StoredPlacement | null),
                ];
                io.stdout(`${lines.join('\n')}\n`);
              }
              setExit(preview.status === 'unplaceable' ? ExitCode.notFound : ExitCode.ok);
              return;
            }
            const { job, created } = await client.submitJob(
              input.text,
              options.idempotencyKey ?? randomUUID(),
              isJson,
            );
            if (lacksDataRules(job.spec)) io.stderr(`usine: warning: ${NO_DATA_RULES_WARNING}\n`);
            if (!options.wait) {
              if (options.json) io.stdout(`${JSON.stringify(job, null, 2)}\n`);
              else
                io.stdout(
                  `${job.id} ${created ? 'submitted' : 'already submitted with this key'} (${job.status}${job.site ? ` on ${job.site}` : ''})\n`,
                );
              // placed as it is submitted: no feasible site is known now, and 3 says so
              if (job.status === 'unplaceable')
                io.stderr(`usine: ${job.id}: ${job.reason ?? 'no feasible site'}\n`);
              setExit(job.status === 'unplaceable' ? ExitCode.notFound : ExitCode.ok);
              return;
            }
            io.stderr(`${job.id} submitted; following it (Ctrl-C stops following, not the job)\n`);
            let status: JobStatus = job.status;
            for await (const event of client.streamEvents(job.id, reconnectNotice(io))) {
              const next = event.data['status'];
              if (typeof next !== 'string') continue;
              status = next as JobStatus;
              const detail = event.data['site']
                ? ` on ${String(event.data['site'])}`
                : event.data['reason']
                  ? `: ${String(event.data['reason'])}`
                  : '';
              io.stderr(`  ${String(event.data['at'] ?? '')}  ${status}${detail}\n`);
            }
            const final = await client.getJob(job.id);
            if (options.json) io.stdout(`${JSON.stringify(final, null, 2)}\n`);
            else
              io.stdout(
                `${final.id} ${final.status}${final.exitCode !== null ? ` (exit code ${final.exitCode})` : ''}${final.reason ? `: ${final.reason}` : ''}\n`,
              );
            setExit(
              final.status === 'succeeded' || (!isFinished(status) && final.status === 'running')
                ? ExitCode.ok
                : final.status === 'unplaceable'
                  ? ExitCode.notFound
                  : ExitCode.error,
            );
          },
          { file: input.name },
        );
      },
    );
}
