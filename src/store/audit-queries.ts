import type { AuditMac } from '../app/audit/audit-keys.js';
import type { AuditFilter } from '../app/ports/audit-store.js';
import { nativeSha256 } from '../app/audit/native-sha256.js';
import type { AuditEntry, AuditEvent, ChainPosition } from '../domain/audit/chain.js';
import { chainEntry } from '../domain/audit/chain.js';
import { pendingMacText, sealedMacText } from '../domain/audit/entry-mac.js';
import { readAuditEntry, readPendingAudit } from './read-rows.js';
import { lockForTransaction, type SqlClient } from './sql-client.js';
import { roundTripJson, toJsonParam, toTimestampParam } from './sql-values.js';

/** The action of the entry the sealer writes in place of a queued row it refuses. */
export const AUDIT_REJECT_ACTION = 'audit.reject';

/**
 * An event as it will read back from audit_pending, with its MAC: the instant in ISO form
 * and the data as jsonb returns it, so the sealer recomputes the very same text.
 */
export function authenticatePending(event: AuditEvent, mac: AuditMac): AuditEvent & { mac: string } {
  const stored: AuditEvent = {
    at: toTimestampParam(event.at, 'audit.at'),
    actor: event.actor,
    tenantId: event.tenantId,
    action: event.action,
    subject: event.subject,
    data: roundTripJson(event.data),
  };
  return { ...stored, mac: mac(pendingMacText(stored)) };
}

/**
 * Queues an audit entry in the caller's transaction: it commits, or rolls back, with the
 * change it records. No lock and no read of the chain: concurrent appenders never wait for
 * one another; `sealAuditBatch` links the entry into the chain once it has committed.
 */
export async function insertPendingAudit(sql: SqlClient, event: AuditEvent, mac: AuditMac): Promise<void> {
  const row = authenticatePending(event, mac);
  await sql.query(
    `INSERT INTO audit_pending (at, actor, tenant_id, action, subject, data, mac)
     VALUES ($1::timestamptz, $2, $3, $4, $5, $6::jsonb, $7)`,
    [row.at, row.actor, row.tenantId, row.action, row.subject, toJsonParam(row.data), row.mac],
  );
}

interface SealedRows {
  readonly ids: string[];
  readonly entries: AuditEntry[];
}

/**
 * Moves up to `limit` committed pending entries, oldest id first, to the end of the chain;
 * returns how many. Sealers queue on one transaction-scoped advisory lock (appenders never
 * take it), so the read of the head and the inserts after it are never interleaved with
 * another sealer's, whichever replica it runs on. An entry whose transaction commits later
 * than a higher id's simply lands in a later batch: the chain's order is sealing order.
 * Entries are hashed as read back from the database, and copied row to row in SQL, so
 * verifying what the store returns gives the same hashes.
 *
 * A row whose MAC is missing or wrong was not queued by a holder of the audit key (someone
 * wrote the table directly): it is not sealed as what it claims to be. Its place in the chain
 * goes to an `audit.reject` entry by the sealer that quotes it, so the attempt itself stays
 * on the record, where deleting it breaks the chain.
 */
export async function sealAuditBatch(sql: SqlClient, limit: number, mac: AuditMac): Promise<number> {
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
  const genuine: SealedRows = { ids: [], entries: [] };
  const refused: AuditEntry[] = [];
  for (const row of pending) {
    const { id, event, mac: rowMac } = readPendingAudit(row);
    // a forger learns nothing from timing here: the comparison is not an oracle they can query
    const authentic = rowMac !== null && rowMac === mac(pendingMacText(event));
    const entry = chainEntry(previous, authentic ? event : rejectionOf(id, event, rowMac), nativeSha256);
    if (authentic) {
      genuine.ids.push(id);
      genuine.entries.push(entry);
    } else refused.push(entry);
    previous = entry;
  }
  const macs = (entries: AuditEntry[]) => entries.map((e) => mac(sealedMacText(e.hash)));
  if (genuine.entries.length > 0)
    await sql.query(
      `INSERT INTO audit_log (seq, at, actor, tenant_id, action, subject, data, prev_hash, hash, mac)
       SELECT link.seq, p.at, p.actor, p.tenant_id, p.action, p.subject, p.data, link.prev_hash, link.hash, link.mac
       FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS link (id, seq, prev_hash, hash, mac)
       JOIN audit_pending p ON p.id = link.id
       ORDER BY link.seq`,
      [
        genuine.ids,
        genuine.entries.map((e) => e.seq),
        genuine.entries.map((e) => e.prevHash),
        genuine.entries.map((e) => e.hash),
        macs(genuine.entries),
      ],
    );
  if (refused.length > 0)
    await sql.query(
      `INSERT INTO audit_log (seq, at, actor, tenant_id, action, subject, data, prev_hash, hash, mac)
       SELECT seq, at, 'usine:sealer', NULL, $3, subject, data, prev_hash, hash, mac
       FROM unnest($1::bigint[], $2::timestamptz[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[])
         AS r (seq, at, subject, data, prev_hash, hash, mac)`,
      [
        refused.map((e) => e.seq),
        refused.map((e) => e.at),
        AUDIT_REJECT_ACTION,
        refused.map((e) => e.subject),
        refused.map((e) => toJsonParam(e.data)),
        refused.map((e) => e.prevHash),
        refused.map((e) => e.hash),
        macs(refused),
      ],
    );
  await sql.query('DELETE FROM audit_pending WHERE id = ANY($1::bigint[])', [
    pending.map((row) => readPendingAudit(row).id),
  ]);
  return pending.length;
}

function rejectionOf(id: string, event: AuditEvent, rowMac: string | null): AuditEvent {
  return {
    at: event.at,
    actor: 'usine:sealer',
    tenantId: null,
    action: AUDIT_REJECT_ACTION,
    subject: `audit_pending:${id}`,
    data: roundTripJson({ reason: rowMac === null ? 'no MAC' : 'wrong MAC', queued: event }),
  };
}

/** Entries committed but not sealed yet. */
export async function countPendingAudit(sql: SqlClient): Promise<number> {
  const [row] = await sql.query<{ n: number | string }>('SELECT count(*) AS n FROM audit_pending');
  return Number(row?.n ?? 0);
}

/** Sealed entries after `afterSeq`, of one tenant when `tenantId` is given. */
export async function selectAuditEntries(
  sql: SqlClient,
  afterSeq: number,
  limit: number,
  filter: AuditFilter & { readonly tenantId?: string } = {},
): Promise<AuditEntry[]> {
  const params: unknown[] = [afterSeq, limit];
  const where = ['seq > $1'];
  // tenant_id first where it is given: the (tenant_id, seq) index serves a tenant's page
  if (filter.tenantId !== undefined) where.unshift(`tenant_id = $${params.push(filter.tenantId)}`);
  if (filter.actor !== undefined) where.push(`actor = $${params.push(filter.actor)}`);
  if (filter.actionPrefix !== undefined)
    where.push(`action LIKE $${params.push(`${filter.actionPrefix.replace(/[\\%_]/g, '\\$&')}%`)}`);
  const order = filter.tenantId !== undefined ? 'tenant_id, seq' : 'seq';
  const rows = await sql.query(
    `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $2`,
    params,
  );
  return rows.map(readAuditEntry);
}

/** The last sealed entry, or undefined while the chain is empty. */
export async function selectAuditHead(sql: SqlClient): Promise<ChainPosition | undefined> {
  const [row] = await sql.query<{ seq: number | string; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  return row && { seq: Number(row.seq), hash: row.hash };
}

/** The hash of entry `seq`, or undefined when there is no such entry. */
export async function selectAuditHash(sql: SqlClient, seq: number): Promise<string | undefined> {
  const [row] = await sql.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = $1', [seq]);
  return row?.hash;
}

/** The entries the sealer wrote in place of refused queued rows, oldest first. */
export async function selectAuditRejections(sql: SqlClient, limit: number): Promise<number[]> {
  const rows = await sql.query<{ seq: number | string }>(
    `SELECT seq FROM audit_log WHERE action = '${AUDIT_REJECT_ACTION}' ORDER BY seq LIMIT $1`,
    [limit],
  );
  return rows.map((row) => Number(row.seq));
}
