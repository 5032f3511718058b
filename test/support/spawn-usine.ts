import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SpawnedUsine {
  readonly child: ChildProcess;
  readonly url: string;
}

/**
 * Starts a real `usine up` process from source (for kill -9 tests and benchmarks); resolves
 * with its URL once it listens, rejects if it exits first.
 */
export async function spawnUsine(options: {
  dataDir: string;
  catalog: string;
  logLevel?: string;
  env?: NodeJS.ProcessEnv;
  nodeArgs?: readonly string[];
  /** More arguments of `usine up`. */
  args?: readonly string[];
  /** Where the server's stderr goes; ignored by default. */
  onStderr?: (chunk: Buffer) => void;
}): Promise<SpawnedUsine> {
  const { child, match } = await spawnUsineCommand(
    [
      'up',
      '--port',
      '0',
      '--data-dir',
      options.dataDir,
      '--catalog',
      options.catalog,
      '--log-level',
      options.logLevel ?? 'error',
      ...(options.args ?? []),
    ],
    /is up at (\S+)/,
    options,
  );
  return { child, url: match[1] ?? '' };
}

/**
 * Starts `usine ARGS` from source; resolves once its stdout matches `ready` (with the match),
 * rejects if it exits first.
 */
export function spawnUsineCommand(
  args: readonly string[],
  ready: RegExp,
  options: { env?: NodeJS.ProcessEnv; nodeArgs?: readonly string[]; onStderr?: (chunk: Buffer) => void } = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'src/cli/main.ts', ...args],
    {
      cwd: ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (err.length < 10_000) err += chunk.toString();
    options.onStderr?.(chunk);
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) resolvePromise({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`usine ${args[0]} exited with ${code}: ${out}${err}`)));
  });
}

/**
 * Runs `usine ARGS` as a real process from source to its end (a start that is refused, an offline
 * command); `asUid` runs it as that uid (through setpriv, when the tests run as root), `stopWhen`
 * sends it SIGTERM once its stdout matches.
 */
export function runUsineProcess(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; asUid?: number; stopWhen?: RegExp } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const node = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', ...args];
  const argv =
    options.asUid === undefined
      ? node
      : [
          '/usr/bin/setpriv',
          `--reuid=${options.asUid}`,
          `--regid=${options.asUid}`,
          '--clear-groups',
          '--',
          ...node,
        ];
  const child = spawn(argv[0] ?? '', argv.slice(1), {
    cwd: ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (options.stopWhen?.test(stdout)) child.kill('SIGTERM');
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise) => {
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}
