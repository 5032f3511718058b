import {
  checkEntryLink,
  type AuditEntry,
  type AuditFailureKind,
  type ChainPosition,
  type Sha256,
} from './chain.js';
import { ErasureCheck, type ErasedEntry } from './erasure.js';
import { sha256Hex } from './sha256.js';

export interface AuditFailure {
  /** The first bad entry (for `truncated`: the first one missing). */
  readonly seq: number;
  readonly kind: AuditFailureKind;
  readonly problem: string;
}

export interface ChainScanOptions {
  /** Head hashes of trusted checkpoints, by entry count. */
  readonly checkpoints: ReadonlyMap<number, string>;
  /**
   * Entries after this sequence number must be authentic (sealed by the holder of the audit
   * key): a checkpoint vouches for the entries up to its count, the seal MAC for the others.
   */
  readonly authenticateAfter: number;
  readonly isAuthentic: (entry: AuditEntry) => boolean;
  readonly sha256?: Sha256;
  /** Sees each entry found good, in order (the tenant heads are folded there). */
  readonly onEntry?: (entry: AuditEntry) => void;
  /** The entries erasures registered, by seq (none: no entry may be marked erased). */
  readonly erasures?: ReadonlyMap<number, ErasedEntry>;
}

/**
 * Verifies the chain a page at a time from a position already verified: each entry must
 * follow the previous one, hash to its content, carry the sealer's MAC where no checkpoint
 * vouches for it, and reach each trusted checkpoint's head hash at its count. It stops at
 * the first bad entry; `finish` then says whether the chain ended before a checkpoint.
 */
export class ChainScan {
  private current: ChainPosition;
  private bad: AuditFailure | undefined;
  private readonly sha256: Sha256;
  /** The largest count a trusted checkpoint signed. */
  private readonly longest: number;
  private readonly erasures: ErasureCheck;

  constructor(
    from: ChainPosition,
    private readonly options: ChainScanOptions,
  ) {
    this.current = from;
    this.sha256 = options.sha256 ?? sha256Hex;
    this.longest = [...options.checkpoints.keys()].reduce((a, b) => Math.max(a, b), 0);
    this.erasures = new ErasureCheck(options.erasures ?? new Map(), this.sha256);
  }

  get position(): ChainPosition {
    return this.current;
  }

  get failure(): AuditFailure | undefined {
    return this.bad;
  }

  /** Feeds the next entries in sequence order; false once a bad one was found. */
  add(entries: readonly AuditEntry[]): boolean {
    if (this.bad) return false;
    for (const entry of entries) {
      const erasure = this.erasures.check(entry);
      if (erasure.problem) return this.fail(entry.seq, 'edited', erasure.problem);
      const link = checkEntryLink(this.current, entry, this.sha256, erasure.erased);
      if (link)
        return this.fail(link.kind === 'missing' ? this.current.seq + 1 : entry.seq, link.kind, link.problem);
      const expected = this.options.checkpoints.get(entry.seq);
      if (expected !== undefined && expected !== entry.hash)
        return this.fail(entry.seq, 'rewritten', `entry ${entry.seq} is not the one a checkpoint signed`);
      if (entry.seq > this.options.authenticateAfter && !this.options.isAuthentic(entry))
        return this.fail(entry.seq, 'unauthenticated', `entry ${entry.seq} was not sealed by this factory`);
      this.options.onEntry?.(entry);
      this.current = { seq: entry.seq, hash: entry.hash };
    }
    return true;
  }

  /** After the last entry: the chain must reach every trusted checkpoint. */
  finish(): AuditFailure | undefined {
    if (this.bad) return this.bad;
    const unproven = this.erasures.finish();
    if (unproven) this.fail(unproven.seq, 'edited', unproven.problem);
    if (this.bad) return this.bad;
    const longest = this.longest;
    if (longest > this.current.seq)
      this.fail(
        this.current.seq + 1,
        'truncated',
        `the chain ends at entry ${this.current.seq}, a checkpoint signed ${longest}`,
      );
    return this.bad;
  }

  private fail(seq: number, kind: AuditFailureKind, problem: string): false {
    this.bad = { seq, kind, problem };
    return false;
  }
}
