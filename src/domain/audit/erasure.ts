import { canonicalJson } from './canonical-json.js';
import type { AuditEntry, Sha256 } from './chain.js';
import { sha256Hex } from './sha256.js';

/**
 * Erasure without breaking the chain (GDPR Art. 17). An entry's hash covers its data, so data
 * cannot simply be removed: an erased entry keeps its hash and its link, and its data becomes
 * a marker holding the SHA-256 of what was erased (a commitment: whoever kept the original can
 * still prove it was that). The erasure is itself an entry, `tenant.erase`, sealed before any
 * data is erased, whose `commitment` covers the list of entries it erases (seq, hash, SHA-256
 * of their data): an entry edited into a marker that no sealed erasure lists is found.
 */
export const ERASED_KEY = 'usine.erased';
export const ERASURE_ACTION = 'tenant.erase';

/** One entry an erasure lists. */
export interface ErasedEntry {
  readonly seq: number;
  readonly erasureId: string;
  /** The entry's hash, unchanged by the erasure. */
  readonly hash: string;
  /** SHA-256 of the canonical JSON of the data erased. */
  readonly dataSha256: string;
}

export function erasedData(erasureId: string, dataSha256: string): Record<string, unknown> {
  return { [ERASED_KEY]: { erasure: erasureId, sha256: dataSha256 } };
}

/** The marker an erased entry's data is, or undefined for data never erased. */
export function readErasedData(data: unknown): { erasure: string; sha256: string } | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const keys = Object.keys(data);
  if (keys.length !== 1 || keys[0] !== ERASED_KEY) return undefined;
  const marker = (data as Record<string, unknown>)[ERASED_KEY] as Record<string, unknown> | null;
  return typeof marker?.['erasure'] === 'string' && typeof marker['sha256'] === 'string'
    ? { erasure: marker['erasure'], sha256: marker['sha256'] }
    : undefined;
}

export function dataCommitment(data: unknown, sha256: Sha256 = sha256Hex): string {
  return sha256(canonicalJson(data));
}

/** The commitment a `tenant.erase` entry holds: its erased entries, by seq, one line each. */
export function erasureCommitment(entries: readonly ErasedEntry[], sha256: Sha256 = sha256Hex): string {
  const lines = [...entries]
    .sort((a, b) => a.seq - b.seq)
    .map((e) => `${e.seq} ${e.hash} ${e.dataSha256}\n`)
    .join('');
  return sha256(`usine audit erasure v1\n${lines}`);
}

/**
 * Checks erased entries as a scan meets them, against the list the erasures registered (the
 * store's `audit_erasures`): an erased entry must be listed with its hash and commitment, and
 * its erasure's own entry must come, in the same scan, with a commitment equal to its list.
 */
export class ErasureCheck {
  private readonly byErasure = new Map<string, ErasedEntry[]>();
  private readonly unproven = new Map<string, number>();

  constructor(
    private readonly listed: ReadonlyMap<number, ErasedEntry>,
    private readonly sha256: Sha256 = sha256Hex,
  ) {
    for (const entry of listed.values()) {
      const group = this.byErasure.get(entry.erasureId) ?? [];
      group.push(entry);
      this.byErasure.set(entry.erasureId, group);
    }
  }

  /** True when the entry's data is erased and the erasure vouches for it; a problem when it does not. */
  check(entry: AuditEntry): { erased: boolean; problem?: string } {
    const marker = readErasedData(entry.data);
    if (entry.action === ERASURE_ACTION) return { erased: false, ...this.checkErasure(entry) };
    if (!marker) return { erased: false };
    const listed = this.listed.get(entry.seq);
    if (
      !listed ||
      listed.hash !== entry.hash ||
      listed.dataSha256 !== marker.sha256 ||
      listed.erasureId !== marker.erasure
    )
      return {
        erased: true,
        problem: `entry ${entry.seq} was edited (its data is marked erased, and no erasure lists it)`,
      };
    if (!this.unproven.has(marker.erasure)) this.unproven.set(marker.erasure, entry.seq);
    return { erased: true };
  }

  /** After the scan: an erasure whose entries were seen and whose own entry was not. */
  finish(): { seq: number; problem: string } | undefined {
    for (const [erasure, seq] of this.unproven)
      return { seq, problem: `entry ${seq} is marked erased by ${erasure}, which no sealed entry records` };
    return undefined;
  }

  private checkErasure(entry: AuditEntry): { problem?: string } {
    const data = entry.data as { erasure?: unknown; commitment?: unknown } | null;
    const id = typeof data?.erasure === 'string' ? data.erasure : undefined;
    if (id === undefined) return {};
    const listed = this.byErasure.get(id) ?? [];
    this.unproven.delete(id);
    if (listed.length === 0) return {}; // sealed, not applied yet (or nothing to erase)
    return erasureCommitment(listed, this.sha256) === data?.commitment
      ? {}
      : { problem: `entry ${entry.seq}: the entries erasure ${id} lists were changed` };
  }
}

/**
 * The erased entries of a complete list of entries, as their markers say: for a verifier that
 * holds all of them from the first (a tenant's own), no registry is needed. A marker forged on
 * an entry joins its erasure's list, and the erasure's sealed commitment no longer matches.
 */
export function listErasedEntries(entries: readonly AuditEntry[]): Map<number, ErasedEntry> {
  const erased = new Map<number, ErasedEntry>();
  for (const entry of entries) {
    const marker = readErasedData(entry.data);
    if (marker)
      erased.set(entry.seq, {
        seq: entry.seq,
        erasureId: marker.erasure,
        hash: entry.hash,
        dataSha256: marker.sha256,
      });
  }
  return erased;
}
