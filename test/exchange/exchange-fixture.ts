import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monthOf } from '../../src/domain/metering/month.js';
import { extractTar } from '../../src/server/exchange/extract-tar.js';
import { api, createOwner, type startTestFactory } from '../server/factory-fixture.js';

type Factory = Awaited<ReturnType<typeof startTestFactory>>;

const SPEC = (name: string, extra: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name}, project: vision, labels: { team: eyes } }
spec:
  command: ["python", "train.py"]
  env: { SEED: "7" }
  resources: { gpus: 1${extra} }
  duration: 1m
  placement: { sites: [sim-paris] }
`;

/** Two months ago: its invoice is final whatever today is. */
export const OLD_MONTH = (() => {
  const now = new Date();
  return monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 10)));
})();

/**
 * A tenant with some of everything: a job that ran on the simulated site, one no site can
 * take, usage of a month whose invoice is final, a budget, billing settings with tax and a
 * markup. Returns once the run is metered.
 */
export async function seedTenant(factory: Factory, name: string) {
  const call = api(factory.url);
  const { tenantId, key } = await createOwner(call, factory.adminKey, name);
  const submit = async (job: string, extra = '') =>
    (
      await call('POST', '/v1/jobs', {
        key,
        body: SPEC(job, extra),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': job },
      })
    ).body['id'] as string;
  const ran = await submit('ran');
  const infeasible = await submit('infeasible', ', gpuModels: [B200]');
  for (let i = 0; i < 300; i++) {
    const job = (await call('GET', `/v1/jobs/${ran}`, { key })).body;
    const usage = (await call('GET', '/v1/usage', { key })).body as { items?: unknown[] };
    if (job['status'] === 'succeeded' && (usage.items?.length ?? 0) > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const put = async (path: string, key0: string, json: unknown) => {
    const answer = await call('PUT', path, { key: key0, json });
    if (answer.status >= 300) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  await put('/v1/budgets/tenant', key, { limit: '900 EUR' });
  await put(`/v1/tenants/${tenantId}/billing`, factory.adminKey, {
    taxRate: { rate: '0.20', label: 'TVA' },
    markups: { vision: '0.25' },
  });
  // metered by a site's own meter for a month whose invoice is final (no job of this test ran then)
  await factory.ctx.store.transaction((tx) =>
    tx.appendUsage([
      {
        key: `ext:${tenantId}:site/sim-paris/meter:${name}-old-1`,
        tenantId,
        project: 'vision',
        jobId: null,
        site: 'sim-paris',
        gpuModel: 'H100',
        offering: 'on-demand',
        milliGpus: 2000,
        start: `${OLD_MONTH}-10T08:00:00.000Z`,
        end: `${OLD_MONTH}-10T09:30:00.000Z`,
        energyWh: { coefficient: 19505n, scale: 1 },
        pricePerGpuHour: { amount: { coefficient: 250n, scale: 2 }, currency: 'EUR' },
        minimumSeconds: null,
        isFinal: true,
        timeScale: 1,
        invoiceMonth: null,
        correction: null,
      },
    ]),
  );
  return { tenantId, ownerKey: key, jobs: { ran, infeasible } };
}

/** GET /v1/export with `key`, unpacked into a new directory. */
export async function downloadExport(base: string, key: string, tenant?: string) {
  const response = await fetch(new URL(`/v1/export${tenant ? `?tenant=${tenant}` : ''}`, base), {
    headers: { authorization: `Bearer ${key}` },
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`export: ${response.status} ${await response.text()}`);
  const dir = mkdtempSync(join(tmpdir(), 'usine-export-test-'));
  const { files, complete } = await extractTar(response.body as AsyncIterable<Uint8Array>, dir);
  return { dir, files, complete, contentType: response.headers.get('content-type') };
}
