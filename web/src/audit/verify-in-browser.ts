import { verifyChain, type ChainVerification } from '../../../src/domain/audit/chain.js';
import {
  encodeCheckpoint,
  encodeTenantCheckpoint,
  isCheckpointSigned,
  type SignedCheckpoint,
} from '../../../src/domain/audit/checkpoint.js';
import { verifyTenantEntries } from '../../../src/domain/audit/tenant-proof.js';
import { readTenantCheckpoint } from '../../../src/sdk/read-tenant-checkpoint.js';
import type { UsineClient } from '../../../src/sdk/usine-client.js';

export interface BrowserVerification extends ChainVerification {
  readonly scope: 'factory' | 'tenant';
  /** The signed checkpoints whose Ed25519 signature this browser checked. */
  readonly checkpointsChecked: number;
  readonly keyId: string;
}

/**
 * The audit chain verified here, not taken on the server's word: every entry the key may read
 * fetched and hashed again by the domain's own code (the same as `usine audit verify`), and
 * each signed checkpoint checked with the factory's Ed25519 public key through WebCrypto. An
 * operator's key checks the whole chain against the latest checkpoint; a tenant's, its own
 * entries against its tenant checkpoints.
 */
export async function verifyInBrowser(client: UsineClient, isTenant: boolean): Promise<BrowserVerification> {
  const { keyId, publicKey } = await client.getAuditPublicKey();
  const key = await crypto.subtle.importKey('spki', readPem(publicKey), { name: 'Ed25519' }, false, [
    'verify',
  ]);
  const entries = await readAll((cursor) => client.listAudit(cursor, 1000));
  const checkpoints = await readAll((cursor) => client.listAuditCheckpoints(cursor));
  // WebCrypto answers later; the domain asks at once: check every signature first, then look up
  const signed = new Set<string>();
  for (const c of checkpoints) {
    const text = isTenant ? encodeTenantCheckpoint(readTenantCheckpoint(c)) : encodeCheckpoint(c);
    if (await crypto.subtle.verify('Ed25519', key, readBase64(c.signature), new TextEncoder().encode(text)))
      signed.add(`${text}\n${c.signature}`);
  }
  const verify = (text: string, signature: string) => signed.has(`${text}\n${signature}`);
  const described = { checkpointsChecked: checkpoints.length, keyId };
  if (isTenant)
    return {
      scope: 'tenant',
      ...verifyTenantEntries(entries, checkpoints.map(readTenantCheckpoint), verify),
      ...described,
    };
  const chain = verifyChain(entries);
  if (!chain.ok) return { scope: 'factory', ...chain, ...described };
  for (const c of checkpoints as SignedCheckpoint[]) {
    if (!isCheckpointSigned(c, verify))
      return {
        scope: 'factory',
        ...badAt(c, 'bad-checkpoint', `the checkpoint of ${c.count} entries is not signed by key ${keyId}`),
        ...described,
      };
    const at = entries[c.count - 1];
    if (!at)
      return {
        scope: 'factory',
        ...badAt(c, 'truncated', `the chain ends before the checkpoint of ${c.count} entries`),
        ...described,
      };
    if (at.hash !== c.headHash)
      return {
        scope: 'factory',
        ...badAt(c, 'rewritten', `entry ${c.count} is not the one the checkpoint signed`),
        ...described,
      };
  }
  return { scope: 'factory', ...chain, ...described };
}

function badAt(
  c: SignedCheckpoint,
  kind: NonNullable<ChainVerification['kind']>,
  problem: string,
): ChainVerification {
  return { ok: false, entries: c.count, firstBadEntry: c.count, kind, problem };
}

async function readAll<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
) {
  const all: T[] = [];
  for (let cursor: string | undefined; ;) {
    const answer = await page(cursor);
    all.push(...answer.items);
    if (!answer.nextCursor) return all;
    cursor = answer.nextCursor;
  }
}

function readPem(pem: string): ArrayBuffer {
  return readBase64(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''));
}

function readBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}
