import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { VerifySignature } from '../../domain/audit/checkpoint.js';

/**
 * The audit key: an Ed25519 key that signs checkpoints, and, derived from it (HKDF), the MAC
 * key that authenticates audit entries from the moment they are queued until they are
 * sealed (see `src/store/audit-queries.ts`). It lives in the data dir, never in the database:
 * whoever can only write the database can neither sign a checkpoint nor queue an entry
 * the sealer will accept.
 */
export interface AuditKeys {
  /** The first 16 hex digits of the SHA-256 of the public key (SPKI, DER). */
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** Ed25519 signature of a text, base64. */
  sign(text: string): string;
  readonly verify: VerifySignature;
  readonly mac: AuditMac;
}

/** HMAC-SHA256 of a text under the audit MAC key, hex. */
export type AuditMac = (text: string) => string;

/** A new private key, PKCS#8 PEM, to be written to the data dir. */
export function generateAuditPrivateKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function readAuditKeys(privateKeyPem: string): AuditKeys {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit key is not an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const macKey = Buffer.from(
    hkdfSync(
      'sha256',
      privateKey.export({ type: 'pkcs8', format: 'der' }),
      '',
      'usine audit entry mac v1',
      32,
    ),
  );
  return {
    ...describePublicKey(publicKey),
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64'),
    mac: (text) => createHmac('sha256', macKey).update(text, 'utf8').digest('hex'),
  };
}

/** What a verifier needs of a published public key (PEM, as `/v1/audit/public-key` serves it). */
export function readAuditPublicKey(
  publicKeyPem: string,
): Pick<AuditKeys, 'keyId' | 'publicKeyPem' | 'verify'> {
  const publicKey = createPublicKey(publicKeyPem);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key');
  return describePublicKey(publicKey);
}

function describePublicKey(publicKey: KeyObject): Pick<AuditKeys, 'keyId' | 'publicKeyPem' | 'verify'> {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    keyId: createHash('sha256').update(der).digest('hex').slice(0, 16),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    verify: (text, signature) => {
      try {
        return verify(null, Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
  };
}
