import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports/store.js';
import { verifyChain, type AuditEvent } from '../../src/domain/audit/chain.js';
import type { SqlDatabase } from '../../src/store/sql-client.js';
import { dropTestSchemas, STORE_BACKENDS } from './store-backends.js';

afterAll(dropTestSchemas);

function auditEvent(i: number): AuditEvent {
  return {
    at: '2026-11-01T09:00:00Z',
    actor: 'key:key_1',
    tenantId: i % 2 === 0 ? 'ten_1' : null,
    action: 'job.submit',
    subject: `job_${i}`,
    data: { i, name: 'radiology', nested: { b: [1, 2.5, 'x'], a: null }, big: 12345678901234567890n },
  };
}

describe.each(STORE_BACKENDS)('audit chain on $name', (backend) => {
  let store: Store;
  let db: SqlDatabase;
  beforeAll(async () => {
    if (!backend.skip) ({ store, db } = await backend.openWithDatabase());
  });
  afterAll(async () => {
    await store?.close();
  });

  async function readWholeChain() {
    return store.transaction((tx) => tx.listAudit(0, 10_000));
  }

  it.skipIf(backend.skip)('appends entries that verify as read back from the database', async () => {
    const appended = await store.transaction(async (tx) => [
      await tx.appendAudit(auditEvent(1)),
      await tx.appendAudit({ ...auditEvent(2), data: undefined }),
    ]);
    const chain = await readWholeChain();
    expect(chain.slice(-2)).toEqual(appended);
    expect(appended[0]?.at).toBe('2026-11-01T09:00:00.000Z');
    expect(verifyChain(chain)).toEqual({ ok: true, entries: chain.length });
  });

  it.skipIf(backend.skip)('keeps the chain linear under 50 concurrent appends', async () => {
    const before = (await readWholeChain()).length;
    const entries = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.transaction((tx) => tx.appendAudit(auditEvent(i)))),
    );
    expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => before + i + 1),
    );
    const chain = await readWholeChain();
    expect(chain).toHaveLength(before + 50);
    expect(verifyChain(chain)).toEqual({ ok: true, entries: before + 50 });
  });

  it.skipIf(backend.skip)('lists entries after a seq, a page at a time', async () => {
    await store.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.appendAudit(auditEvent(i));
    });
    const page = await store.transaction((tx) => tx.listAudit(1, 2));
    expect(page.map((e) => e.seq)).toEqual([2, 3]);
  });

  it.skipIf(backend.skip)('leaves no gap when a transaction that appended rolls back', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.appendAudit(auditEvent(1));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await store.transaction((tx) => tx.appendAudit(auditEvent(2)));
    expect(verifyChain(await readWholeChain()).ok).toBe(true);
  });

  it.skipIf(backend.skip)('refuses to update or delete an entry in the database', async () => {
    await store.transaction((tx) => tx.appendAudit(auditEvent(0)));
    await expect(
      db.transaction((sql) => sql.query("UPDATE audit_log SET actor = 'admin' WHERE seq = 1")),
    ).rejects.toThrow('audit_log is append-only');
    await expect(db.transaction((sql) => sql.query('DELETE FROM audit_log WHERE seq = 1'))).rejects.toThrow(
      'append-only',
    );
  });

  it.skipIf(backend.skip)('lets verification find an entry edited behind the trigger’s back', async () => {
    const entry = await store.transaction((tx) => tx.appendAudit(auditEvent(0)));
    await db.transaction(async (sql) => {
      await sql.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await sql.query(`UPDATE audit_log SET data = '{"i": 99}' WHERE seq = $1`, [entry.seq]);
      await sql.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    expect(verifyChain(await readWholeChain())).toMatchObject({ ok: false, firstBadEntry: entry.seq });
  });
});
