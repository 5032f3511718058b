import { ChainScan, type AuditFailure } from '../../domain/audit/chain-scan.js';
import { GENESIS_POSITION, type AuditEntry, type ChainPosition } from '../../domain/audit/chain.js';
import type { SignedCheckpoint } from '../../domain/audit/checkpoint.js';
import { sealedMacText } from '../../domain/audit/entry-mac.js';
import type { ErasedEntry } from '../../domain/audit/erasure.js';
import { encodeManifestStatement, type ManifestSignature } from '../../domain/exchange/export-manifest.js';
import { foldTenantHead, TENANT_GENESIS } from '../../domain/audit/tenant-proof.js';
import type { AuditWitness } from '../ports/audit-witness.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { AuditKeys } from './audit-keys.js';
import { signCheckpoint, type TenantFold } from './sign-checkpoint.js';
import { nativeSha256 } from './native-sha256.js';
import { loadTrustedCheckpoints } from './trusted-checkpoints.js';

/** Entries read per statement while verifying. */
const PAGE = 10_000;

export interface AuditVerifierOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly keys: AuditKeys;
  readonly witness: AuditWitness;
  /** A checkpoint is signed once this many entries follow the last one… */
  readonly checkpointEvery: number;
  /** …or once this long has passed since it, if any entry follows it. */
  readonly checkpointIntervalMs: number;
  /** Told once, when the chain is first found broken. */
  readonly onFailure?: (failure: AuditFailure) => void;
}

/** What the verifier knows, as of its last run. */
export interface AuditState {
  /** The chain verified up to here (the head, unless it is broken). */
  readonly verified: ChainPosition;
  readonly failure?: AuditFailure;
  /** The latest checkpoint trusted (signed by this factory). */
  readonly checkpoint?: SignedCheckpoint;
  /** The sealer's `audit.reject` entries: queued rows it refused as forged. */
  readonly rejections: readonly number[];
}

/**
 * Keeps the chain verified, incrementally: the position verified so far is kept in memory,
 * and each run reads only the entries sealed since (a run starts by checking that the entry
 * at that position is still the one verified, so a truncation or a rewrite behind it is seen
 * at once). Concurrent callers share the run in flight, so verification costs the same
 * whether one client asks or a hundred. Each run ends by signing a checkpoint when one is due.
 *
 * Why in memory: the position is only a shortcut. At start it resumes from the latest
 * trusted checkpoint (the verifier signed it after verifying up to it), so a restart costs
 * reading the entries after that checkpoint, never the whole chain.
 *
 * Once broken, the chain stays broken for this process (the failure is sticky): the server
 * refuses writes until an operator has looked (see docs/audit.md).
 */
export class AuditVerifier {
  private position: ChainPosition = GENESIS_POSITION;
  private bad: AuditFailure | undefined;
  private trusted: SignedCheckpoint[] = [];
  private readonly trustedHeads = new Map<number, string>();
  private readonly tenants = new Map<string, TenantFold>();
  private readonly changedTenants = new Set<string>();
  private rejections: number[] = [];
  /** The entries erasures registered (GDPR Art. 17), read again before each scan. */
  private erasures = new Map<number, ErasedEntry>();
  private running: Promise<AuditState> | undefined;
  private fullRun: Promise<AuditFailure | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private fullTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AuditVerifierOptions) {}

  /** At start: trust the witnessed and kept checkpoints, resume from the latest kept one, verify to the head. */
  async start(): Promise<AuditState> {
    const { store, witness, keys } = this.options;
    const loaded = await loadTrustedCheckpoints(store, witness, keys.verify);
    for (const checkpoint of loaded.checkpoints) this.trust(checkpoint);
    if (loaded.failure) this.fail(loaded.failure);
    const resume = loaded.latestKept;
    if (resume && !this.bad) {
      this.position = { seq: resume.count, hash: resume.headHash };
      for (const head of await store.read((tx) => tx.listTenantHeads(resume.count)))
        if (head.keyId === keys.keyId)
          this.tenants.set(head.tenantId, { count: head.count, head: head.head });
    }
    return this.verify();
  }

  /**
   * Checks the entries sealed since the last run (sealing those committed first); shares a
   * run in flight, and waits for a full verification in flight (one follows each start).
   */
  async verify(): Promise<AuditState> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    const state = await this.running;
    if (!this.fullRun) return state;
    await this.fullRun;
    return this.state;
  }

  get state(): AuditState {
    return {
      verified: this.position,
      ...(this.bad ? { failure: this.bad } : {}),
      ...(this.trusted.length > 0 ? { checkpoint: this.trusted[this.trusted.length - 1] } : {}),
      rejections: this.rejections,
    };
  }

  get keyId(): string {
    return this.options.keys.keyId;
  }

  get publicKeyPem(): string {
    return this.options.keys.publicKeyPem;
  }

  get failure(): AuditFailure | undefined {
    return this.bad;
  }

  /** A tenant's verified count and head: its own entries only. */
  tenantHead(tenantId: string): TenantFold {
    return this.tenants.get(tenantId) ?? { count: 0, head: TENANT_GENESIS };
  }

  /**
   * Runs `verify` every `periodMs` (checkpoints are signed there), off any request, and the
   * whole chain again at once and then every `fullPeriodMs`: an entry edited in place before
   * the verified position keeps its old hash, and only recomputing its hash finds it.
   */
  startTimers(periodMs: number, fullPeriodMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => void this.verify().catch(onError), periodMs);
    this.timer.unref();
    const full = () => void this.verifyFromStart().catch(onError);
    this.fullTimer = setInterval(full, fullPeriodMs);
    this.fullTimer.unref();
    full();
  }

  /**
   * Verifies what is sealed and signs a checkpoint of it now (if any entry follows the last
   * one): an export's tenant checkpoints then cover every entry it carries.
   */
  async checkpointNow(): Promise<AuditState> {
    await this.verify();
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.run(true).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Signs an export's manifest (its SHA-256): only that statement, never a text of the caller's. */
  signExportManifest(manifestSha256: string): ManifestSignature {
    const statement = encodeManifestStatement(manifestSha256);
    return {
      algorithm: 'ed25519',
      keyId: this.options.keys.keyId,
      statement,
      signature: this.options.keys.sign(statement),
    };
  }

  /** Stops the timers; with `checkpoint`, signs a last checkpoint of what is sealed. */
  async stop(checkpoint: boolean): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.fullTimer);
    await this.fullRun?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    if (checkpoint) await this.run(true);
  }

  /**
   * Compares the chain with a checkpoint a client trusts (from its own copy): undefined when
   * the chain holds it, else the first bad entry. Nothing is kept: a client's copy may be stale.
   */
  async checkAnchor(count: number, headHash: string): Promise<AuditFailure | undefined> {
    const state = await this.verify();
    if (state.failure) return state.failure;
    if (count > state.verified.seq)
      return {
        seq: state.verified.seq + 1,
        kind: 'truncated',
        problem: `the chain ends at entry ${state.verified.seq}, your checkpoint has ${count}`,
      };
    const hash = await this.options.store.read((tx) => tx.auditHashAt(count));
    if (hash === headHash) return undefined;
    return this.locateRewrite(count, `entry ${count} is not the one your checkpoint names`);
  }

  /** Verifies the whole chain again from its first entry (for `usine audit verify --full`). */
  verifyFromStart(): Promise<AuditFailure | undefined> {
    this.fullRun ??= (async () => {
      await this.loadErasures();
      const scan = this.newScan(GENESIS_POSITION, this.latestCount(), false);
      await this.readInto(scan, Infinity);
      const found = scan.finish();
      const failure =
        found?.kind === 'rewritten' ? await this.locateRewrite(found.seq, found.problem) : found;
      if (failure) this.fail(failure);
      return failure;
    })().finally(() => {
      this.fullRun = undefined;
    });
    return this.fullRun;
  }

  private async run(forceCheckpoint = false): Promise<AuditState> {
    const { store } = this.options;
    await store.sealAudit();
    if (!this.bad) await this.checkPosition();
    if (!this.bad) {
      await this.loadErasures();
      const scan = this.newScan(this.position, this.latestCount(), true);
      await this.readInto(scan, Infinity);
      this.position = scan.position;
      const failure = scan.finish();
      if (failure?.kind === 'rewritten') this.fail(await this.locateRewrite(failure.seq, failure.problem));
      else if (failure) this.fail(failure);
    }
    if (!this.bad) await this.signIfDue(forceCheckpoint);
    this.rejections = await store.read((tx) => tx.listAuditRejections(100));
    return this.state;
  }

  /** The entry verified last must still be there, unchanged: else the chain was cut or rewritten behind us. */
  private async checkPosition(): Promise<void> {
    if (this.position.seq === 0) return;
    const { seq, hash } = this.position;
    const found = await this.options.store.read((tx) => tx.auditHashAt(seq));
    if (found === hash) return;
    if (found === undefined) {
      const head = await this.options.store.read((tx) => tx.auditHead());
      const first = Math.min((head?.seq ?? 0) + 1, seq);
      const problem = `entries from ${first} on were removed (${seq} were verified)`;
      this.fail(
        (head && (await this.locateDamage(head.seq, `the chain ends at ${head.seq}`))) ?? {
          seq: first,
          kind: 'truncated',
          problem,
        },
      );
    } else this.fail(await this.locateRewrite(seq, `entry ${seq} is not the one verified`));
  }

  /** The chain no longer reaches the hash trusted at `seq`: where it went wrong. */
  private async locateRewrite(seq: number, problem: string): Promise<AuditFailure> {
    return (
      (await this.locateDamage(seq, problem)) ?? {
        seq,
        kind: 'rewritten',
        problem: `${problem}: entry ${seq} was rewritten and re-sealed with the audit key`,
      }
    );
  }

  /**
   * The first damage at or before `throughSeq`, if any: finds the first trusted checkpoint
   * the chain no longer reaches (a binary search, one lookup per step), then, from the
   * checkpoint before it, the first entry the sealer's MAC does not vouch for. If every entry
   * there carries a valid MAC, whoever rewrote them held the audit key: only the range is named.
   */
  private async locateDamage(throughSeq: number, problem: string): Promise<AuditFailure | undefined> {
    const candidates = this.trusted.filter((c) => c.count <= throughSeq);
    let low = 0; // candidates[< low] still hold
    let high = candidates.length; // candidates[>= high] do not
    while (low < high) {
      const middle = (low + high) >> 1;
      const checkpoint = candidates[middle] as SignedCheckpoint;
      const hash = await this.options.store.read((tx) => tx.auditHashAt(checkpoint.count));
      if (hash === checkpoint.headHash) low = middle + 1;
      else high = middle;
    }
    const before = candidates[low - 1];
    const broken = candidates[low];
    const to = broken?.count ?? throughSeq;
    const from = before ? { seq: before.count, hash: before.headHash } : GENESIS_POSITION;
    await this.loadErasures();
    const scan = this.newScan(from, from.seq, false, true);
    await this.readInto(scan, to);
    const found = scan.failure;
    if (found && found.seq <= to)
      return found.kind === 'unauthenticated'
        ? {
            seq: found.seq,
            kind: 'rewritten',
            problem: `${problem}: entry ${found.seq} is not the one sealed here (rewritten, or inserted)`,
          }
        : found;
    if (!broken) return undefined;
    return {
      seq: from.seq + 1,
      kind: 'rewritten',
      problem: `${problem}: entries ${from.seq + 1} to ${to} were rewritten and re-sealed with the audit key`,
    };
  }

  private newScan(from: ChainPosition, authenticateAfter: number, fold: boolean, strict = false): ChainScan {
    const { keys } = this.options;
    return new ChainScan(from, {
      erasures: this.erasures,
      checkpoints: strict ? new Map() : this.trustedHeads,
      authenticateAfter,
      sha256: nativeSha256,
      // entries sealed before entries had MACs: only trusted on first use, before any checkpoint
      isAuthentic: (entry: AuditEntry) =>
        entry.mac == null
          ? this.trusted.length === 0 && !strict
          : entry.mac === keys.mac(sealedMacText(entry.hash)),
      ...(fold ? { onEntry: (entry: AuditEntry) => this.fold(entry) } : {}),
    });
  }

  /**
   * Feeds the scan page after page up to `throughSeq`; the next page is read while this one
   * is hashed (the database's work and ours overlap: verifying from scratch is both).
   */
  private async readInto(scan: ChainScan, throughSeq: number): Promise<void> {
    if (scan.position.seq >= throughSeq) return;
    let next = this.readPage(scan.position.seq);
    for (;;) {
      const page = await next;
      const last = page[page.length - 1];
      const more = page.length === PAGE && last !== undefined && last.seq < throughSeq;
      if (more) next = this.readPage(last.seq);
      if (!scan.add(page) || !more) {
        if (more) next.catch(() => undefined);
        return;
      }
    }
  }

  private readPage(afterSeq: number): Promise<AuditEntry[]> {
    return this.options.store.read((tx) => tx.listAudit(afterSeq, PAGE));
  }

  private fold(entry: AuditEntry): void {
    if (entry.tenantId === null) return;
    const { count, head } = this.tenantHead(entry.tenantId);
    this.tenants.set(entry.tenantId, {
      count: count + 1,
      head: foldTenantHead(head, entry.hash, nativeSha256),
    });
    this.changedTenants.add(entry.tenantId);
  }

  private async signIfDue(force: boolean): Promise<void> {
    const last = this.trusted[this.trusted.length - 1];
    const since = this.position.seq - (last?.count ?? 0);
    if (since <= 0) return;
    const now = this.options.clock.now();
    const due =
      force ||
      last === undefined ||
      since >= this.options.checkpointEvery ||
      now.getTime() - Date.parse(last.at) >= this.options.checkpointIntervalMs;
    if (!due) return;
    const tenants = [...this.changedTenants].map((id) => ({ tenantId: id, ...this.tenantHead(id) }));
    const checkpoint = await signCheckpoint(this.options, this.position, now, tenants);
    this.changedTenants.clear();
    this.trust(checkpoint);
  }

  private async loadErasures(): Promise<void> {
    const listed = await this.options.store.read((tx) => tx.listAuditErasures());
    this.erasures = new Map(listed.map((e) => [e.seq, e]));
  }

  private latestCount(): number {
    return this.trusted[this.trusted.length - 1]?.count ?? 0;
  }

  private trust(checkpoint: SignedCheckpoint): void {
    this.trusted.push(checkpoint);
    this.trustedHeads.set(checkpoint.count, checkpoint.headHash);
  }

  private fail(failure: AuditFailure): void {
    if (this.bad) return;
    this.bad = failure;
    this.options.onFailure?.(failure);
  }
}
