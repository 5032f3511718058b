import {
  isCheckpointSigned,
  type SignedCheckpoint,
  type VerifySignature,
} from '../../domain/audit/checkpoint.js';
import type { AuditFailure } from '../../domain/audit/chain-scan.js';
import type { AuditWitness } from '../ports/audit-witness.js';
import type { Store } from '../ports/store.js';

const PAGE = 10_000;

export interface TrustedCheckpoints {
  /** Every checkpoint signed by this factory's key, by count, oldest first. */
  readonly checkpoints: SignedCheckpoint[];
  /** The latest checkpoint the database still keeps: the tenant heads resume from it. */
  readonly latestKept: SignedCheckpoint | undefined;
  /** A checkpoint that is not this factory's (a forged row, a witness line of another key). */
  readonly failure?: AuditFailure;
}

/**
 * The checkpoints to verify against: the witness file's (what the database cannot take back)
 * and the database's copies, each only once its signature verifies. Witnessed checkpoints
 * the database lost are kept again, so clients of `/v1/audit/checkpoints` see them.
 */
export async function loadTrustedCheckpoints(
  store: Store,
  witness: AuditWitness,
  verify: VerifySignature,
): Promise<TrustedCheckpoints> {
  const byCount = new Map<number, SignedCheckpoint>();
  let failure: AuditFailure | undefined;
  const trust = (checkpoint: SignedCheckpoint, where: string) => {
    const known = byCount.get(checkpoint.count);
    if (!isCheckpointSigned(checkpoint, verify))
      failure ??= {
        seq: checkpoint.count,
        kind: 'bad-checkpoint',
        problem: `${where} holds a checkpoint of ${checkpoint.count} entries this factory did not sign`,
      };
    else if (known && known.headHash !== checkpoint.headHash)
      failure ??= {
        seq: checkpoint.count,
        kind: 'bad-checkpoint',
        problem: `two checkpoints of ${checkpoint.count} entries disagree (the audit key signed both: was it stolen?)`,
      };
    else byCount.set(checkpoint.count, checkpoint);
  };
  for (const checkpoint of witness.read()) trust(checkpoint, `the witness ${witness.location}`);
  const kept = new Set<number>();
  let latestKept: SignedCheckpoint | undefined;
  for (let after = 0; ;) {
    const page = await store.read((tx) => tx.listCheckpoints(after, PAGE));
    for (const checkpoint of page) {
      trust(checkpoint, 'the database');
      kept.add(checkpoint.count);
      if (byCount.get(checkpoint.count)?.headHash === checkpoint.headHash) latestKept = checkpoint;
      after = checkpoint.count;
    }
    if (page.length < PAGE) break;
  }
  const checkpoints = [...byCount.values()].sort((a, b) => a.count - b.count);
  for (const checkpoint of checkpoints)
    if (!kept.has(checkpoint.count)) await store.transaction((tx) => tx.saveCheckpoint(checkpoint, []));
  return { checkpoints, latestKept, ...(failure ? { failure } : {}) };
}
