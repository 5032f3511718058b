import { listApiRoutes } from '../../src/server/build-server.js';
import type { RunningFactory } from '../../src/server/start-factory.js';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';
import {
  findAnswerProblem,
  sendRaw,
  type FuzzAnswer,
  type FuzzRequest,
  type FuzzWorld,
} from './fuzz-requests.js';

export interface FuzzTarget {
  readonly factory: RunningFactory & { adminKey: string };
  readonly world: FuzzWorld;
  /**
   * Sends one request and says what is wrong with the answer, if anything: a 5xx, an error
   * that is not problem+json, a refused write that changed the store (tenants, keys, jobs,
   * budgets, billing, ingested usage). Requests must be sent one at a time.
   */
  check(request: FuzzRequest): Promise<{ answer: FuzzAnswer; problem: string | undefined }>;
}

/**
 * A real server on PGlite with two tenants, keys of every role, a finished job and its
 * events: what a fuzzed request may aim at.
 */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const factory = await startTestFactory({ rateLimit: { perSecond: 1e9, burst: 1e9 } });
  const call = api(factory.url);
  const a = await createOwner(call, factory.adminKey, 'fuzz-a');
  const b = await createOwner(call, factory.adminKey, 'fuzz-b');
  const keyOf = async (role: string, project?: string) =>
    (
      await call('POST', `/v1/tenants/${a.tenantId}/keys`, {
        key: a.key,
        json: { role, ...(project ? { project } : {}) },
      })
    ).body['key'] as string;
  const keys = [
    factory.adminKey,
    a.key,
    b.key,
    await keyOf('member', 'p1'),
    await keyOf('viewer'),
    await keyOf('auditor'),
  ];
  const job = await call('POST', '/v1/jobs', {
    key: a.key,
    headers: { 'content-type': 'application/yaml', 'idempotency-key': 'fuzz-seed' },
    body: `apiVersion: usine/v1\nkind: Job\nmetadata: { name: seed, project: p1 }\nspec:\n  workload: train\n  command: [train]\n  resources: { gpus: 1 }\n  duration: 1m\n  placement: { sites: [sim-paris] }\n`,
  });
  const jobId = job.body['id'] as string;
  // the simulated site runs an hour a second: the job is finished soon, so its streams end
  for (let i = 0; i < 300; i++) {
    const now = await call('GET', `/v1/jobs/${jobId}`, { key: a.key });
    if (['succeeded', 'failed', 'cancelled'].includes(now.body['status'] as string)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const routes = listApiRoutes().map((r) => ({ method: r.method, url: r.url }));
  const tenants = [a.tenantId, b.tenantId];
  const fingerprint = () =>
    factory.ctx.store.transaction(async (tx) => {
      const counts = await tx.countJobsByStatus();
      const parts: unknown[] = [
        (await tx.listTenants()).length,
        await tx.countApiKeys(),
        Object.values(counts).reduce((s, n) => s + (n ?? 0), 0),
      ];
      for (const t of tenants) {
        parts.push(await tx.listBudgets(t), (await tx.getBillingSettings(t)) ?? null);
        const usage = await tx.listUsage(t, { from: '0001-01-01T00:00:00Z', to: '9999-12-31T00:00:00Z' });
        parts.push(usage.filter((u) => u.key.startsWith('ext:')).length);
      }
      return JSON.stringify(parts, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    });
  const base = new URL(factory.url);
  // the store as the last write left it; a GET is not looked at (looking costs more than sending)
  let before = await fingerprint();
  const check = async (request: FuzzRequest) => {
    const answer = await sendRaw(base, request);
    let problem = findAnswerProblem(answer);
    if (request.method !== 'GET') {
      const after = await fingerprint();
      if (!problem && answer.status >= 400 && after !== before)
        problem = `${answer.status} but the store changed: ${before} → ${after}`;
      before = after;
    }
    return { answer, problem };
  };
  return {
    factory,
    world: { keys, ids: [jobId, a.tenantId, b.tenantId, 'tenant', 'project:p1'], routes },
    check,
  };
}
