// Gateway benchmark: the same load straight to one replica and through the gateway, in the same
// run. Starts a real `usine up` process (its own data dir, a local site of virtual GPUs), serves a
// Service of one replica (the tests' OpenAI-compatible stand-in, a real process run by the agent),
// then BENCH_CONCURRENCY closed-loop clients in this process (undici, keep-alive) POST
// /v1/chat/completions for BENCH_DURATION_S per round, alternating direct and gateway rounds
// (BENCH_ROUNDS each, after a warm-up of each). Through the gateway every request carries one of
// the tenant's service keys (4 connections a key; authenticated, rate limited, the budget checked,
// a replica chosen, the answer streamed back and its tokens metered).
// Prints each round, then throughput ratio and the latency the gateway adds (p50, p99); the last
// line is one JSON object. The load generator shares the machine with both: on a loaded machine
// compare the ratio, not the absolute figures.
// Env: BENCH_CONCURRENCY (64), BENCH_DURATION_S (5), BENCH_ROUNDS (2), BENCH_WARMUP_S (2),
//      BENCH_CPU_PROF (a directory: the server runs with --cpu-prof and writes its profile there).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { prepareReplicaCommand } from '../test/fixtures/replica-command.js';
import { deleteServiceAndWait } from '../test/services/stop-replicas.js';
import { spawnUsine } from '../test/support/spawn-usine.js';

const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 64);
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const WARMUP_S = Number(process.env['BENCH_WARMUP_S'] ?? 2);

const CATALOG = `apiVersion: usine/v1
kind: Provider
metadata: { name: self }
spec: { legalName: Bench, jurisdiction: FR }
---
apiVersion: usine/v1
kind: Site
metadata: { name: local }
spec:
  provider: self
  location: { country: FR }
  pue: 1.2
  backend: { type: local }
  capacity: [{ gpuModel: L40S, gpuMemoryGiB: 48, gpusPerNode: 2, nodes: 1, boardPowerW: 350 }]
  offerings: [{ gpuModel: L40S, kind: on-demand, pricePerGpuHour: "0 EUR" }]
`;
const BODY = JSON.stringify({
  model: 'stand-in',
  messages: [{ role: 'user', content: 'how fast is the gateway' }],
  max_tokens: 8,
});

interface Round {
  readonly path: 'direct' | 'gateway' | 'healthz';
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'usine-bench-gateway-'));
  const catalog = join(dir, 'catalog.yaml');
  writeFileSync(catalog, CATALOG);
  const profile = process.env['BENCH_CPU_PROF'];
  const usine = await spawnUsine({
    dataDir: join(dir, 'data'),
    catalog,
    ...(profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profile}`] } : {}),
  });
  let key = '';
  try {
    const admin = readFileSync(join(dir, 'data', 'admin.key'), 'utf8').trim();
    const call = async (
      method: string,
      path: string,
      key: string,
      body?: unknown,
      type = 'application/json',
    ) => {
      const response = await fetch(new URL(path, usine.url), {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': type,
          'idempotency-key': `bench-${Math.random()}`,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const tenant = await call('POST', '/v1/tenants', admin, { name: 'bench' });
    key = (await call('POST', `/v1/tenants/${String(tenant['id'])}/keys`, admin, { role: 'owner' }))[
      'key'
    ] as string;
    // callers' service keys, 4 connections each: each key stays under the gateway's per-key rate
    const serviceKeys: string[] = [];
    for (let i = 0; i < Math.ceil(CONCURRENCY / 4); i++) {
      serviceKeys.push(
        (await call('POST', `/v1/tenants/${String(tenant['id'])}/keys`, admin, { role: 'service' }))[
          'key'
        ] as string,
      );
    }
    const command = await prepareReplicaCommand();
    const spec = `apiVersion: usine/v1
kind: Service
metadata: { name: chat }
spec:
  command: ${JSON.stringify(command)}
  resources: { gpus: 1 }
  readiness: { path: /health, intervalSeconds: 1 }
  endpoint: { auth: keys, openai: true }
`;
    await call('POST', '/v1/services', key, spec, 'application/yaml');
    let endpoint: string | undefined;
    const startedAt = performance.now();
    while (!endpoint) {
      const view = await call('GET', '/v1/services/chat', key);
      const items = (view['replicas'] as { items: { ready: boolean; endpoint: string | null }[] }).items;
      endpoint = items.find((r) => r.ready)?.endpoint ?? undefined;
      if (!endpoint) {
        if (performance.now() - startedAt > 60_000)
          throw new Error(`no ready replica: ${JSON.stringify(view)}`);
        await sleep(100);
      }
    }
    const replicaReadyMs = performance.now() - startedAt;
    console.log(`replica ready ${replicaReadyMs.toFixed(0)} ms after POST /v1/services, at ${endpoint}`);

    const targets = {
      direct: {
        pool: new Pool(endpoint, { connections: CONCURRENCY }),
        path: '/v1/chat/completions',
        auth: {},
      },
      gateway: {
        pool: new Pool(usine.url, { connections: CONCURRENCY }),
        path: '/s/bench/chat/v1/chat/completions',
        auth: {},
      },
    };
    const probe = { pool: targets.gateway.pool, path: '/healthz', auth: {} };
    const reported = { requests: 0, prompt: 0, completion: 0 };
    const runRound = async (path: 'direct' | 'gateway' | 'healthz', seconds: number): Promise<Round> => {
      const target = path === 'healthz' ? probe : targets[path];
      const method = path === 'healthz' ? 'GET' : 'POST';
      const latencies: number[] = [];
      let errors = 0;
      const counted = path === 'gateway';
      const until = performance.now() + seconds * 1000;
      const worker = async (_: unknown, n: number) => {
        const auth =
          path === 'gateway'
            ? { authorization: `Bearer ${serviceKeys[n % serviceKeys.length] ?? ''}` }
            : target.auth;
        while (performance.now() < until) {
          const t0 = performance.now();
          try {
            const answer = await target.pool.request({
              method,
              path: target.path,
              headers: { 'content-type': 'application/json', ...auth },
              body: method === 'POST' ? BODY : null,
            });
            if (counted && answer.statusCode === 200) {
              // what the replica told this caller, to compare with what the gateway metered
              const usage = ((await answer.body.json()) as { usage: Record<string, number> }).usage;
              reported.requests++;
              reported.prompt += usage['prompt_tokens'] ?? 0;
              reported.completion += usage['completion_tokens'] ?? 0;
            } else await answer.body.dump();
            if (answer.statusCode !== 200) errors++;
            else latencies.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
      return { path, requestsPerSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), errors };
    };

    await runRound('direct', WARMUP_S);
    await runRound('gateway', WARMUP_S);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const path of ['direct', 'gateway'] as const) {
        const round = await runRound(path, DURATION_S);
        rounds.push(round);
        console.log(
          `${path.padEnd(7)} ${round.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${round.p50Ms.toFixed(2)} ms  p99 ${round.p99Ms.toFixed(2)} ms  errors ${round.errors}`,
        );
      }
    }
    // the server's own floor: its cheapest route (no store, no replica), same clients
    const healthz = await runRound('healthz', DURATION_S);
    console.log(
      `healthz ${healthz.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${healthz.p50Ms.toFixed(2)} ms  (the server's cheapest route, for scale)`,
    );
    // every gateway request's tokens, as metered (flushed every second) against as reported
    await sleep(1500);
    const metered = (await call('GET', '/v1/services/chat', key))['tokens'] as {
      requests: number;
      promptTokens: number;
      completionTokens: number;
    };
    const tokensExact =
      metered.requests === reported.requests &&
      metered.promptTokens === reported.prompt &&
      metered.completionTokens === reported.completion;
    console.log(
      `tokens metered ${metered.promptTokens}+${metered.completionTokens} in ${metered.requests} requests; ` +
        `reported to the callers ${reported.prompt}+${reported.completion} in ${reported.requests}: ${tokensExact ? 'equal' : 'DIFFERENT'}`,
    );
    const mean = (path: string, pick: (r: Round) => number) => {
      const of = rounds.filter((r) => r.path === path).map(pick);
      return of.reduce((a, b) => a + b, 0) / of.length;
    };
    const direct = {
      rps: mean('direct', (r) => r.requestsPerSecond),
      p50: mean('direct', (r) => r.p50Ms),
      p99: mean('direct', (r) => r.p99Ms),
    };
    const gateway = {
      rps: mean('gateway', (r) => r.requestsPerSecond),
      p50: mean('gateway', (r) => r.p50Ms),
      p99: mean('gateway', (r) => r.p99Ms),
    };
    const figures = {
      bench: 'gateway',
      concurrency: CONCURRENCY,
      durationSeconds: DURATION_S,
      rounds: ROUNDS,
      replicaReadyMs: Math.round(replicaReadyMs),
      directRequestsPerSecond: Math.round(direct.rps),
      gatewayRequestsPerSecond: Math.round(gateway.rps),
      throughputRatio: Number((gateway.rps / direct.rps).toFixed(3)),
      directP50Ms: Number(direct.p50.toFixed(3)),
      directP99Ms: Number(direct.p99.toFixed(3)),
      gatewayP50Ms: Number(gateway.p50.toFixed(3)),
      gatewayP99Ms: Number(gateway.p99.toFixed(3)),
      addedP50Ms: Number((gateway.p50 - direct.p50).toFixed(3)),
      addedP99Ms: Number((gateway.p99 - direct.p99).toFixed(3)),
      serverHealthzRequestsPerSecond: Math.round(healthz.requestsPerSecond),
      meteredRequests: metered.requests,
      reportedRequests: reported.requests,
      tokensExact,
      errors: rounds.reduce((n, r) => n + r.errors, 0),
      targets: { throughputRatio: 0.8, addedP50Ms: 0.5, addedP99Ms: 2 },
    };
    console.log(
      `through the gateway: ${(figures.throughputRatio * 100).toFixed(1)} % of direct throughput at ${CONCURRENCY} connections; ` +
        `added latency p50 ${figures.addedP50Ms} ms, p99 ${figures.addedP99Ms} ms (targets ≥ 80 %, ≤ 0.5 ms, ≤ 2 ms)`,
    );
    await Promise.all([targets.direct.pool.close(), targets.gateway.pool.close()]);
    console.log(JSON.stringify(figures));
  } finally {
    // the replica is a process of its own: stopped before the server goes
    if (key) await deleteServiceAndWait(usine.url, key, 'chat');
    const exited = new Promise((resolve) => usine.child.once('exit', resolve));
    usine.child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
