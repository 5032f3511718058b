import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, createOwner, TEST_CATALOG } from './factory-fixture.js';
import { spawnUsine } from '../support/spawn-usine.js';

function startUsine(dataDir: string, catalog: string) {
  return spawnUsine({ dataDir, catalog });
}

const specFor = (i: number) => `apiVersion: usine/v1
kind: Job
metadata: { name: burst-${i} }
spec:
  workload: train
  command: [train]
  resources: { gpus: 1 }
  duration: 10m
  placement: { sites: [sim-paris] }
`;

describe('kill -9 during a burst of submissions', () => {
  it('keeps every job that got a 201, and runs none twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'usine-crash-'));
    const catalog = join(dataDir, 'catalog.yaml');
    writeFileSync(catalog, TEST_CATALOG);
    const first = await startUsine(dataDir, catalog);
    const admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    let call = api(first.url);
    const key = (await createOwner(call, admin, 'burst')).key;

    const accepted = new Map<string, string>(); // idempotency key → job id
    let next = 0;
    const worker = async () => {
      while (next < 400) {
        const i = next++;
        if (i === 120) first.child.kill('SIGKILL');
        try {
          const r = await call('POST', '/v1/jobs', {
            key,
            body: specFor(i),
            headers: { 'content-type': 'application/yaml', 'idempotency-key': `burst-${i}` },
          });
          if (r.status === 201) accepted.set(`burst-${i}`, r.body['id'] as string);
        } catch {
          return; // the server is gone
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(accepted.size).toBeGreaterThan(50);

    const second = await startUsine(dataDir, catalog);
    call = api(second.url);
    const stored = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await call(
        'GET',
        `/v1/jobs?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key },
      );
      for (const job of page.body.items as { id: string }[]) stored.add(job.id);
      cursor = page.body['nextCursor'] as string | null;
    } while (cursor);
    for (const id of accepted.values()) expect(stored.has(id)).toBe(true);

    // retrying every submission with its key creates nothing new
    for (const [idem, id] of accepted) {
      const n = Number(idem.split('-')[1]);
      const retry = await call('POST', '/v1/jobs', {
        key,
        body: specFor(n),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': idem },
      });
      expect(retry.body['id']).toBe(id);
    }
    await new Promise((r) => setTimeout(r, 1500));
    const launches = new Map<string, number>();
    let auditCursor: string | null = null;
    do {
      const page = await call('GET', `/v1/audit?limit=1000${auditCursor ? `&cursor=${auditCursor}` : ''}`, {
        key: admin,
      });
      for (const e of page.body.items as { action: string; subject: string }[]) {
        if (e.action === 'job.launch') launches.set(e.subject, (launches.get(e.subject) ?? 0) + 1);
      }
      auditCursor = page.body['nextCursor'] as string | null;
    } while (auditCursor);
    expect(launches.size).toBeGreaterThan(0);
    expect([...launches.values()].every((n) => n === 1)).toBe(true);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 300_000);
});
