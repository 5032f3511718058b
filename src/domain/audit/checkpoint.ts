/**
 * A signed statement of the chain's state (RFC 6962's signed tree head, Rekor's checkpoint):
 * "the chain had `count` entries, the last one hashing to `headHash`, at `at`". Once a
 * checkpoint is kept somewhere the database's writers cannot reach (the witness file, an
 * auditor's copy), removing, rewriting or inserting entries at or before `count` no longer
 * goes unseen: the chain rebuilt from the entries must reach `headHash` at `count`.
 */
export interface Checkpoint {
  readonly count: number;
  readonly headHash: string;
  /** RFC 3339 instant of the signing. */
  readonly at: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** Which key signed (the first 16 hex digits of the SHA-256 of its public key). */
  readonly keyId: string;
  /** Ed25519 signature of `encodeCheckpoint(checkpoint)`, base64. */
  readonly signature: string;
}

/**
 * A tenant's own view, signed alongside each checkpoint: how many of the chain's entries are
 * the tenant's, and the fold of their hashes (`foldTenantHead`). It names no global count, so
 * a tenant verifies its entries against it without learning how busy the factory is.
 */
export interface TenantCheckpoint {
  readonly tenantId: string;
  readonly count: number;
  readonly head: string;
  readonly at: string;
}

export interface SignedTenantCheckpoint extends TenantCheckpoint {
  readonly keyId: string;
  readonly signature: string;
}

/** Checks a signature over a text; injected (node:crypto's Ed25519 in the app, anything in tests). */
export type VerifySignature = (text: string, signature: string) => boolean;

/**
 * The exact text that is signed: a versioned, line-per-field note, so that no two different
 * checkpoints, and no checkpoint and tenant checkpoint, share a text.
 */
export function encodeCheckpoint(checkpoint: Checkpoint): string {
  return `usine audit checkpoint v1\ncount ${checkpoint.count}\nhead ${checkpoint.headHash}\nat ${checkpoint.at}\n`;
}

export function encodeTenantCheckpoint(checkpoint: TenantCheckpoint): string {
  return `usine audit tenant checkpoint v1\ntenant ${JSON.stringify(checkpoint.tenantId)}\ncount ${checkpoint.count}\nhead ${checkpoint.head}\nat ${checkpoint.at}\n`;
}

export function isCheckpointSigned(checkpoint: SignedCheckpoint, verify: VerifySignature): boolean {
  return verify(encodeCheckpoint(checkpoint), checkpoint.signature);
}

export function isTenantCheckpointSigned(
  checkpoint: SignedTenantCheckpoint,
  verify: VerifySignature,
): boolean {
  return verify(encodeTenantCheckpoint(checkpoint), checkpoint.signature);
}
