import {
  checkEntryLink,
  GENESIS_HASH,
  type AuditEntry,
  type ChainVerification,
  type Sha256,
} from './chain.js';
import { isTenantCheckpointSigned, type SignedTenantCheckpoint, type VerifySignature } from './checkpoint.js';
import { ErasureCheck, type ErasedEntry } from './erasure.js';
import { sha256Hex } from './sha256.js';

/** A tenant's head before its first entry. */
export const TENANT_GENESIS = GENESIS_HASH;

/**
 * The tenant's head after one more of its entries: sha256(head ‖ entry hash). Folding the
 * tenant's entries in chain order gives the head its tenant checkpoints sign; it depends on
 * the tenant's entries only, so proving it reveals nothing of the others'.
 */
export function foldTenantHead(head: string, entryHash: string, sha256: Sha256 = sha256Hex): string {
  return sha256(head + entryHash);
}

/**
 * Verifies a tenant's entries (all of them, in chain order) against its signed tenant
 * checkpoints: each entry hashes to its content (its proof of inclusion in the chain: the
 * hash the factory's checkpoints cover) and the fold of their hashes reaches each checkpoint's
 * head at its count. An entry removed, added or rewritten is found at checkpoint precision;
 * an edited one exactly. Counts are the tenant's own.
 */
export function verifyTenantEntries(
  entries: readonly AuditEntry[],
  checkpoints: readonly SignedTenantCheckpoint[],
  verifySignature: VerifySignature,
  sha256: Sha256 = sha256Hex,
  erasures: ReadonlyMap<number, ErasedEntry> = new Map(),
): ChainVerification {
  const erasure = new ErasureCheck(erasures, sha256);
  const expected = new Map<number, string>();
  for (const checkpoint of checkpoints) {
    if (!isTenantCheckpointSigned(checkpoint, verifySignature))
      return bad(
        0,
        'bad-checkpoint',
        `the tenant checkpoint of ${checkpoint.count} entries is not signed by this factory`,
      );
    expected.set(checkpoint.count, checkpoint.head);
  }
  let head = TENANT_GENESIS;
  let lastGood = 0;
  for (const [index, entry] of entries.entries()) {
    const erased = erasure.check(entry);
    if (erased.problem) return bad(index + 1, 'edited', erased.problem, entry.seq);
    const link = checkEntryLink({ seq: entry.seq - 1, hash: entry.prevHash }, entry, sha256, erased.erased);
    if (link) return bad(index + 1, link.kind, link.problem, entry.seq);
    head = foldTenantHead(head, entry.hash, sha256);
    const signed = expected.get(index + 1);
    if (signed !== undefined) {
      if (signed !== head) {
        const first = entries[lastGood];
        return bad(
          index + 1,
          'rewritten',
          `your entries after the ${lastGood}th differ from what was signed`,
          first?.seq,
        );
      }
      lastGood = index + 1;
    }
  }
  const unproven = erasure.finish();
  if (unproven) return bad(entries.length, 'edited', unproven.problem, unproven.seq);
  const longest = [...expected.keys()].reduce((a, b) => Math.max(a, b), 0);
  if (longest > entries.length)
    return bad(
      entries.length,
      'truncated',
      `${longest - entries.length} of your entries signed in a checkpoint are missing`,
    );
  return { ok: true, entries: entries.length };
}

function bad(
  entries: number,
  kind: NonNullable<ChainVerification['kind']>,
  problem: string,
  firstBadEntry?: number,
): ChainVerification {
  return { ok: false, entries, kind, problem, ...(firstBadEntry === undefined ? {} : { firstBadEntry }) };
}
