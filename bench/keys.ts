// Keys benchmark: what the key model's limits hold to, against a real server (in this process,
// embedded PGlite; with DATABASE_URL or TEST_DATABASE_URL also PostgreSQL, two replicas).
// 1. Tenant rate: 41 keys of one tenant, each limited to 5 requests/s, hammer GET /v1/jobs for
//    BENCH_DURATION_S; accepted requests per second with the tenant limit lifted (the old
//    behaviour: 41 × 5) and with a tenant limit of 20/s.
// 2. Revocation: 4 workers submit with one key in a loop; the key is revoked on another replica
//    (PostgreSQL) or the same one (PGlite); the figure is how long after the revoke returned
//    the last accepted request was sent (bound: KEY_CACHE_MS + one lookup, under 1 s).
// 3. Invalid keys: 2,000 requests with random keys, 50 at a time, from one address limited to
//    20/s (burst 40): how many reached the store (answered 401) and how many were refused (429).
// The last line is one JSON object.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readTestCatalog } from '../test/server/factory-fixture.js';
import { startFactory, type RunningFactory } from '../src/server/start-factory.js';
import type { RateLimits } from '../src/server/rate-limits.js';
import { createTestSchema, dropTestSchemas } from '../test/store/store-backends.js';

const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 5);
const DATABASE_URL = process.env['DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];
const LIFTED = { perSecond: 1_000_000, burst: 1_000_000 };

async function start(rateLimit: RateLimits, options: { dataDir?: string; databaseUrl?: string } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'usine-bench-keys-'));
  const factory = await startFactory({
    catalog: readTestCatalog(),
    dataDir,
    host: '127.0.0.1',
    port: 0,
    timeScale: 3600,
    reconcileIntervalMs: 500,
    logger: false,
    rateLimit,
    version: 'bench',
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  });
  return { factory, dataDir };
}

async function call(
  base: string,
  method: string,
  path: string,
  key: string | undefined,
  json?: unknown,
  yaml?: string,
) {
  const response = await fetch(new URL(path, base), {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(yaml !== undefined
        ? { 'content-type': 'application/yaml', 'idempotency-key': `k-${Math.random()}` }
        : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    ...(yaml !== undefined ? { body: yaml } : {}),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, body };
}

async function ownerOf(factory: RunningFactory, adminKey: string, name: string) {
  const tenant = await call(factory.url, 'POST', '/v1/tenants', adminKey, { name });
  const tenantId = tenant.body['id'] as string;
  const owner = await call(factory.url, 'POST', `/v1/tenants/${tenantId}/keys`, adminKey, { role: 'owner' });
  return { tenantId, key: owner.body['key'] as string };
}

async function tenantRate(perTenant: { perSecond: number; burst: number }): Promise<number> {
  const { factory } = await start({ perSecond: 5, burst: 5, perTenant, perAddress: LIFTED });
  try {
    const admin = factory.adminKey ?? '';
    const { tenantId } = await ownerOf(factory, admin, 'acme');
    const keys: string[] = [];
    for (let i = 0; i < 41; i++) {
      keys.push(
        (await call(factory.url, 'POST', `/v1/tenants/${tenantId}/keys`, admin, { role: 'viewer' })).body[
          'key'
        ] as string,
      );
    }
    const until = performance.now() + DURATION_S * 1000;
    let accepted = 0;
    await Promise.all(
      keys.map(async (key) => {
        while (performance.now() < until) {
          if ((await call(factory.url, 'GET', '/v1/sites', key)).status === 200) accepted++;
          else await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    return accepted / DURATION_S;
  } finally {
    await factory.close();
  }
}

const SIM_JOB = `apiVersion: usine/v1
kind: Job
metadata: { name: load }
spec:
  command: ["true"]
  resources: { gpus: 1 }
  duration: 1m
  placement: { sites: [sim-paris] }
`;

async function revocationLagMs(
  databaseUrl: string | undefined,
): Promise<{ lagMs: number; accepted: number }> {
  const first = await start(LIFTED, databaseUrl ? { databaseUrl } : {});
  const second = databaseUrl ? await start(LIFTED, { databaseUrl, dataDir: first.dataDir }) : undefined;
  try {
    const admin = first.factory.adminKey ?? '';
    const owner = await ownerOf(first.factory, admin, 'acme');
    const member = await call(first.factory.url, 'POST', `/v1/tenants/${owner.tenantId}/keys`, owner.key, {
      role: 'member',
      project: 'load',
    });
    const loadUrl = (second ?? first).factory.url;
    let revokedAt = Infinity;
    let lastAccepted = 0;
    let accepted = 0;
    const workers = Array.from({ length: 4 }, async () => {
      while (performance.now() < Math.min(revokedAt + 2_000, performance.now() + 60_000)) {
        const sentAt = performance.now();
        const answer = await call(
          loadUrl,
          'POST',
          '/v1/jobs',
          member.body['key'] as string,
          undefined,
          SIM_JOB,
        );
        if (answer.status === 201) {
          accepted++;
          lastAccepted = Math.max(lastAccepted, sentAt);
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1_000));
    await call(first.factory.url, 'DELETE', `/v1/keys/${member.body['id'] as string}`, owner.key);
    revokedAt = performance.now();
    await Promise.all(workers);
    return { lagMs: Math.max(0, lastAccepted - revokedAt), accepted };
  } finally {
    await second?.factory.close();
    await first.factory.close();
  }
}

async function invalidKeyFlood(): Promise<{ reachedStore: number; refused: number }> {
  const { factory } = await start({ ...LIFTED, perAddress: { perSecond: 20, burst: 40 } });
  try {
    let reachedStore = 0;
    let refused = 0;
    let sent = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (sent < 2_000) {
          sent++;
          const { status } = await call(
            factory.url,
            'GET',
            '/v1/jobs',
            `usk_${Math.random().toString(36).slice(2)}`,
          );
          if (status === 401) reachedStore++;
          if (status === 429) refused++;
        }
      }),
    );
    return { reachedStore, refused };
  } finally {
    await factory.close();
  }
}

const lifted = await tenantRate(LIFTED);
const limited = await tenantRate({ perSecond: 20, burst: 20 });
console.log(`41 keys × 5/s, tenant limit lifted: ${lifted.toFixed(1)} accepted/s`);
console.log(`41 keys × 5/s, tenant limit 20/s:   ${limited.toFixed(1)} accepted/s`);
const pglite = await revocationLagMs(undefined);
console.log(
  `revoked under load (PGlite): last accepted request sent ${pglite.lagMs.toFixed(0)} ms after the revoke returned (${pglite.accepted} accepted before)`,
);
const postgres = DATABASE_URL ? await revocationLagMs((await createTestSchema()).url) : undefined;
if (postgres) {
  console.log(
    `revoked under load (PostgreSQL, other replica): ${postgres.lagMs.toFixed(0)} ms after (${postgres.accepted} accepted before)`,
  );
  await dropTestSchemas();
}
const flood = await invalidKeyFlood();
console.log(
  `2,000 invalid keys, address limit 20/s burst 40: ${flood.reachedStore} looked up (401), ${flood.refused} refused (429)`,
);
console.log(
  JSON.stringify({
    tenantLiftedPerSecond: Number(lifted.toFixed(1)),
    tenantLimitedPerSecond: Number(limited.toFixed(1)),
    revocationLagMsPglite: Math.round(pglite.lagMs),
    revocationLagMsPostgres: postgres ? Math.round(postgres.lagMs) : null,
    invalidKeysLookedUp: flood.reachedStore,
    invalidKeysRefused: flood.refused,
  }),
);
