import type { FastifyInstance } from 'fastify';
import type { AuditVerifier } from '../app/audit/audit-verifier.js';
import { UsineError } from '../app/errors.js';
import type { AuditFailure } from '../domain/audit/chain-scan.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The sentence an operator reads: which entry, how it failed. */
export function describeAuditFailure(failure: AuditFailure): string {
  return `audit chain broken at entry ${failure.seq} (${failure.kind}): ${failure.problem}`;
}

/**
 * While the audit chain is broken the server keeps answering reads, each with an
 * `Usine-Audit` header naming the first bad entry, and refuses every write under /v1/ with
 * USINE_AUDIT_CHAIN_BROKEN: a change made now could not be proven, and would bury the damage.
 */
export function installAuditGuard(app: FastifyInstance, verifier: AuditVerifier | undefined): void {
  if (!verifier) return;
  app.addHook('onRequest', async (request, reply) => {
    const failure = verifier.failure;
    if (!failure) return;
    void reply.header('usine-audit', `broken; entry=${failure.seq}; kind=${failure.kind}`);
    if (!READS.has(request.method) && request.url.startsWith('/v1/'))
      throw new UsineError(
        'USINE_AUDIT_CHAIN_BROKEN',
        `${describeAuditFailure(failure)}. Writes are refused until an operator has looked (docs/audit.md).`,
      );
  });
}
