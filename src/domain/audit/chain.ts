import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './sha256.js';

/** What happened, by whom, to what: one link of the tamper-evident audit chain. */
export interface AuditEvent {
  /** RFC 3339 instant of the decision. */
  readonly at: string;
  /** `key:<id>`, `admin`, `reconciler`, … */
  readonly actor: string;
  /** The tenant concerned, or null for operator actions. */
  readonly tenantId: string | null;
  /** `job.submit`, `job.place`, `job.admit`, `tenant.create`, … */
  readonly action: string;
  /** The resource acted on (`job_…`, `ten_…`). */
  readonly subject: string;
  readonly data: unknown;
}

export interface AuditEntry extends AuditEvent {
  /** 1, 2, 3… without gaps. */
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * SHA-256 of a UTF-8 text, as lowercase hex. The domain's own (`sha256Hex`, pure) is the
 * default; the store passes the platform's native one, which gives the same hashes (tested)
 * at a fraction of the cost.
 */
export type Sha256 = (text: string) => string;

/** hash = sha256(previous hash ‖ canonical JSON of the entry, its sequence number included). */
export function hashEntry(
  prevHash: string,
  seq: number,
  event: AuditEvent,
  sha256: Sha256 = sha256Hex,
): string {
  return sha256(prevHash + canonicalJson({ ...event, seq }));
}

export function chainEntry(
  previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
  event: AuditEvent,
  sha256: Sha256 = sha256Hex,
): AuditEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  return { ...event, seq, prevHash, hash: hashEntry(prevHash, seq, event, sha256) };
}

export interface ChainVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** The first entry that was edited, removed before, or moved; absent when ok. */
  readonly firstBadEntry?: number;
  readonly problem?: string;
}

/** Checks one link: undefined when `entry` rightly follows `previous`, else what is wrong. */
export function checkLink(
  previous: AuditEntry | undefined,
  entry: AuditEntry,
  sha256: Sha256 = sha256Hex,
): string | undefined {
  const expectedSeq = (previous?.seq ?? 0) + 1;
  const expectedPrev = previous?.hash ?? GENESIS_HASH;
  const { seq, prevHash, hash, ...event } = entry;
  if (seq !== expectedSeq) return `entry ${expectedSeq} is missing or moved`;
  if (prevHash !== expectedPrev) return `entry ${seq} does not follow entry ${seq - 1}`;
  if (hashEntry(prevHash, seq, event, sha256) !== hash) return `entry ${seq} was edited`;
  return undefined;
}

/** Recomputes every link: any edit, deletion or reordering breaks the chain at that entry. */
export function verifyChain(entries: Iterable<AuditEntry>): ChainVerification {
  let previous: AuditEntry | undefined;
  let count = 0;
  for (const entry of entries) {
    count++;
    const problem = checkLink(previous, entry);
    if (problem) return { ok: false, entries: count, firstBadEntry: entry.seq, problem };
    previous = entry;
  }
  return { ok: true, entries: count };
}
