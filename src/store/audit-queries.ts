import type { AuditEntry, AuditEvent } from '../domain/audit/chain.js';
import { chainEntry } from '../domain/audit/chain.js';
import { nativeSha256 } from '../app/audit/native-sha256.js';
import { readAuditEntry, readPendingAudit } from './read-rows.js';
import { lockForTransaction, type SqlClient } from './sql-client.js';
import { toJsonParam, toTimestampParam } from './sql-values.js';

/**
 * Queues an audit entry in the caller's transaction: it commits, or rolls back, with the
 * change it records. No lock and no read of the chain: concurrent appenders never wait for
 * one another; `sealAuditBatch` links the entry into the chain once it has committed.
 */
export async function insertPendingAudit(sql: SqlClient, event: AuditEvent): Promise<void> {
  await sql.query(
    `INSERT INTO audit_pending (at, actor, tenant_id, action, subject, data)
     VALUES ($1::timestamptz, $2, $3, $4, $5, $6::jsonb)`,
    [
      toTimestampParam(event.at, 'audit.at'),
      event.actor,
      event.tenantId,
      event.action,
      event.subject,
      toJsonParam(event.data),
    ],
  );
}

/**
 * Moves up to `limit` committed pending entries, oldest id first, to the end of the chain;
 * returns how many. Sealers queue on one transaction-scoped advisory lock (appenders never
 * take it), so the read of the head and the inserts after it are never interleaved with
 * another sealer's, whichever replica it runs on. An entry whose transaction commits later
 * than a higher id's simply lands in a later batch: the chain's order is sealing order.
 * Entries are hashed as read back from the database, and copied row to row in SQL, so
 * verifying what the store returns gives the same hashes.
 */
export async function sealAuditBatch(sql: SqlClient, limit: number): Promise<number> {
  await lockForTransaction(sql, 'usine.audit.seal');
  const pending = await sql.query('SELECT * FROM audit_pending ORDER BY id LIMIT $1', [limit]);
  if (pending.length === 0) return 0;
  const [head] = await sql.query<{ seq: number | string; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  let previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined = head && {
    seq: Number(head.seq),
    hash: head.hash,
  };
  const ids: string[] = [];
  const seqs: number[] = [];
  const prevHashes: string[] = [];
  const hashes: string[] = [];
  for (const row of pending) {
    const { id, event } = readPendingAudit(row);
    const entry = chainEntry(previous, event, nativeSha256);
    ids.push(id);
    seqs.push(entry.seq);
    prevHashes.push(entry.prevHash);
    hashes.push(entry.hash);
    previous = entry;
  }
  await sql.query(
    `INSERT INTO audit_log (seq, at, actor, tenant_id, action, subject, data, prev_hash, hash)
     SELECT link.seq, p.at, p.actor, p.tenant_id, p.action, p.subject, p.data, link.prev_hash, link.hash
     FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS link (id, seq, prev_hash, hash)
     JOIN audit_pending p ON p.id = link.id
     ORDER BY link.seq`,
    [ids, seqs, prevHashes, hashes],
  );
  await sql.query('DELETE FROM audit_pending WHERE id = ANY($1::bigint[])', [ids]);
  return pending.length;
}

/** Entries committed but not sealed yet. */
export async function countPendingAudit(sql: SqlClient): Promise<number> {
  const [row] = await sql.query<{ n: number | string }>('SELECT count(*) AS n FROM audit_pending');
  return Number(row?.n ?? 0);
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
