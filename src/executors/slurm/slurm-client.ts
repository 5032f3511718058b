import { readFile, stat } from 'node:fs/promises';
import type { SlurmApi, SlurmError } from './slurm-api-v0038.js';

export interface SlurmClientOptions {
  /** slurmrestd's base URL, `http://127.0.0.1:6820`. */
  readonly url: string;
  readonly api: SlurmApi;
  /** Sent as `X-SLURM-USER-NAME`: the account jobs run as. */
  readonly user: string;
  /** A file holding the JWT (`scontrol token` output `SLURM_JWT=…` or the bare token). */
  readonly tokenFile: string | undefined;
  /** Milliseconds before a request is abandoned; default 15 000. */
  readonly timeoutMs?: number;
}

/** An answer from slurmrestd that says it failed, with Slurm's own error numbers. */
export class SlurmRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: readonly SlurmError[],
  ) {
    super(message);
    this.name = 'SlurmRequestError';
  }
}

/**
 * HTTP to slurmrestd with JWT auth. The token file is read again whenever its modification
 * time changes, since Slurm tokens expire and are replaced by whoever renews them.
 */
export class SlurmClient {
  private token: { mtimeMs: number; value: string } | undefined;

  constructor(private readonly options: SlurmClientOptions) {}

  get api(): SlurmApi {
    return this.options.api;
  }

  /** GET or DELETE or POST a path; the parsed body, whatever its errors (the caller reads them). */
  async request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      'x-slurm-user-name': this.options.user,
      accept: 'application/json',
    };
    const token = await this.readToken();
    if (token) headers['x-slurm-user-token'] = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = new URL(path, this.options.url);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new SlurmRequestError(
        `slurmrestd at ${this.options.url} did not answer ${method} ${path}: ${describeCause(error)}`,
        0,
        [],
      );
    }
    const raw = await response.text();
    let parsed: unknown;
    try {
      parsed = raw === '' ? {} : JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (response.status >= 400 && response.status !== 404 && !hasErrors(parsed))) {
      // slurmrestd answers a bad or expired token with 500 and no JSON body
      const hint =
        response.status === 401 || response.status === 500
          ? ` (check the token in ${this.options.tokenFile ?? '(no tokenFile)'} and the user ${this.options.user})`
          : '';
      throw new SlurmRequestError(
        `slurmrestd answered ${method} ${path} with HTTP ${response.status}${hint}: ${raw.slice(0, 200)}`,
        response.status,
        [],
      );
    }
    return parsed;
  }

  /** Like `request`, but throws when Slurm reports an error other than the `allowed` ones. */
  async call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    allowed: readonly number[] = [],
  ): Promise<{ body: unknown; errors: SlurmError[] }> {
    const answer = await this.request(method, path, body);
    const errors = this.options.api.readErrors(answer).filter((e) => e.code !== 0);
    const blocking = errors.filter((e) => !allowed.includes(e.code));
    // a bad or expired token reads "slurmctld config is unable to load" in 22.05
    const hint = blocking.some((e) => /unable to load|auth/i.test(e.message))
      ? ` (check the token in ${this.options.tokenFile ?? '(no tokenFile)'} and the user ${this.options.user})`
      : '';
    if (blocking.length > 0)
      throw new SlurmRequestError(
        `slurm refused ${method} ${path}: ${blocking.map((e) => `${e.message} (${e.code})`).join('; ')}${hint}`,
        200,
        errors,
      );
    return { body: answer, errors };
  }

  private async readToken(): Promise<string | undefined> {
    const file = this.options.tokenFile;
    if (!file) return undefined;
    const info = await stat(file);
    if (this.token?.mtimeMs !== info.mtimeMs) {
      const content = (await readFile(file, 'utf8')).trim();
      this.token = { mtimeMs: info.mtimeMs, value: content.replace(/^SLURM_JWT=/, '') };
    }
    return this.token.value;
  }
}

function hasErrors(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'errors' in body;
}

function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : error.message;
  }
  return String(error);
}
