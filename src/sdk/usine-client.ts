import type { ServiceView } from '../api/service-schemas.js';
import type { FleetNodeView } from '../api/agent-schemas.js';
import type { ProviderScorecardsView } from '../api/provider-schemas.js';
import type {
  BudgetStatusView,
  CorrectionBodyView,
  CorrectionView,
  FactorySummaryView,
  UsageRecordView,
  InvoiceView,
  UsageSummaryView,
} from '../api/metering-schemas.js';
import type { CallerView, CreatedKeyView, KeyApiView, RotatedKeyView } from '../api/key-schemas.js';
import type {
  AuditCheckpointPageView,
  AuditPageView,
  AuditPublicKeyView,
  AuditVerificationView,
  JobListView,
  JobView,
  PlacementPreviewView,
  ProblemBody,
  SiteView,
  TenantView,
} from '../api/schemas.js';
import { isFinished } from '../domain/jobs/lifecycle.js';
import { Reconnector, type ReconnectOptions } from './reconnect.js';

/** A failed API call: the HTTP status and the problem details the server sent. */
export class UsineApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody | undefined,
  ) {
    super(problem ? `${problem.detail} (${problem.code})` : `HTTP ${status}`);
  }
}

export interface ClientOptions {
  /** `http://127.0.0.1:7777` */
  readonly url: string;
  readonly apiKey: string | undefined;
}

export interface JobEvent {
  readonly id: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** The typed HTTP client of the Usine API, used by the CLI and the console. */
export class UsineClient {
  constructor(private readonly options: ClientOptions) {}

  createTenant(name: string): Promise<TenantView> {
    return this.call('POST', '/v1/tenants', { json: { name } });
  }

  listTenants(): Promise<{ items: TenantView[] }> {
    return this.call('GET', '/v1/tenants');
  }

  /** A tenant's key; `expires` is a duration from now (30d) or an RFC 3339 instant. */
  createKey(
    tenantId: string,
    role: string,
    options: { project?: string | undefined; expires?: string | undefined } = {},
  ): Promise<CreatedKeyView> {
    return this.call('POST', `/v1/tenants/${encodeURIComponent(tenantId)}/keys`, {
      json: { role, ...withDefined(options) },
    });
  }

  /** A tenant's keys; without a tenant, the caller's own (the operator's for the admin key). */
  listKeys(tenantId?: string): Promise<{ items: KeyApiView[] }> {
    return this.call('GET', tenantId ? `/v1/tenants/${encodeURIComponent(tenantId)}/keys` : '/v1/keys');
  }

  /** The calling key's role, tenant, project and site. */
  whoAmI(): Promise<CallerView> {
    return this.call('GET', '/v1/whoami');
  }

  revokeKey(keyId: string): Promise<KeyApiView> {
    return this.call('DELETE', `/v1/keys/${encodeURIComponent(keyId)}`);
  }

  /** A new secret; the old one works `grace` longer (a duration, 0s to 7d; default 1h). */
  rotateKey(keyId: string, grace?: string): Promise<RotatedKeyView> {
    return this.call('POST', `/v1/keys/${encodeURIComponent(keyId)}/rotate`, {
      json: withDefined({ grace }),
    });
  }

  /** A site credential (agent, metering) for one site: the operator's admin key only. */
  createSiteKey(role: string, site: string, expires?: string): Promise<CreatedKeyView> {
    return this.call('POST', '/v1/keys', { json: { role, site, ...withDefined({ expires }) } });
  }

  /** Submits a spec as written (YAML or JSON text); `created` is false for a replay. */
  async submitJob(
    text: string,
    idempotencyKey: string,
    isJson: boolean,
  ): Promise<{ job: JobView; created: boolean }> {
    const response = await this.send('POST', '/v1/jobs', {
      body: text,
      headers: {
        'content-type': isJson ? 'application/json' : 'application/yaml',
        'idempotency-key': idempotencyKey,
      },
    });
    return { job: (await response.json()) as JobView, created: response.status === 201 };
  }

  /** Serves a Service spec as written; `created` is false when that spec already runs under its name. */
  async serveService(
    text: string,
    idempotencyKey: string,
    isJson: boolean,
  ): Promise<{ service: ServiceView; created: boolean }> {
    const response = await this.send('POST', '/v1/services', {
      body: text,
      headers: {
        'content-type': isJson ? 'application/json' : 'application/yaml',
        'idempotency-key': idempotencyKey,
      },
    });
    return { service: (await response.json()) as ServiceView, created: response.status === 201 };
  }

  /** Applies a Service spec: created, revised (a rollout starts) or unchanged. */
  async applyService(
    name: string,
    text: string,
    isJson: boolean,
  ): Promise<{ service: ServiceView; outcome: string }> {
    const response = await this.send('PUT', `/v1/services/${encodeURIComponent(name)}`, {
      body: text,
      headers: { 'content-type': isJson ? 'application/json' : 'application/yaml' },
    });
    return {
      service: (await response.json()) as ServiceView,
      outcome: response.headers.get('usine-apply') ?? '',
    };
  }

  listServices(): Promise<{ items: ServiceView[] }> {
    return this.call('GET', '/v1/services');
  }

  getService(name: string): Promise<ServiceView> {
    return this.call('GET', `/v1/services/${encodeURIComponent(name)}`);
  }

  scaleService(name: string, replicas: number): Promise<ServiceView> {
    return this.call('POST', `/v1/services/${encodeURIComponent(name)}/scale`, { json: { replicas } });
  }

  deleteService(name: string): Promise<ServiceView> {
    return this.call('DELETE', `/v1/services/${encodeURIComponent(name)}`);
  }

  /** A dry run: where the spec would be placed now and why; nothing is submitted. */
  previewPlacement(text: string, isJson: boolean): Promise<PlacementPreviewView> {
    return this.send('POST', '/v1/placements', {
      body: text,
      headers: { 'content-type': isJson ? 'application/json' : 'application/yaml' },
    }).then((response) => response.json() as Promise<PlacementPreviewView>);
  }

  listJobs(query: Record<string, string | undefined>): Promise<JobListView> {
    const params = new URLSearchParams(
      Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
    );
    return this.call('GET', `/v1/jobs${params.size > 0 ? `?${params}` : ''}`);
  }

  getJob(id: string): Promise<JobView> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  cancelJob(id: string): Promise<JobView> {
    return this.call('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`);
  }

  listSites(): Promise<{ items: SiteView[] }> {
    return this.call('GET', '/v1/sites');
  }

  /** The providers' due-diligence scorecards, weighed by the tenant's policy (`usine providers --json`'s shape). */
  listProviders(): Promise<ProviderScorecardsView> {
    return this.call('GET', '/v1/providers');
  }

  /** The call-for-tenders questionnaire (Markdown) for what a provider's dossier leaves open. */
  async getProviderRfp(name: string, lang: 'en' | 'fr'): Promise<string> {
    const response = await this.send('GET', `/v1/providers/${encodeURIComponent(name)}/rfp?lang=${lang}`, {});
    return response.text();
  }

  /** A tenant's usage records, each with its key (the operator names the tenant). */
  listUsageRecords(query: {
    tenant?: string | undefined;
    job?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
  }): Promise<{ items: UsageRecordView[] }> {
    return this.call('GET', `/v1/usage/records?${new URLSearchParams(withDefined(query)).toString()}`);
  }

  /** The operator voids or adjusts a record: compensating records, never an edit. */
  correctUsage(body: CorrectionBodyView): Promise<CorrectionView> {
    return this.call('POST', '/v1/usage/corrections', { json: body });
  }

  /** Jobs by state and site, and this month's spend against budgets (`usine top`). */
  getSummary(): Promise<FactorySummaryView> {
    return this.call('GET', '/v1/summary');
  }

  /** The hosts agents registered, with their GPUs, state, last heartbeat and running jobs. */
  listNodes(): Promise<{ items: FleetNodeView[] }> {
    return this.call('GET', '/v1/nodes');
  }

  /** The audit log a page at a time; `actor` exactly, `action` as a prefix (`job.`). */
  listAudit(
    cursor?: string,
    limit = 100,
    filter: { actor?: string | undefined; action?: string | undefined } = {},
  ): Promise<AuditPageView> {
    const params = new URLSearchParams({ limit: String(limit), ...withDefined({ cursor, ...filter }) });
    return this.call('GET', `/v1/audit?${params}`);
  }

  /** `expect`: a checkpoint the caller trusts; `full`: recompute from the first entry. */
  verifyAudit(
    options: { expect?: { count: number; headHash: string }; full?: boolean } = {},
  ): Promise<AuditVerificationView> {
    const params = new URLSearchParams();
    if (options.expect) {
      params.set('count', String(options.expect.count));
      params.set('head', options.expect.headHash);
    }
    if (options.full) params.set('full', 'true');
    return this.call('GET', `/v1/audit/verify${params.size > 0 ? `?${params}` : ''}`);
  }

  listAuditCheckpoints(cursor?: string, limit = 1000): Promise<AuditCheckpointPageView> {
    return this.call(
      'GET',
      `/v1/audit/checkpoints?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
  }

  getAuditPublicKey(): Promise<AuditPublicKeyView> {
    return this.call('GET', '/v1/audit/public-key');
  }

  /** GPU-seconds, energy and cost grouped by job, project, site, gpuModel or day. */
  getUsage(query: { groupBy?: string; from?: string; to?: string }): Promise<UsageSummaryView> {
    const params = new URLSearchParams(
      Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
    );
    return this.call('GET', `/v1/usage${params.size > 0 ? `?${params}` : ''}`);
  }

  listInvoices(month?: string): Promise<{ items: InvoiceView[] }> {
    return this.call('GET', `/v1/invoices${month ? `?month=${encodeURIComponent(month)}` : ''}`);
  }

  /** One invoice as the server renders it: `csv` or `html` text. */
  async getInvoiceText(id: string, format: 'csv' | 'html'): Promise<string> {
    const response = await this.send('GET', `/v1/invoices/${encodeURIComponent(id)}?format=${format}`, {});
    return response.text();
  }

  putBudget(scope: string, body: Record<string, unknown>): Promise<BudgetStatusView> {
    return this.call('PUT', `/v1/budgets/${encodeURIComponent(scope)}`, { json: body });
  }

  listBudgets(): Promise<{ items: BudgetStatusView[] }> {
    return this.call('GET', '/v1/budgets');
  }

  /** The AI Act compute and energy report of a model: its JSON, or (format html) the page. */
  async reportCompute(query: Record<string, string | undefined>): Promise<string> {
    const params = new URLSearchParams(withDefined(query));
    const response = await this.send('GET', `/v1/reports/compute?${params.toString()}`, {});
    return response.text();
  }

  /** Erases a tenant's personal data (GDPR Art. 17): what was erased, what is kept and why. */
  eraseTenant(tenantId: string, reason: string): Promise<Record<string, unknown>> {
    return this.call('POST', `/v1/tenants/${encodeURIComponent(tenantId)}/erasure`, { json: { reason } });
  }

  /** The tenant's export as a ustar stream (the operator names the tenant). */
  async *exportTenant(tenant?: string): AsyncIterable<Uint8Array> {
    const query = tenant === undefined ? '' : `?tenant=${encodeURIComponent(tenant)}`;
    const response = await this.send('GET', `/v1/export${query}`, {});
    if (!response.body) return;
    for await (const chunk of response.body) yield chunk as Uint8Array;
  }

  /**
   * The job's output as it comes; with follow, until the job ends, taking a dropped
   * connection up again from the last byte received (see `Reconnector`).
   */
  async *streamLogs(id: string, follow: boolean, options: ReconnectOptions = {}): AsyncIterable<string> {
    const retry = new Reconnector(options);
    const decoder = new TextDecoder();
    let offset = 0;
    for (;;) {
      try {
        const path = `/v1/jobs/${encodeURIComponent(id)}/logs?follow=${follow}${offset > 0 ? `&offset=${offset}` : ''}`;
        const response = await this.send('GET', path, { signal: options.signal });
        retry.connected();
        for await (const chunk of response.body ?? []) {
          const bytes = chunk as Uint8Array;
          offset += bytes.byteLength;
          yield decoder.decode(bytes, { stream: true });
        }
        if (!follow || isFinished((await this.getJob(id)).status)) return;
        await retry.endedEarly('the log stream ended before the job did');
      } catch (error) {
        await retry.failed(error);
      }
    }
  }

  /**
   * The job's state changes (Server-Sent Events) until it finishes, taking a dropped
   * connection up again after the last event received (`Last-Event-ID`).
   */
  async *streamEvents(id: string, options: ReconnectOptions = {}): AsyncIterable<JobEvent> {
    const retry = new Reconnector(options);
    let after = 0;
    for (;;) {
      try {
        const response = await this.send('GET', `/v1/jobs/${encodeURIComponent(id)}/events`, {
          signal: options.signal,
          headers: after > 0 ? { 'last-event-id': String(after) } : {},
        });
        retry.connected();
        for await (const event of readServerSentEvents(response.body)) {
          after = event.id;
          yield event;
        }
        if (isFinished((await this.getJob(id)).status)) return;
        await retry.endedEarly('the event stream ended before the job did');
      } catch (error) {
        await retry.failed(error);
      }
    }
  }

  private async call<T>(method: string, path: string, options: { json?: unknown } = {}): Promise<T> {
    const response = await this.send(method, path, {
      ...(options.json !== undefined
        ? { body: JSON.stringify(options.json), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    return (await response.json()) as T;
  }

  private async send(
    method: string,
    path: string,
    options: { body?: string; headers?: Record<string, string>; signal?: AbortSignal | undefined },
  ): Promise<Response> {
    const response = await fetch(new URL(path, this.options.url), {
      method,
      headers: {
        ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: options.body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!response.ok) {
      const problem = (await response.json().catch(() => undefined)) as ProblemBody | undefined;
      throw new UsineApiError(response.status, problem);
    }
    return response;
  }
}

function withDefined(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The events of a `text/event-stream` body, as they come. */
async function* readServerSentEvents(body: ReadableStream<Uint8Array> | null): AsyncIterable<JobEvent> {
  if (!body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      // a comment (the server's heartbeat) carries no event
      if (field('data') === undefined) continue;
      yield {
        id: Number(field('id') ?? 0),
        type: field('event') ?? 'message',
        data: JSON.parse(field('data') ?? '{}') as Record<string, unknown>,
      };
    }
  }
}
