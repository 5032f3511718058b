import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsineApiError, UsineClient } from '../sdk/usine-client.js';
import { CliExit, ExitCode, type CliIo } from './io.js';

export const DEFAULT_DATA_DIR = '.usine';

export interface ClientConfig {
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly source: string;
}

/**
 * Where the server is and which key to use, first found wins: flags (`--url`, `--api-key`),
 * `USINE_URL` / `USINE_API_KEY`, `~/.config/usine/config.json` ({url, apiKey}), then what
 * `usine up` left in the data dir (`.usine/client.json` and `.usine/admin.key`).
 */
export function resolveClientConfig(io: CliIo, flags: { url?: string; apiKey?: string }): ClientConfig {
  const dataDir = resolve(io.cwd, io.env['USINE_DATA_DIR'] ?? DEFAULT_DATA_DIR);
  const userFile = join(
    io.env['XDG_CONFIG_HOME'] ?? join(io.env['HOME'] ?? homedir(), '.config'),
    'usine',
    'config.json',
  );
  const user = readJson(userFile) as { url?: string; apiKey?: string } | undefined;
  const local = readJson(join(dataDir, 'client.json')) as { url?: string } | undefined;
  const adminKeyFile = join(dataDir, 'admin.key');
  const localKey = existsSync(adminKeyFile) ? readFileSync(adminKeyFile, 'utf8').trim() : undefined;
  const url = flags.url ?? io.env['USINE_URL'] ?? user?.url ?? local?.url;
  const apiKey = flags.apiKey ?? io.env['USINE_API_KEY'] ?? user?.apiKey ?? localKey;
  if (!url) {
    throw new CliExit(
      ExitCode.error,
      'no server: start one with `usine up`, or set USINE_URL (and USINE_API_KEY)',
    );
  }
  return {
    url,
    apiKey,
    source: flags.url
      ? 'flag'
      : io.env['USINE_URL']
        ? 'USINE_URL'
        : user?.url
          ? userFile
          : join(dataDir, 'client.json'),
  };
}

function readJson(path: string): unknown {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** The options every client command takes. */
export function addClientOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the Usine server (default: USINE_URL, or the one `usine up` started here)')
    .option('--api-key <key>', 'the API key (default: USINE_API_KEY, or the admin key `usine up` wrote)');
}

/**
 * Runs `work` with a client; API failures become clear messages and exit codes, never stack
 * traces. With `file`, the problems the server found in what was sent point into that file.
 */
export async function withClient<T>(
  io: CliIo,
  flags: { url?: string; apiKey?: string },
  work: (client: UsineClient) => Promise<T>,
  sent?: { readonly file: string },
): Promise<T> {
  const config = resolveClientConfig(io, flags);
  try {
    return await work(new UsineClient({ url: config.url, apiKey: config.apiKey }));
  } catch (error) {
    if (error instanceof UsineApiError) {
      const where = (e: { line?: number; col?: number }) =>
        e.line ? `${sent ? `${sent.file}:` : ''}${e.line}:${e.col}: ` : '';
      const fields = (error.problem?.errors ?? []).map((e) => `  ${where(e)}${e.path}: ${e.message}`);
      throw new CliExit(
        error.status === 404 ? ExitCode.notFound : ExitCode.error,
        [error.message, ...fields].join('\n'),
      );
    }
    if (error instanceof TypeError && /terminated|other side closed/.test(error.message)) {
      throw new CliExit(
        ExitCode.error,
        `the connection to Usine at ${config.url} was closed (did the server stop?)`,
      );
    }
    if (error instanceof TypeError && /fetch failed/.test(error.message)) {
      throw new CliExit(
        ExitCode.error,
        `cannot reach Usine at ${config.url} (from ${config.source}): is \`usine up\` running?`,
      );
    }
    throw error;
  }
}
