import { randomBytes } from 'node:crypto';
import type { StoreTx, NewJob } from '../../src/app/ports/store.js';
import type { TenantRecord } from '../../src/app/ports/records.js';

let counter = 0;

/** A unique id with a readable prefix, so tests sharing one store never collide. */
export function newTestId(prefix: string): string {
  counter++;
  return `${prefix}_${randomBytes(4).toString('hex')}${String(counter).padStart(4, '0')}`;
}

export async function createTestTenant(tx: StoreTx, name = newTestId('tenant')): Promise<TenantRecord> {
  const tenant: TenantRecord = { id: newTestId('ten'), name, createdAt: '2026-11-01T08:00:00.000Z' };
  await tx.createTenant(tenant);
  return tenant;
}

export function newTestJob(tenantId: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: newTestId('job'),
    tenantId,
    project: 'clinic-ai',
    name: 'radiology-finetune',
    kind: 'Job',
    labels: { team: 'vision' },
    document: { apiVersion: 'usine/v1', kind: 'Job', spec: { resources: { gpus: 8 } } },
    idempotencyKey: newTestId('key'),
    requestHash: 'a'.repeat(64),
    at: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
}
