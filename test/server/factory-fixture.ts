import { mkdtempSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/app/ports/clock.js';
import type { FleetSettings } from '../../src/app/fleet/fleet-settings.js';
import { readDocuments } from '../../src/app/read-documents.js';
import type { RateLimits } from '../../src/server/rate-limits.js';
import type { AuditOptions } from '../../src/server/start-audit.js';
import type { RetentionSettings } from '../../src/server/retention-loop.js';
import type { EdgeLimits } from '../../src/server/edge-options.js';
import type { GatewayLimits } from '../../src/gateway/gateway-routes.js';
import { startFactory, type RunningFactory } from '../../src/server/start-factory.js';

/** A catalog with a local site of 2 virtual L40S and a simulated French site of 2 × 8 H100. */
export const TEST_CATALOG = `apiVersion: usine/v1
kind: Provider
metadata: { name: self }
spec: { legalName: Test Org, jurisdiction: FR }
---
apiVersion: usine/v1
kind: Site
metadata: { name: local }
spec:
  provider: self
  location: { country: FR }
  pue: 1.5
  backend: { type: local }
  capacity: [{ gpuModel: L40S, gpuMemoryGiB: 48, gpusPerNode: 2, nodes: 1, boardPowerW: 350 }]
  offerings: [{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "0 EUR" }]
---
apiVersion: usine/v1
kind: Site
metadata: { name: sim-paris }
spec:
  provider: self
  location: { country: FR }
  certifications: [{ name: HDS }]
  pue: 1.3
  backend: { type: simulated }
  capacity: [{ gpuModel: H100, gpuMemoryGiB: 80, gpusPerNode: 8, nodes: 2, boardPowerW: 700 }]
  offerings: [{ gpuModel: H100, kind: on-demand, pricePerGpuHour: "2.50 EUR" }]
`;

export function readTestCatalog(text = TEST_CATALOG) {
  const set = readDocuments([{ name: 'catalog.yaml', text }]);
  const problems = set.reports.flatMap((r) => r.diagnostics);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return set.catalog;
}

export async function startTestFactory(
  options: {
    dataDir?: string;
    rateLimit?: RateLimits;
    catalogText?: string;
    clock?: Clock;
    databaseUrl?: string;
    maxKeysPerTenant?: number;
    audit?: AuditOptions;
    fleet?: FleetSettings;
    embeddedAgents?: boolean;
    limits?: EdgeLimits;
    metricsKey?: string;
    gatewayLimits?: GatewayLimits;
    consoleDir?: string;
    /** A fixed port (default: any free one). */
    port?: number;
    retention?: RetentionSettings;
    /** Where the server logs (default: nowhere). */
    logger?: { level: string; stream: NodeJS.WritableStream };
  } = {},
): Promise<RunningFactory & { dataDir: string; adminKey: string }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'usine-factory-'));
  const factory = await startFactory({
    catalog: readTestCatalog(options.catalogText),
    dataDir,
    host: '127.0.0.1',
    port: options.port ?? 0,
    timeScale: 3600,
    reconcileIntervalMs: 100,
    logger: options.logger ?? false,
    rateLimit: options.rateLimit ?? { perSecond: 1000, burst: 1000 },
    version: 'test',
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.maxKeysPerTenant ? { maxKeysPerTenant: options.maxKeysPerTenant } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.fleet ? { fleet: options.fleet } : {}),
    ...(options.embeddedAgents === undefined ? {} : { embeddedAgents: options.embeddedAgents }),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.metricsKey ? { metricsKey: options.metricsKey } : {}),
    ...(options.gatewayLimits ? { gatewayLimits: options.gatewayLimits } : {}),
    ...(options.retention ? { retention: options.retention } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
  });
  const adminKey = factory.adminKey ?? readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
  return { ...factory, close: () => factory.close(), dataDir, adminKey };
}

/** A small HTTP helper: JSON in, status and JSON (or text) out. */
export function api(base: string) {
  return async (
    method: string,
    path: string,
    options: { key?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(new URL(path, base), {
      method,
      headers: {
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return {
      status: response.status,
      headers: response.headers,
      body: body as Record<string, unknown> & { items?: unknown[] },
    };
  };
}

/** Creates a tenant with the admin key; its id and a new owner key. */
export async function createOwner(
  call: ReturnType<typeof api>,
  adminKey: string,
  name: string,
): Promise<{ tenantId: string; key: string }> {
  const tenant = await call('POST', '/v1/tenants', { key: adminKey, json: { name } });
  if (tenant.status !== 201)
    throw new Error(`tenant ${name}: ${tenant.status} ${JSON.stringify(tenant.body)}`);
  const tenantId = tenant.body['id'] as string;
  const key = await call('POST', `/v1/tenants/${tenantId}/keys`, { key: adminKey, json: { role: 'owner' } });
  return { tenantId, key: key.body['key'] as string };
}

export const JOB_YAML = (
  name: string,
  command = '["node", "-e", "console.log(\'hello from usine\')"]',
  extra = '',
) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec:
  workload: dev
  command: ${command}
  resources: { gpus: 0.5 }
  duration: 1m
  placement: { sites: [local] }
${extra}`;
