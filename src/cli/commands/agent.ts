import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Agent } from '../../agent/run-agent.js';
import type { VirtualGpus } from '../../executors/local/gpu-inventory.js';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import type { SetExit } from './index.js';
import { VERSION } from './up.js';

export function registerAgent(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('agent')
    .summary('run the jobs of one GPU host for the control plane')
    .description(
      'Run on each GPU host of a site whose backend is local. Registers the node with its GPUs\n' +
        '(nvidia-smi; or --virtual-gpus, marked virtual), heartbeats, takes the launches the\n' +
        'control plane assigns to the node, runs them and reports their state, exit code and output.\n' +
        'A restart adopts the jobs that still run; no job is ever started twice.',
    )
    .requiredOption('--server <url>', 'the control plane (USINE_URL)', io.env['USINE_URL'])
    .requiredOption('--site <name>', 'the catalog site this host belongs to')
    .requiredOption('--token-file <file>', 'the site credential (an API key of the site)')
    .option('--node <name>', 'this node’s name', hostname() || 'local')
    .option('--work-dir <dir>', 'the agent’s files and the jobs’ directories', '.usine-agent')
    .option('--virtual-gpus <list>', 'GPUs to declare when nvidia-smi finds none: MODEL:GiB:COUNT,…')
    .option('--nvidia-smi <program>', 'the nvidia-smi program ("none": never ask)', 'nvidia-smi')
    .addHelpText(
      'after',
      '\nExample:\n  usine agent --server https://usine.example:7777 --site lab \\\n    --token-file /etc/usine/lab.key',
    )
    .action(
      async (options: {
        server: string;
        site: string;
        tokenFile: string;
        node: string;
        workDir: string;
        virtualGpus?: string;
        nvidiaSmi: string;
      }) => {
        const agent = new Agent({
          server: options.server,
          site: options.site,
          node: options.node,
          tokenFile: resolve(io.cwd, options.tokenFile),
          workDir: resolve(io.cwd, options.workDir),
          version: VERSION,
          nvidiaSmi: options.nvidiaSmi === 'none' ? false : options.nvidiaSmi,
          virtualGpus: parseVirtualGpus(options.virtualGpus),
          log: (line) => io.stderr(`${line}\n`),
        });
        try {
          await agent.start();
        } catch (error) {
          throw new CliExit(
            ExitCode.error,
            `usine agent: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        io.stdout(`usine agent ${agent.id} runs node ${options.node} of site ${options.site}\n`);
        const signal = await io.waitForShutdown();
        io.stderr(
          `usine agent: ${signal}: stopping (running jobs keep running and are adopted on the next start)\n`,
        );
        await agent.stop();
        setExit(ExitCode.ok);
      },
    );
}

/** `L40S:48:2,H100:80:8` → rows of virtual GPUs; a bad entry is a usage error naming it. */
export function parseVirtualGpus(list: string | undefined): VirtualGpus[] {
  if (list === undefined || list.trim() === '') return [];
  return list.split(',').map((entry) => {
    const [model, memory, count] = entry.trim().split(':');
    const memoryGiB = Number(memory);
    const n = Number(count ?? '1');
    if (!model || !(memoryGiB > 0) || !Number.isInteger(n) || n < 1) {
      throw new CliExit(ExitCode.usage, `--virtual-gpus ${entry}: write MODEL:GiB:COUNT, such as L40S:48:2`);
    }
    return { model, memoryGiB, count: n };
  });
}
