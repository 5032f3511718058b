import type { Command } from 'commander';
import { addClientOptions, withClient } from '../client-config.js';
import { ExitCode, type CliIo } from '../io.js';
import { reconnectNotice } from '../reconnect-notice.js';
import type { SetExit } from './index.js';

export function registerJobActions(program: Command, io: CliIo, setExit: SetExit): void {
  addClientOptions(
    program
      .command('logs')
      .summary('print a job’s output')
      .argument('<id>', 'the job id')
      .option('-f, --follow', 'keep printing until the job ends'),
  ).action(async (id: string, options: { follow?: boolean; url?: string; apiKey?: string }) => {
    await withClient(io, options, async (client) => {
      for await (const chunk of client.streamLogs(id, options.follow === true, reconnectNotice(io)))
        io.stdout(chunk);
      setExit(ExitCode.ok);
    });
  });

  addClientOptions(
    program
      .command('cancel')
      .summary('cancel a job')
      .argument('<id>', 'the job id')
      .option('--json', 'print the job as JSON'),
  ).action(async (id: string, options: { json?: boolean; url?: string; apiKey?: string }) => {
    await withClient(io, options, async (client) => {
      const job = await client.cancelJob(id);
      io.stdout(options.json ? `${JSON.stringify(job, null, 2)}\n` : `${job.id} ${job.status}\n`);
      setExit(ExitCode.ok);
    });
  });
}
