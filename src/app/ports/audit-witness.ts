import type { SignedCheckpoint } from '../../domain/audit/checkpoint.js';

/**
 * Somewhere outside the database, and outside the data dir, where signed checkpoints are
 * appended as they are made: the anchor the chain is checked against. Whoever rewrites the
 * database (and even re-signs with the key) cannot take back a checkpoint once witnessed.
 */
export interface AuditWitness {
  /** Where it is, for messages. */
  readonly location: string;
  /** Every checkpoint witnessed so far, oldest first; throws, naming the line, on a bad one. */
  read(): SignedCheckpoint[];
  append(checkpoint: SignedCheckpoint): void;
}
