import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAuditPrivateKey, readAuditKeys, type AuditKeys } from '../../src/app/audit/audit-keys.js';
import { AuditVerifier } from '../../src/app/audit/audit-verifier.js';
import type { Store } from '../../src/app/ports/store.js';
import { chainEntry, type AuditEntry, type AuditEvent } from '../../src/domain/audit/chain.js';
import { openAuditWitnessFile } from '../../src/server/audit-witness-file.js';
import type { SqlDatabase } from '../../src/store/sql-client.js';
import { toJsonParam } from '../../src/store/sql-values.js';
import type { StoreBackend } from '../store/store-backends.js';

/** A fake clock: tests move it, nothing sleeps. */
export class TestClock {
  private ms = Date.parse('2026-12-01T09:00:00Z');
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function auditEvent(
  i: number,
  tenantId: string | null = i % 3 === 0 ? null : `ten_${i % 3}`,
): AuditEvent {
  return {
    at: '2026-12-01T09:00:00.000Z',
    actor: 'key:key_1',
    tenantId,
    action: 'job.submit',
    subject: `job_${i}`,
    data: { i, labels: { b: '2', a: '1' } },
  };
}

/** A real store (PGlite or PostgreSQL) with the audit key, and what an attacker reaches past it. */
export interface AuditSubject {
  readonly store: Store;
  readonly db: SqlDatabase;
  /** One statement, committed alone. */
  query(text: string, params?: unknown[]): Promise<unknown>;
  readonly keys: AuditKeys;
  readonly clock: TestClock;
  /** The witness of the current chain (a new file for each `reset`). */
  witnessFile: string;
  /** A verifier as the server makes one: each call is a process starting. */
  newVerifier(options?: { checkpointEvery?: number }): AuditVerifier;
  /** Empties the chain, its queue and its checkpoints, and starts a new witness. */
  reset(): Promise<void>;
  append(from: number, count: number): Promise<void>;
  readChain(): Promise<AuditEntry[]>;
  /** Runs SQL with the append-only triggers off, as someone with the database's owner rights can. */
  tamper(
    work: (sql: { query: (text: string, params?: unknown[]) => Promise<unknown> }) => Promise<void>,
  ): Promise<void>;
  /** Replaces the chain from `entries[0].seq` on with these, as a forger writes them (no MAC). */
  rewriteFrom(entries: readonly AuditEntry[]): Promise<void>;
}

export async function openAuditSubject(backend: StoreBackend): Promise<AuditSubject> {
  const keys = readAuditKeys(generateAuditPrivateKey());
  const { store, db } = await backend.openWithDatabase({ auditMac: keys.mac });
  const clock = new TestClock();
  const dir = mkdtempSync(join(tmpdir(), 'usine-witness-'));
  let witnesses = 0;
  const subject: AuditSubject = {
    store,
    db,
    query: (text, params) => db.autocommit((sql) => sql.query(text, params)),
    keys,
    clock,
    witnessFile: join(dir, 'witness-0.jsonl'),
    newVerifier: (options = {}) =>
      new AuditVerifier({
        store,
        clock,
        keys,
        witness: openAuditWitnessFile(subject.witnessFile),
        checkpointEvery: options.checkpointEvery ?? 10,
        checkpointIntervalMs: 60_000,
      }),
    async reset() {
      await db.autocommit((sql) =>
        sql.exec('TRUNCATE audit_log, audit_pending, audit_checkpoints, audit_tenant_checkpoints'),
      );
      subject.witnessFile = join(dir, `witness-${++witnesses}.jsonl`);
    },
    async append(from, count) {
      await store.transaction(async (tx) => {
        for (let i = from; i < from + count; i++) await tx.appendAudit(auditEvent(i));
      });
      await store.sealAudit();
    },
    readChain: () => store.read((tx) => tx.listAudit(0, 1_000_000)),
    async tamper(work) {
      await db.transaction(async (sql) => {
        await sql.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        await work(sql);
        await sql.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      });
    },
    async rewriteFrom(entries) {
      const [first] = entries;
      if (!first) return;
      await subject.tamper(async (sql) => {
        await sql.query('DELETE FROM audit_log WHERE seq >= $1', [first.seq]);
        for (const e of entries)
          await sql.query(
            `INSERT INTO audit_log (seq, at, actor, tenant_id, action, subject, data, prev_hash, hash, mac)
             VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)`,
            [
              e.seq,
              e.at,
              e.actor,
              e.tenantId,
              e.action,
              e.subject,
              toJsonParam(e.data),
              e.prevHash,
              e.hash,
              e.mac ?? null,
            ],
          );
      });
    },
  };
  return subject;
}

/**
 * What a forger without the key writes: the events given, re-linked and re-hashed after
 * entry `afterSeq` of `chain` (the MACs it cannot compute are copied from the rows replaced).
 */
export function relink(
  chain: readonly AuditEntry[],
  afterSeq: number,
  events: readonly AuditEvent[],
): AuditEntry[] {
  let previous: AuditEntry | undefined = chain[afterSeq - 1];
  return events.map((event, i) => {
    const entry = chainEntry(previous, event);
    previous = entry;
    return { ...entry, mac: chain[afterSeq + i]?.mac ?? null };
  });
}
