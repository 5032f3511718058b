import { canonicalJson } from './canonical-json.js';
import { eventOf, type AuditEvent } from './chain.js';

/**
 * What the audit MAC covers, in the two steps of an entry's life. A queued entry's MAC covers
 * its content as the database will give it back (an instant in ISO form, JSON as stored), so
 * the sealer recomputes it from the row it reads; a sealed entry's MAC covers its hash, which
 * covers its content, its place and the whole chain before it. The prefixes keep one from
 * ever passing for the other.
 */
export function pendingMacText(event: AuditEvent): string {
  return `usine audit pending v1\n${canonicalJson(eventOf(event))}`;
}

export function sealedMacText(hash: string): string {
  return `usine audit sealed v1\n${hash}`;
}
