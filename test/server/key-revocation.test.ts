import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestSchema,
  dropTestSchemas,
  POSTGRES_SKIPPED,
  TEST_DATABASE_URL,
} from '../store/store-backends.js';
import { api, createOwner, startTestFactory } from './factory-fixture.js';

afterAll(dropTestSchemas);

const SIM_JOB = (name: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec:
  command: ["true"]
  resources: { gpus: 1 }
  duration: 1m
  placement: { sites: [sim-paris] }
`;

interface Attempt {
  readonly startedAt: number;
  readonly status: number;
}

/**
 * Workers submit jobs in a loop with the key until `stopAt()`; returns every attempt, timed
 * by when it was sent (performance.now()).
 */
async function submitInLoops(urls: readonly string[], key: string, stopAt: () => number): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  let n = 0;
  const worker = async (url: string) => {
    const call = api(url);
    while (performance.now() < stopAt()) {
      const name = `load-${n++}`;
      const startedAt = performance.now();
      const answer = await call('POST', '/v1/jobs', {
        key,
        body: SIM_JOB(name),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': name },
      });
      attempts.push({ startedAt, status: answer.status });
    }
  };
  await Promise.all([...urls, ...urls].map(worker));
  return attempts;
}

const BACKENDS = [
  { name: 'PGlite, one replica', replicas: 1, skip: false },
  { name: `PostgreSQL, two replicas${POSTGRES_SKIPPED}`, replicas: 2, skip: TEST_DATABASE_URL === undefined },
];

describe.each(BACKENDS)('a key revoked under load on $name', ({ replicas, skip }) => {
  it.skipIf(skip)('accepts no request sent more than 1 s after the revoke returned', async () => {
    const databaseUrl = replicas > 1 ? (await createTestSchema()).url : undefined;
    const first = await startTestFactory(databaseUrl ? { databaseUrl } : {});
    const others = await Promise.all(
      Array.from({ length: replicas - 1 }, () => startTestFactory({ databaseUrl, dataDir: first.dataDir })),
    );
    const factories = [first, ...others];
    try {
      const call = api(first.url);
      const owner = await createOwner(call, first.adminKey, 'acme');
      const member = await call('POST', `/v1/tenants/${owner.tenantId}/keys`, {
        key: owner.key,
        json: { role: 'member', project: 'load' },
      });
      const [keyId, secret] = [member.body['id'] as string, member.body['key'] as string];
      let revokedAt = Infinity;
      const stopAt = () => Math.min(performance.now() + 60_000, revokedAt + 2_000);
      // the load runs on the last replica; the revoke goes to the first
      const load = submitInLoops([factories[factories.length - 1]?.url ?? first.url], secret, stopAt);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const revoked = await call('DELETE', `/v1/keys/${keyId}`, { key: owner.key });
      revokedAt = performance.now();
      expect(revoked.status).toBe(200);
      const attempts = await load;

      const acceptedBefore = attempts.filter((a) => a.status === 201 && a.startedAt < revokedAt);
      const lateAccepted = attempts.filter((a) => a.status === 201 && a.startedAt > revokedAt + 1_000);
      const afterSecond = attempts.filter((a) => a.startedAt > revokedAt + 1_000);
      expect(acceptedBefore.length).toBeGreaterThan(0);
      expect(afterSecond.length).toBeGreaterThan(0);
      expect(lateAccepted).toEqual([]);
      expect(new Set(afterSecond.map((a) => a.status))).toEqual(new Set([401]));
    } finally {
      for (const factory of factories.reverse()) await factory.close();
    }
  });
});
