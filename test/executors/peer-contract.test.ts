import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll } from 'vitest';
import { PeerExecutor } from '../../src/executors/peer/peer-executor.js';
import { api, createOwner, startTestFactory, TEST_CATALOG } from '../server/factory-fixture.js';
import { describeExecutorContract } from './executor-contract.js';
import { NODE_JOBS } from './local-subject.js';

/** The peer: a real Usine server whose `local` site has 8 virtual L40S, shared by the file's tests. */
const PEER_CATALOG = TEST_CATALOG.replace('gpusPerNode: 2, nodes: 1', 'gpusPerNode: 8, nodes: 1');
let peer: ReturnType<typeof startTestFactory> | undefined;
let tenants = 0;

afterAll(async () => {
  await (await peer)?.close();
});

describeExecutorContract('peer', async () => {
  peer ??= startTestFactory({ catalogText: PEER_CATALOG });
  const b = await peer;
  const call = api(b.url);
  // a tenant per test: the contract reuses job ids, and idempotency keys are per tenant
  tenants += 1;
  const { key } = await createOwner(call, b.adminKey, `origin-${tenants}`);
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'usine-peer-contract-')), 'key');
  writeFileSync(tokenFile, key, { mode: 0o600 });
  const executor = new PeerExecutor({
    url: b.url,
    tokenFile,
    remoteSite: 'local',
    site: 'peer-test',
    startWaitMs: 5000,
  });
  return {
    executor,
    unknownHandle: 'peer:job_never_launched:job_x',
    passTime: (ms) => sleep(Math.max(ms, 50)),
    ...NODE_JOBS,
    dispose: async () => {
      for (const handle of await executor.reconcile()) await executor.cancel(handle);
      await executor.close();
    },
  };
});
