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
export function spawnUsine(options: {
  dataDir: string;
  catalog: string;
  logLevel?: string;
  env?: NodeJS.ProcessEnv;
  nodeArgs?: readonly string[];
  /** Where the server's stderr goes; ignored by default. */
  onStderr?: (chunk: Buffer) => void;
}): Promise<SpawnedUsine> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      'src/cli/main.ts',
      'up',
      '--port',
      '0',
      '--data-dir',
      options.dataDir,
      '--catalog',
      options.catalog,
      '--log-level',
      options.logLevel ?? 'error',
    ],
    { cwd: ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (options.onStderr) child.stderr?.on('data', options.onStderr);
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /is up at (\S+)/.exec(out);
      if (match?.[1]) resolvePromise({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`usine up exited with ${code}: ${out}`)));
  });
}
