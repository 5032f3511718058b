import type { AuditEntry, AuditEvent } from '../domain/audit/chain.js';
import { chainEntry } from '../domain/audit/chain.js';
import { readAuditEntry } from './read-rows.js';
import { lockForTransaction, type SqlClient } from './sql-client.js';
import { roundTripJson, toJsonParam, toTimestampParam } from './sql-values.js';

/**
 * Appends the next link of the audit chain. One advisory lock (per schema) is held until the
 * transaction ends, so the read of the last entry and the insert of the next one never
 * interleave with another writer's, whichever replica it runs on: the chain stays linear.
 * The event is hashed as it will read back (instant in milliseconds, data as JSON), so
 * verifying what the store returns gives the same hashes.
 */
export async function insertAuditEntry(sql: SqlClient, event: AuditEvent): Promise<AuditEntry> {
  await lockForTransaction(sql, 'usine.audit');
  const [last] = await sql.query<{ seq: number | string; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const stored: AuditEvent = {
    at: toTimestampParam(event.at, 'audit.at'),
    actor: event.actor,
    tenantId: event.tenantId,
    action: event.action,
    subject: event.subject,
    data: roundTripJson(event.data),
  };
  const entry = chainEntry(last && { seq: Number(last.seq), hash: last.hash }, stored);
  await sql.query(
    `INSERT INTO audit_log (seq, at, actor, tenant_id, action, subject, data, prev_hash, hash)
     VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
    [
      entry.seq,
      entry.at,
      entry.actor,
      entry.tenantId,
      entry.action,
      entry.subject,
      toJsonParam(entry.data),
      entry.prevHash,
      entry.hash,
    ],
  );
  return entry;
}

export async function selectAuditEntries(
  sql: SqlClient,
  afterSeq: number,
  limit: number,
): Promise<AuditEntry[]> {
  const rows = await sql.query('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [
    afterSeq,
    limit,
  ]);
  return rows.map(readAuditEntry);
}
