import { createHash } from 'node:crypto';
import type { Sha256 } from '../../domain/audit/chain.js';

/** The platform's SHA-256 (OpenSSL): the same hashes as the domain's pure one, much cheaper. */
export const nativeSha256: Sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
