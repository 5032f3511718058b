import type { AuditCheckpointView } from '../api/schemas.js';
import type { SignedTenantCheckpoint } from '../domain/audit/checkpoint.js';

/** A tenant checkpoint as the API serves it, in the terms the domain verifies it in. */
export function readTenantCheckpoint(view: AuditCheckpointView): SignedTenantCheckpoint {
  return {
    tenantId: view.tenantId ?? '',
    count: view.count,
    head: view.headHash,
    at: view.at,
    keyId: view.keyId,
    signature: view.signature,
  };
}
