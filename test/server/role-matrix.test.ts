import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/app/ports/records.js';
import { listApiRoutes } from '../../src/server/build-server.js';
import type { RouteSpec } from '../../src/server/route-spec.js';
import { api, startTestFactory } from './factory-fixture.js';
import { ALLOWED, bodyOf, NOT_FOUND_FOR, SERVICE, type MatrixContext } from './role-matrix-table.js';

/**
 * Every route of the server's own table × every role, on the caller's own resources and on
 * another tenant's: generated from listApiRoutes(), so a new route fails here until the table
 * (role-matrix-table.ts) says who may call it.
 */
const ROUTES = listApiRoutes().filter((route) => route.auth);
const TENANT_ROLES = ['owner', 'member', 'viewer', 'auditor', 'service'] as const satisfies readonly Role[];

interface Answer {
  readonly status: number;
  readonly text: string;
}

/** One request; an event stream is read for a moment, then dropped. */
async function send(
  base: string,
  method: string,
  path: string,
  key: string | undefined,
  payload?: { text: string; type: string },
) {
  const abort = new AbortController();
  const response = await fetch(new URL(path, base), {
    method,
    signal: abort.signal,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(payload ? { 'content-type': payload.type } : {}),
      ...(method === 'POST' ? { 'idempotency-key': `matrix-${Math.random()}` } : {}),
    },
    ...(payload ? { body: payload.text } : {}),
  });
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    return { status: response.status, text: await response.text() } satisfies Answer;
  }
  const reader = response.body?.getReader();
  const first = await Promise.race([reader?.read(), new Promise((r) => setTimeout(r, 500))]);
  abort.abort();
  const text = new TextDecoder().decode(
    (first as { value?: Uint8Array } | undefined)?.value ?? new Uint8Array(),
  );
  return { status: response.status, text } satisfies Answer;
}

describe('the role matrix: every route × every role × own and another tenant’s ids', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let ctx: MatrixContext;
  const keys = new Map<Role, string>();
  let otherProjectJob: string;

  beforeAll(async () => {
    factory = await startTestFactory();
    const call = api(factory.url);
    const admin = factory.adminKey;
    const tenant = async (name: string) =>
      (await call('POST', '/v1/tenants', { key: admin, json: { name } })).body['id'] as string;
    const keyOf = async (tenantId: string, json: unknown) =>
      (await call('POST', `/v1/tenants/${tenantId}/keys`, { key: admin, json })).body as {
        id: string;
        key: string;
      };
    const victim = await tenant('victim-tenant-a');
    const mine = await tenant('caller-tenant-b');
    const victimOwner = await keyOf(victim, { role: 'owner' });
    const submit = async (key: string, name: string, project: string) =>
      (
        await call('POST', '/v1/jobs', {
          key,
          body: `apiVersion: usine/v1\nkind: Job\nmetadata: { name: ${name}, project: ${project} }\nspec:\n  command: ["true"]\n  resources: { gpus: 1 }\n  duration: 1m\n  placement: { sites: [sim-paris] }\n`,
          headers: { 'content-type': 'application/yaml', 'idempotency-key': name },
        })
      ).body['id'] as string;
    const serve = async (key: string, name: string, project: string) => {
      const answer = await call('POST', '/v1/services', {
        key,
        body: SERVICE(name, project),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': name },
      });
      if (answer.status !== 201)
        throw new Error(`service ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return name;
    };
    const fresh = () => Math.random().toString(36).slice(2);
    keys.set('admin', admin);
    for (const role of TENANT_ROLES) {
      keys.set(role, (await keyOf(mine, role === 'member' ? { role, project: 'project-b' } : { role })).key);
    }
    for (const role of ['agent', 'metering'] as const) {
      keys.set(
        role,
        (await call('POST', '/v1/keys', { key: admin, json: { role, site: 'local' } })).body['key'] as string,
      );
    }
    ctx = {
      victim: {
        tenantId: victim,
        jobId: await submit(victimOwner.key, 'victim-job-a', 'victim-project-a'),
        newKeyId: async () => (await keyOf(victim, { role: 'viewer' })).id,
        newJobId: async () =>
          submit(victimOwner.key, `victim-job-${Math.random().toString(36).slice(2)}`, 'victim-project-a'),
        serviceName: await serve(victimOwner.key, 'victim-service-a', 'victim-project-a'),
        newServiceName: () => serve(victimOwner.key, `victim-service-${fresh()}`, 'victim-project-a'),
      },
      mine: {
        tenantId: mine,
        jobId: await submit(keys.get('owner') ?? '', 'job-b', 'project-b'),
        newKeyId: async () => (await keyOf(mine, { role: 'viewer' })).id,
        newJobId: async () =>
          submit(keys.get('owner') ?? '', `job-b-${Math.random().toString(36).slice(2)}`, 'project-b'),
        serviceName: await serve(keys.get('owner') ?? '', 'service-b', 'project-b'),
        newServiceName: () => serve(keys.get('owner') ?? '', `service-b-${fresh()}`, 'project-b'),
      },
      month: new Date().toISOString().slice(0, 7),
    };
    otherProjectJob = await submit(keys.get('owner') ?? '', 'job-of-project-c', 'project-c');
  });

  afterAll(async () => {
    await factory?.close();
  });

  /** The path with the ids of `side` in place of its parameters; fails on a parameter it does not know. */
  async function pathFor(route: RouteSpec, side: 'victim' | 'mine'): Promise<string> {
    const ids = ctx[side];
    const parts = await Promise.all(
      route.url.split('/').map(async (part, i, all) => {
        if (!part.startsWith(':')) return part;
        const resource = all[i - 1];
        const action = all[i + 1];
        if (resource === 'tenants') return ids.tenantId;
        if (resource === 'jobs') return action === 'cancel' ? ids.newJobId() : ids.jobId;
        // a job named by another resource's path (an agent's launch of a job)
        if (part === ':jobId') return ids.jobId;
        if (resource === 'keys') return ids.newKeyId();
        if (resource === 'services')
          return route.method === 'DELETE' ? ids.newServiceName() : ids.serviceName;
        if (resource === 'invoices') return `inv_${ctx.month}_EUR`;
        if (resource === 'budgets') return 'tenant';
        // the catalog's one provider: public to every tenant
        if (resource === 'providers') return 'self';
        throw new Error(`${route.operationId}: no id for ${part} after /${resource}: add it to pathFor`);
      }),
    );
    return parts.join('/');
  }

  /** Ids that may appear in an answer only because the request's own path named them. */
  const victimMarkers = () => [
    'victim-tenant-a',
    'victim-project-a',
    'victim-job-a',
    'victim-service-a',
    ctx.victim.tenantId,
    ctx.victim.jobId,
  ];

  it('has a row for every route in the table, and no row for a route that is gone', () => {
    expect(Object.keys(ALLOWED).sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  it('refuses every /v1 route without a key (401)', async () => {
    for (const route of ROUTES) {
      const answer = await send(
        factory.url,
        route.method,
        await pathFor(route, 'mine'),
        undefined,
        bodyOf(route),
      );
      expect({ route: route.operationId, status: answer.status }).toEqual({
        route: route.operationId,
        status: 401,
      });
    }
  });

  it('lets each role do on its own resources exactly what the table says, and 403 the rest', async () => {
    const seen: Record<string, Record<string, number>> = {};
    const expected: Record<string, Record<string, number | string>> = {};
    for (const route of ROUTES) {
      for (const role of ROLES) {
        // the operator's keys have no tenant: their "own" ids are any tenant's
        const side = TENANT_ROLES.includes(role as (typeof TENANT_ROLES)[number]) ? 'mine' : 'victim';
        const answer = await send(
          factory.url,
          route.method,
          await pathFor(route, side),
          keys.get(role),
          bodyOf(route),
        );
        const allowed = (ALLOWED[route.operationId] ?? []).includes(role);
        (seen[route.operationId] ??= {})[role] = answer.status;
        const notFound = (NOT_FOUND_FOR[route.operationId] ?? []).includes(role);
        (expected[route.operationId] ??= {})[role] = allowed
          ? isAuthorised(answer.status)
            ? answer.status
            : 'allowed'
          : notFound
            ? 404
            : 403;
      }
    }
    expect(seen).toEqual(expected);
  });

  it("gives no tenant role nor site credential anything of another tenant's: 403 or 404, never its data", async () => {
    const leaks: string[] = [];
    for (const route of ROUTES) {
      for (const role of [...TENANT_ROLES, 'agent', 'metering'] as const) {
        const path = await pathFor(route, 'victim');
        const answer = await send(factory.url, route.method, path, keys.get(role), bodyOf(route));
        const named = path.split('/');
        // a marker the path itself carries (victim-service-a in victim-service-a7x…) is only echoed
        const leaked = victimMarkers().filter(
          (m) => !named.some((segment) => segment.includes(m)) && answer.text.includes(m),
        );
        // a provider is the catalog's, the same for every tenant: no tenant's resource to reach
        const reachesVictim = route.url.includes(':') && !/invoices|budgets|providers/.test(route.url);
        if (reachesVictim && ![403, 404].includes(answer.status))
          leaks.push(`${role} ${route.method} ${path}: ${answer.status}`);
        if (leaked.length > 0) leaks.push(`${role} ${route.method} ${path}: shows ${leaked.join(', ')}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("gives a member nothing of its tenant's other projects' jobs", async () => {
    const seen: string[] = [];
    for (const route of ROUTES.filter((r) => r.url.startsWith('/v1/jobs/:id'))) {
      const path = route.url.replace(':id', otherProjectJob);
      const answer = await send(factory.url, route.method, path, keys.get('member'), bodyOf(route));
      if (![403, 404].includes(answer.status) || answer.text.includes('job-of-project-c')) {
        seen.push(`${route.method} ${path}: ${answer.status}`);
      }
    }
    const listed = await send(factory.url, 'GET', '/v1/jobs', keys.get('member'));
    if (listed.text.includes(otherProjectJob)) seen.push('GET /v1/jobs lists it');
    expect(seen).toEqual([]);
  });
});

/** Past authentication and authorisation: neither 401, 403 nor 404, and no server error. */
function isAuthorised(status: number): boolean {
  return ![401, 403, 404].includes(status) && status < 500;
}
