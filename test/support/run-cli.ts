import { runCli } from '../../src/cli/program.js';

/** Runs `usine ARGS` in-process with a fixed clock; returns its exit code and output. */
export async function runUsine(
  args: readonly string[],
  options: {
    now?: string;
    cwd?: string;
    env?: Record<string, string>;
    shutdown?: Promise<string>;
    /** What the command reads on standard input (`-`). */
    stdin?: string;
  } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    isTty: false,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    now: () => new Date(options.now ?? '2026-11-27T09:00:00Z'),
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    waitForShutdown: () => options.shutdown ?? new Promise<string>(() => undefined),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
