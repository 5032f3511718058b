import { createHash } from 'node:crypto';

/** Secrets are stored as their sha256 only; a key is long and random, so no salt is needed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
