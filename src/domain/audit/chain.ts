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
  /**
   * The sealer's MAC of `hash` under the audit key (`sealedMacText`), as the store reads it;
   * null for entries sealed before entries were authenticated. Not part of the hash, not served.
   */
  readonly mac?: string | null;
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
  return sha256(prevHash + canonicalEntryJson(event, seq));
}

/**
 * `canonicalJson({ ...event, seq })`, written field by field in sorted order: the same text
 * (tested), without sorting seven keys per entry (verifying a million entries hashes each).
 * Only the event's own fields count, so a row's other columns never change its hash.
 */
export function canonicalEntryJson(event: AuditEvent, seq: number): string {
  const data = event.data === undefined ? '' : `"data":${canonicalJson(event.data)},`;
  return `{"action":${JSON.stringify(event.action)},"actor":${JSON.stringify(event.actor)},"at":${JSON.stringify(event.at)},${data}"seq":${seq},"subject":${JSON.stringify(event.subject)},"tenantId":${JSON.stringify(event.tenantId)}}`;
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

/**
 * How a chain fails verification, at its first bad entry:
 * - `missing`: that sequence number is absent (an entry deleted, or moved);
 * - `broken-link`: the entry does not name the previous entry's hash;
 * - `edited`: the entry's hash is not the hash of its content;
 * - `unauthenticated`: the entry was not written by the sealer (no, or a wrong, seal MAC);
 * - `truncated`: the chain ends before a trusted checkpoint (or a position already verified);
 * - `rewritten`: at a trusted checkpoint's count the chain reaches another hash;
 * - `bad-checkpoint`: a checkpoint's signature does not verify.
 */
export type AuditFailureKind =
  'missing' | 'broken-link' | 'edited' | 'unauthenticated' | 'truncated' | 'rewritten' | 'bad-checkpoint';

export interface ChainVerification {
  readonly ok: boolean;
  readonly entries: number;
  /** The first entry that was edited, removed before, or moved; absent when ok. */
  readonly firstBadEntry?: number;
  readonly kind?: AuditFailureKind;
  readonly problem?: string;
}

/** The end of a verified prefix of the chain: seq 0 and GENESIS_HASH before entry 1. */
export interface ChainPosition {
  readonly seq: number;
  readonly hash: string;
}

export const GENESIS_POSITION: ChainPosition = { seq: 0, hash: GENESIS_HASH };

export interface LinkFailure {
  readonly kind: 'missing' | 'broken-link' | 'edited';
  readonly problem: string;
}

/**
 * Checks one link: undefined when `entry` rightly follows `previous`, else what is wrong. An
 * erased entry (`erased`, vouched for by its erasure: `erasure.ts`) keeps its hash and link,
 * but its content no longer hashes to it.
 */
export function checkEntryLink(
  previous: ChainPosition,
  entry: AuditEntry,
  sha256: Sha256 = sha256Hex,
  erased = false,
): LinkFailure | undefined {
  const expectedSeq = previous.seq + 1;
  const { seq, prevHash, hash } = entry;
  if (seq !== expectedSeq) return { kind: 'missing', problem: `entry ${expectedSeq} is missing or moved` };
  if (prevHash !== previous.hash)
    return { kind: 'broken-link', problem: `entry ${seq} does not follow entry ${seq - 1}` };
  if (!erased && hashEntry(prevHash, seq, eventOf(entry), sha256) !== hash)
    return { kind: 'edited', problem: `entry ${seq} was edited` };
  return undefined;
}

/** As `checkEntryLink`, the problem alone. */
export function checkLink(
  previous: AuditEntry | undefined,
  entry: AuditEntry,
  sha256: Sha256 = sha256Hex,
): string | undefined {
  return checkEntryLink(previous ?? GENESIS_POSITION, entry, sha256)?.problem;
}

/** The fields an entry's hash covers, whatever else its row carries. */
export function eventOf(entry: AuditEvent): AuditEvent {
  const { at, actor, tenantId, action, subject, data } = entry;
  return { at, actor, tenantId, action, subject, data };
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
