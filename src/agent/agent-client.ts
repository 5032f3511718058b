import { readFile, stat } from 'node:fs/promises';
import type { LaunchOrder, LaunchReport, LaunchState, NodeInventory } from '../app/ports/fleet-store.js';
import type { AgentIdentity } from '../app/fleet/require-site-agent.js';

/** A launch as the control plane hands it to an agent. */
export interface AgentLaunch {
  readonly jobId: string;
  readonly node: string;
  readonly state: LaunchState;
  readonly request: LaunchOrder;
  readonly agentHandle: string | null;
  readonly cancelRequested: boolean;
  readonly logBytes: number;
}

export interface Registration {
  readonly heartbeatSeconds: number;
  readonly graceSeconds: number;
  readonly open: readonly AgentLaunch[];
}

/** A refusal of the control plane, with its problem+json. */
export class AgentHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The agent's side of `/v1/agent/…`. The token is read from its file, again whenever the file
 * changes (an operator rotating the site credential needs no restart).
 */
export class AgentClient {
  private token: { value: string; mtimeMs: number } | undefined;

  constructor(
    private readonly server: string,
    private readonly tokenFile: string,
    readonly identity: AgentIdentity,
  ) {}

  register(agentVersion: string, inventory: NodeInventory): Promise<Registration> {
    return this.post('/v1/agent/register', { agentVersion, inventory });
  }

  async heartbeat(running: readonly string[]): Promise<readonly string[]> {
    return (await this.post<{ stop: string[] }>('/v1/agent/heartbeat', { running })).stop;
  }

  async claim(limit: number): Promise<readonly AgentLaunch[]> {
    return (await this.post<{ items: AgentLaunch[] }>('/v1/agent/claim', { limit })).items;
  }

  report(jobId: string, report: LaunchReport): Promise<{ applied: boolean; state: LaunchState }> {
    return this.post(`/v1/agent/launches/${encodeURIComponent(jobId)}/report`, { ...report });
  }

  async shipLog(jobId: string, offset: number, text: string): Promise<number> {
    return (
      await this.post<{ end: number }>(`/v1/agent/launches/${encodeURIComponent(jobId)}/logs`, {
        offset,
        text,
      })
    ).end;
  }

  private async post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    const response = await fetch(new URL(path, this.server), {
      method: 'POST',
      headers: { authorization: `Bearer ${await this.readToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...this.identity, ...body }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let problem: { code?: string; detail?: string } = {};
      try {
        problem = JSON.parse(text) as typeof problem;
      } catch {
        // not problem+json: the status says enough
      }
      throw new AgentHttpError(
        response.status,
        problem.code ?? `HTTP_${response.status}`,
        `${this.server}${path}: ${response.status} ${problem.detail ?? text.slice(0, 200)}`,
      );
    }
    return JSON.parse(text) as T;
  }

  private async readToken(): Promise<string> {
    const { mtimeMs } = await stat(this.tokenFile);
    if (this.token?.mtimeMs !== mtimeMs) {
      const value = (await readFile(this.tokenFile, 'utf8')).trim();
      if (value === '') throw new Error(`${this.tokenFile}: the token file is empty`);
      this.token = { value, mtimeMs };
    }
    return this.token.value;
  }
}
