import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/ports/store.js';
import { verifyChain, type AuditEvent } from '../../src/domain/audit/chain.js';
import { generateAuditPrivateKey, readAuditKeys } from '../../src/app/audit/audit-keys.js';
import { openStore } from '../../src/store/open-store.js';
import { openPostgresDatabase } from '../../src/store/postgres-database.js';
import { lockForTransaction, type SqlDatabase } from '../../src/store/sql-client.js';
import {
  createTestSchema,
  dropTestSchemas,
  POSTGRES_SKIPPED,
  STORE_BACKENDS,
  TEST_DATABASE_URL,
} from './store-backends.js';

afterAll(dropTestSchemas);

let subjects = 0;

function auditEvent(i: number): AuditEvent {
  subjects++;
  return {
    at: '2026-11-01T09:00:00Z',
    actor: 'key:key_1',
    tenantId: i % 2 === 0 ? 'ten_1' : null,
    action: 'job.submit',
    subject: `job_${subjects}`,
    data: { i, name: 'radiology', nested: { b: [1, 2.5, 'x'], a: null }, big: 12345678901234567890n },
  };
}

/** A promise and the function that settles it, to hold a transaction open. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

async function readWholeChain(store: Store) {
  return store.transaction((tx) => tx.listAudit(0, 100_000));
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

  it.skipIf(backend.skip)('keeps an appended entry out of the chain until it is sealed', async () => {
    await store.sealAudit();
    const before = (await readWholeChain(store)).length;
    await store.transaction((tx) => tx.appendAudit(auditEvent(1)));
    expect(await readWholeChain(store)).toHaveLength(before);
    expect(await store.transaction((tx) => tx.countPendingAudit())).toBe(1);
    expect(await store.sealAudit()).toBe(1);
    expect(await readWholeChain(store)).toHaveLength(before + 1);
    expect(await store.transaction((tx) => tx.countPendingAudit())).toBe(0);
    expect(await store.sealAudit()).toBe(0);
  });

  it.skipIf(backend.skip)('seals entries that verify as read back from the database', async () => {
    const first = auditEvent(1);
    const second = { ...auditEvent(2), data: undefined };
    await store.transaction(async (tx) => {
      await tx.appendAudit(first);
      await tx.appendAudit(second);
    });
    expect(await store.sealAudit()).toBe(2);
    const chain = await readWholeChain(store);
    expect(chain.slice(-2)).toMatchObject([
      {
        ...first,
        at: '2026-11-01T09:00:00.000Z',
        data: { ...(first.data as object), big: '12345678901234567890' },
      },
      { ...second, at: '2026-11-01T09:00:00.000Z', data: null },
    ]);
    expect(verifyChain(chain)).toEqual({ ok: true, entries: chain.length });
  });

  it.skipIf(backend.skip)('seals 50 concurrent appends into one valid chain of 50 more', async () => {
    await store.sealAudit();
    const before = (await readWholeChain(store)).length;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.transaction((tx) => tx.appendAudit(auditEvent(i)))),
    );
    expect(await store.sealAudit()).toBe(50);
    const chain = await readWholeChain(store);
    expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: before + 50 }, (_, i) => i + 1));
    expect(verifyChain(chain)).toEqual({ ok: true, entries: before + 50 });
  });

  it.skipIf(backend.skip)('seals a queue longer than one batch in one call', async () => {
    const before = (await readWholeChain(store)).length + (await store.sealAudit());
    await store.transaction(async (tx) => {
      for (let i = 0; i < 2500; i++) await tx.appendAudit(auditEvent(i));
    });
    expect(await store.sealAudit()).toBe(2500);
    const chain = await readWholeChain(store);
    expect(chain).toHaveLength(before + 2500);
    expect(verifyChain(chain).ok).toBe(true);
  });

  it.skipIf(backend.skip)('lists entries after a seq, a page at a time', async () => {
    await store.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.appendAudit(auditEvent(i));
    });
    await store.sealAudit();
    const page = await store.transaction((tx) => tx.listAudit(1, 2));
    expect(page.map((e) => e.seq)).toEqual([2, 3]);
  });

  it.skipIf(backend.skip)('never seals an entry whose transaction rolled back', async () => {
    const lost = auditEvent(1);
    await expect(
      store.transaction(async (tx) => {
        await tx.appendAudit(lost);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await store.transaction((tx) => tx.appendAudit(auditEvent(2)));
    expect(await store.sealAudit()).toBe(1);
    const chain = await readWholeChain(store);
    expect(chain.some((e) => e.subject === lost.subject)).toBe(false);
    expect(verifyChain(chain).ok).toBe(true);
  });

  it.skipIf(backend.skip)(
    'refuses to update or delete a sealed entry, or to edit a pending one',
    async () => {
      await store.transaction((tx) => tx.appendAudit(auditEvent(0)));
      await store.sealAudit();
      await expect(
        db.transaction((sql) => sql.query("UPDATE audit_log SET actor = 'admin' WHERE seq = 1")),
      ).rejects.toThrow('audit_log is append-only');
      await expect(db.transaction((sql) => sql.query('DELETE FROM audit_log WHERE seq = 1'))).rejects.toThrow(
        'append-only',
      );
      await store.transaction((tx) => tx.appendAudit(auditEvent(0)));
      await expect(
        db.transaction((sql) => sql.query("UPDATE audit_pending SET actor = 'admin'")),
      ).rejects.toThrow('audit_pending is append-only');
      await store.sealAudit();
    },
  );

  it.skipIf(backend.skip)('lets verification find an entry edited behind the trigger’s back', async () => {
    await store.transaction((tx) => tx.appendAudit(auditEvent(0)));
    await store.sealAudit();
    const last = (await readWholeChain(store)).at(-1);
    await db.transaction(async (sql) => {
      await sql.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await sql.query(`UPDATE audit_log SET data = '{"i": 99}' WHERE seq = $1`, [last?.seq]);
      await sql.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    expect(verifyChain(await readWholeChain(store))).toMatchObject({ ok: false, firstBadEntry: last?.seq });
  });
});

describe.skipIf(!TEST_DATABASE_URL)(
  `audit sealing across connections on PostgreSQL${POSTGRES_SKIPPED}`,
  () => {
    let first: Store;
    let second: Store;
    beforeAll(async () => {
      // two stores, two pools on one schema: two replicas of the server, sharing the audit key
      const schema = await createTestSchema();
      const { mac } = readAuditKeys(generateAuditPrivateKey());
      first = await openStore({ databaseUrl: schema.url, auditMac: mac });
      second = await openStore({ databaseUrl: schema.url, auditMac: mac });
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    it('makes one chain without gaps or duplicates when two replicas append and seal at once', async () => {
      const appended: string[] = [];
      const appendSome = async (store: Store, n: number): Promise<void> => {
        for (let i = 0; i < n; i++) {
          const event = auditEvent(i);
          await store.transaction((tx) => tx.appendAudit(event));
          appended.push(event.subject);
        }
      };
      const sealRepeatedly = async (store: Store): Promise<number> => {
        let sealed = 0;
        for (let i = 0; i < 20; i++) sealed += await store.sealAudit();
        return sealed;
      };
      const [, , sealedByFirst, sealedBySecond] = await Promise.all([
        appendSome(first, 100),
        appendSome(second, 100),
        sealRepeatedly(first),
        sealRepeatedly(second),
      ]);
      const rest = (await first.sealAudit()) + (await second.sealAudit());
      expect(sealedByFirst + sealedBySecond + rest).toBe(200);
      const chain = await readWholeChain(first);
      expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(new Set(chain.map((e) => e.subject))).toEqual(new Set(appended));
      expect(verifyChain(chain)).toEqual({ ok: true, entries: 200 });
    });

    it('seals an entry that commits after a newer one in a later batch', async () => {
      const late = auditEvent(1);
      const early = auditEvent(2);
      const release = gate();
      const appended = gate();
      const holding = first.transaction(async (tx) => {
        await tx.appendAudit(late); // takes the lower queue id
        appended.open();
        await release.opened;
      });
      await appended.opened;
      await second.transaction((tx) => tx.appendAudit(early));
      expect(await second.sealAudit()).toBe(1);
      release.open();
      await holding;
      expect(await second.sealAudit()).toBe(1);
      const chain = await readWholeChain(first);
      expect(chain.slice(-2).map((e) => e.subject)).toEqual([early.subject, late.subject]);
      expect(verifyChain(chain).ok).toBe(true);
    });

    it('lets appenders commit while a sealer holds the sealing lock', async () => {
      const schema = await createTestSchema();
      const db = openPostgresDatabase(schema.url);
      const store = await openStore({ databaseUrl: schema.url });
      try {
        const release = gate();
        const locked = gate();
        const sealer = db.transaction(async (sql) => {
          await lockForTransaction(sql, 'usine.audit.seal');
          locked.open();
          await release.opened;
        });
        await locked.opened;
        await store.transaction((tx) => tx.appendAudit(auditEvent(1)));
        expect(await store.transaction((tx) => tx.countPendingAudit())).toBe(1);
        release.open();
        await sealer;
        expect(await store.sealAudit()).toBe(1);
      } finally {
        await store.close();
        await db.close();
      }
    });
  },
);
