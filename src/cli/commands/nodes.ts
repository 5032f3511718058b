import type { Command } from 'commander';
import { addClientOptions, withClient } from '../client-config.js';
import { formatAge } from '../format-age.js';
import { ExitCode, type CliIo } from '../io.js';
import { renderTable } from '../render-table.js';
import type { SetExit } from './index.js';

export function registerNodes(program: Command, io: CliIo, setExit: SetExit): void {
  addClientOptions(
    program
      .command('nodes')
      .summary('list the hosts the agents registered')
      .description(
        'List the nodes of the sites run by agents, as they registered: their GPUs (virtual ones\n' +
          'marked), whether they are ready or unreachable (silent past the grace period), when they\n' +
          'last heartbeat and the jobs they run.',
      )
      .option('--json', 'print the nodes as JSON'),
  ).action(async (options: { json?: boolean; url?: string; apiKey?: string }) => {
    await withClient(io, options, async (client) => {
      const { items } = await client.listNodes();
      if (options.json) io.stdout(`${JSON.stringify(items, null, 2)}\n`);
      else {
        const now = io.now();
        const rows = items.map((n) => {
          const gpus = new Map<string, number>();
          for (const g of n.gpus) gpus.set(g.model, (gpus.get(g.model) ?? 0) + 1);
          const text = [...gpus].map(([model, count]) => `${count}×${model}`).join(', ') || '-';
          return [
            n.site,
            n.name,
            n.gpus.some((g) => g.virtual) ? `${text} (virtual)` : text,
            n.state,
            `${formatAge(n.lastHeartbeatAt, now)} ago`,
            n.running.length === 0 ? '-' : n.running.join(', '),
          ];
        });
        io.stdout(renderTable(['site', 'node', 'gpus', 'state', 'heartbeat', 'running'], rows));
      }
      setExit(ExitCode.ok);
    });
  });
}
