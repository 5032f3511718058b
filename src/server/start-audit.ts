import { resolve } from 'node:path';
import type { AuditKeys } from '../app/audit/audit-keys.js';
import { AuditVerifier } from '../app/audit/audit-verifier.js';
import type { Clock } from '../app/ports/clock.js';
import type { Store } from '../app/ports/store.js';
import type { AuditFailure } from '../domain/audit/chain-scan.js';
import { openAuditWitnessFile } from './audit-witness-file.js';

export interface AuditOptions {
  /** The witness file; default: beside the data dir, `<data dir>.audit-witness.jsonl`. */
  readonly witnessFile?: string;
  /** A checkpoint once this many entries follow the last one (default 1,000)… */
  readonly checkpointEvery?: number;
  /** …or this long after it when any entry does (default 60 s). */
  readonly checkpointIntervalMs?: number;
  /** The whole chain is verified again this often, and once after each start (default 1 h). */
  readonly fullVerifyIntervalMs?: number;
}

export const DEFAULT_CHECKPOINT_EVERY = 1000;
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
export const DEFAULT_FULL_VERIFY_INTERVAL_MS = 3_600_000;

/** The witness file's path when none is configured: outside the data dir, beside it. */
export function defaultWitnessFile(dataDir: string): string {
  return `${resolve(dataDir)}.audit-witness.jsonl`;
}

/**
 * Verifies the chain from the last trusted checkpoint, before the server takes a request,
 * then keeps it verified and checkpointed off the request path (a timer, at most every
 * second), and verifies it whole in the background after the start and then hourly.
 */
export async function startAudit(deps: {
  readonly store: Store;
  readonly clock: Clock;
  readonly keys: AuditKeys;
  readonly dataDir: string;
  readonly options: AuditOptions | undefined;
  readonly onFailure: (failure: AuditFailure) => void;
  readonly onError: (error: unknown) => void;
}): Promise<AuditVerifier> {
  const intervalMs = deps.options?.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  const verifier = new AuditVerifier({
    store: deps.store,
    clock: deps.clock,
    keys: deps.keys,
    witness: openAuditWitnessFile(deps.options?.witnessFile ?? defaultWitnessFile(deps.dataDir)),
    checkpointEvery: deps.options?.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY,
    checkpointIntervalMs: intervalMs,
    onFailure: deps.onFailure,
  });
  await verifier.start();
  verifier.startTimers(
    Math.min(1000, intervalMs),
    deps.options?.fullVerifyIntervalMs ?? DEFAULT_FULL_VERIFY_INTERVAL_MS,
    deps.onError,
  );
  return verifier;
}
