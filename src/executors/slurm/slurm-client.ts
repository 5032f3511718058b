import { readFile, stat } from 'node:fs/promises';
import type { BackendApi } from '../../app/ports/executor.js';
import { SingleFlight } from '../single-flight.js';
import {
  chooseSlurmApi,
  readOfferedVersions,
  SlurmVersionError,
  SPOKEN_SLURM_APIS,
} from './negotiate-slurm-api.js';
import type { SlurmApi, SlurmError } from './slurm-api.js';

export interface SlurmClientOptions {
  /** slurmrestd's base URL, `http://127.0.0.1:6820`. */
  readonly url: string;
  /** One version, not negotiated; default: the highest both sides speak, negotiated. */
  readonly api?: SlurmApi;
  /** Sent as `X-SLURM-USER-NAME`: the account jobs run as. */
  readonly user: string;
  /** A file holding the JWT (`scontrol token` output `SLURM_JWT=…` or the bare token). */
  readonly tokenFile: string | undefined;
  /** Milliseconds before a request is abandoned; default 15 000. */
  readonly timeoutMs?: number;
  /** How long a refusal (no version in common) is answered again before slurmrestd is asked anew; default 30 000. */
  readonly refusalCoolDownMs?: number;
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

  /** slurmrestd does not serve the path (`Unable find requested URL`): not a version it loaded. */
  get unknownPath(): boolean {
    return this.status === 404 && this.errors.length === 0;
  }
}

type Method = 'GET' | 'POST' | 'DELETE';
/** slurmrestd's parsed answer, whatever its Slurm errors (the caller reads them), and its HTTP status. */
interface Answer {
  readonly body: unknown;
  readonly status: number;
}
/** A request in a version's terms: its path, and its body, if any. */
type Build = (api: SlurmApi) => { readonly path: string; readonly body?: unknown };

/**
 * HTTP to slurmrestd with JWT auth, in the highest REST API version both sides speak. The version
 * is negotiated at the first request (the versions `GET /openapi/v3` lists, or failing that the
 * versioned `ping` paths that answer), and again when slurmrestd was unreachable (it may have
 * restarted with other versions) or answers that it does not know a path. The token file is read
 * again whenever its modification time changes, since Slurm tokens expire and are replaced by
 * whoever renews them.
 */
export class SlurmClient {
  private token: { mtimeMs: number; value: string } | undefined;
  private agreed: SlurmApi | undefined;
  private offered: readonly string[] = [];
  private problem: string | null = null;
  /** The last refusal and when (monotonic ms): its OpenAPI document is 660 KB on 24.11, not read on every call. */
  private refused: { readonly error: SlurmVersionError; readonly atMs: number } | undefined;
  private readonly negotiation = new SingleFlight<SlurmApi>();

  constructor(private readonly options: SlurmClientOptions) {
    this.agreed = options.api;
  }

  /** The version agreed so far, without asking slurmrestd. */
  get choice(): BackendApi {
    return {
      version: this.agreed?.version ?? null,
      offered: this.offered,
      spoken: this.options.api ? [this.options.api.version] : SPOKEN_SLURM_APIS.map((a) => a.version),
      problem: this.agreed ? null : this.problem,
    };
  }

  /** The agreed version, negotiated first when there is none. */
  async api(): Promise<SlurmApi> {
    if (this.agreed) return this.agreed;
    const coolDown = this.options.refusalCoolDownMs ?? 30_000;
    if (this.refused && performance.now() - this.refused.atMs < coolDown) throw this.refused.error;
    return this.negotiation.run('negotiate', () => this.negotiate());
  }

  /**
   * Sends a request built in the agreed version's terms; the parsed answer, whatever its Slurm
   * errors, with the version that answered. A path slurmrestd does not serve means it restarted
   * with other versions: the version is negotiated again and the request sent once more.
   */
  async send(method: Method, build: Build): Promise<Answer & { api: SlurmApi }> {
    const api = await this.api();
    try {
      return { ...(await this.sendAs(api, method, build)), api };
    } catch (error) {
      if (!(error instanceof SlurmRequestError) || this.options.api) throw error;
      if (error.status === 0 || error.unknownPath) this.forget(api);
      if (!error.unknownPath) throw error;
      const again = await this.api();
      return { ...(await this.sendAs(again, method, build)), api: again };
    }
  }

  /** Like `send`, but throws when Slurm reports an error other than the `allowed` ones. */
  async call(
    method: Method,
    build: Build,
    allowed: readonly number[] = [],
  ): Promise<{ body: unknown; errors: SlurmError[]; api: SlurmApi }> {
    const { body, status, api } = await this.send(method, build);
    const errors = api.readErrors(body).filter((e) => e.code !== 0);
    const blocking = errors.filter((e) => !allowed.includes(e.code));
    // a bad or expired token reads "slurmctld config is unable to load" or an "Unspecified
    // error" with HTTP 500 in 22.05, "Protocol authentication error" (1007) in 24.11
    const hint = blocking.some((e) => /unable to load|auth/i.test(e.message) || isAuthStatus(status))
      ? ` (check the token in ${this.options.tokenFile ?? '(no tokenFile)'} and the user ${this.options.user})`
      : '';
    if (blocking.length > 0)
      throw new SlurmRequestError(
        `slurm refused ${method} ${build(api).path}: ${blocking.map((e) => `${e.message} (${e.code})`).join('; ')}${hint}`,
        200,
        errors,
      );
    return { body, errors, api };
  }

  private sendAs(api: SlurmApi, method: Method, build: Build): Promise<Answer> {
    const { path, body } = build(api);
    return this.request(method, path, body);
  }

  private forget(api: SlurmApi): void {
    if (this.agreed === api) this.agreed = undefined;
  }

  private async negotiate(): Promise<SlurmApi> {
    let offered: string[] = [];
    try {
      offered = readOfferedVersions((await this.request('GET', '/openapi/v3')).body);
    } catch (error) {
      // unreachable or a bad token: nothing to probe either
      if (!(error instanceof SlurmRequestError) || !error.unknownPath) {
        this.problem = error instanceof Error ? error.message : String(error);
        throw error;
      }
    }
    // a slurmrestd that does not describe itself: the versioned pings that answer
    if (offered.length === 0) offered = await this.probe();
    this.offered = offered;
    try {
      this.agreed = chooseSlurmApi(offered, this.options.url);
    } catch (error) {
      if (error instanceof SlurmVersionError) {
        this.problem = error.message;
        this.refused = { error, atMs: performance.now() };
      }
      throw error;
    }
    this.problem = null;
    this.refused = undefined;
    return this.agreed;
  }

  private async probe(): Promise<string[]> {
    const offered: string[] = [];
    for (const api of SPOKEN_SLURM_APIS) {
      try {
        await this.request('GET', api.paths.ping);
        offered.push(api.version);
      } catch (error) {
        if (!(error instanceof SlurmRequestError) || !error.unknownPath) throw error;
      }
    }
    return offered;
  }

  /** GET or DELETE or POST a path; the parsed body, whatever its errors (the caller reads them). */
  private async request(method: Method, path: string, body?: unknown): Promise<Answer> {
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
      // slurmrestd 22.05 answers a bad or expired token with 500 and no JSON body
      const hint = isAuthStatus(response.status)
        ? ` (check the token in ${this.options.tokenFile ?? '(no tokenFile)'} and the user ${this.options.user})`
        : '';
      throw new SlurmRequestError(
        `slurmrestd answered ${method} ${path} with HTTP ${response.status}${hint}: ${raw.slice(0, 200)}`,
        response.status,
        [],
      );
    }
    return { body: parsed, status: response.status };
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

/** How slurmrestd answers a bad or expired token: 401, 500 (22.05), 511 (24.11). */
function isAuthStatus(status: number): boolean {
  return status === 401 || status === 500 || status === 511;
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
