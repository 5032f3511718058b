import type { ChainPosition } from '../../domain/audit/chain.js';
import {
  encodeCheckpoint,
  encodeTenantCheckpoint,
  type SignedCheckpoint,
  type SignedTenantCheckpoint,
} from '../../domain/audit/checkpoint.js';
import type { AuditWitness } from '../ports/audit-witness.js';
import type { Store } from '../ports/store.js';
import type { AuditKeys } from './audit-keys.js';

/** A tenant's count of entries and the fold of their hashes, at some chain position. */
export interface TenantFold {
  readonly count: number;
  readonly head: string;
}

/**
 * Signs a checkpoint of `position` and the heads of the tenants whose entries changed since
 * the last one, keeps them in the database (one transaction), then appends the checkpoint
 * to the witness: a checkpoint the witness holds is always one the database had (the tenant
 * heads resume from the database's). The caller verified the chain up to `position`.
 */
export async function signCheckpoint(
  deps: { readonly store: Store; readonly keys: AuditKeys; readonly witness: AuditWitness },
  position: ChainPosition,
  now: Date,
  tenants: readonly (TenantFold & { readonly tenantId: string })[],
): Promise<SignedCheckpoint> {
  const at = now.toISOString();
  const body = { count: position.seq, headHash: position.hash, at };
  const checkpoint: SignedCheckpoint = {
    ...body,
    keyId: deps.keys.keyId,
    signature: deps.keys.sign(encodeCheckpoint(body)),
  };
  const signed: SignedTenantCheckpoint[] = tenants.map((t) => {
    const tenantBody = { tenantId: t.tenantId, count: t.count, head: t.head, at };
    return {
      ...tenantBody,
      keyId: deps.keys.keyId,
      signature: deps.keys.sign(encodeTenantCheckpoint(tenantBody)),
    };
  });
  await deps.store.transaction((tx) => tx.saveCheckpoint(checkpoint, signed));
  deps.witness.append(checkpoint);
  return checkpoint;
}
