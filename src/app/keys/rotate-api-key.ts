import { parseDuration } from '../../domain/time/duration.js';
import { hashSecret } from '../auth/hash-secret.js';
import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { invalidField, UsineError } from '../errors.js';
import type { ApiKeyRecord } from '../ports/records.js';
import type { CreatedKey } from './create-api-key.js';
import { isLive, toKeyView, type KeyView } from './key-view.js';
import { findManagedKey } from './revoke-api-key.js';

/**
 * How long the old secret keeps working after a rotation, unless the caller says: an hour,
 * time enough to roll the new secret out to every client; at most a week. `0s` ends it now.
 */
export const DEFAULT_ROTATION_GRACE_SECONDS = 3_600;
export const MAX_ROTATION_GRACE_SECONDS = 7 * 86_400;

/**
 * A new secret for the same key scope (role, tenant, project, site, expiry); the old key
 * stops working after the grace period (never later than it would have). Allowed beyond the
 * tenant's key limit, since the old key ends.
 */
export async function rotateApiKey(
  ctx: AppContext,
  principal: Principal,
  keyId: string,
  grace: string | undefined,
): Promise<CreatedKey & { readonly replaced: KeyView }> {
  const graceSeconds = readGrace(grace);
  const now = ctx.clock.now();
  const at = now.toISOString();
  const oldEndsAt = new Date(now.getTime() + graceSeconds * 1000).toISOString();
  return ctx.store.transaction(async (tx) => {
    const old = await findManagedKey(tx, principal, 'key.revoke', keyId);
    if (!isLive(old, now)) {
      throw new UsineError(
        'USINE_CONFLICT',
        `key ${keyId} is ${old.revokedAt ? 'revoked' : 'expired'}: create a new one`,
      );
    }
    const secret = ctx.ids.newSecret();
    const record: ApiKeyRecord = {
      ...old,
      id: ctx.ids.newId('key'),
      secretHash: hashSecret(secret),
      createdAt: at,
      revokedAt: null,
      lastUsedAt: null,
    };
    await tx.createApiKey(record);
    await tx.expireApiKeyBy(old.id, oldEndsAt);
    await tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId: old.tenantId,
      action: 'key.rotate',
      subject: old.id,
      data: { role: old.role, replacedBy: record.id, oldEndsAt, graceSeconds },
    });
    const replaced = (await tx.getApiKey(old.id)) ?? old;
    return { ...toKeyView(record), key: secret, replaced: toKeyView(replaced) };
  });
}

function readGrace(grace: string | undefined): number {
  if (grace === undefined) return DEFAULT_ROTATION_GRACE_SECONDS;
  const seconds = /^0+[dhms]?$/.test(grace) ? 0 : parseDuration(grace);
  if (seconds === undefined || seconds > MAX_ROTATION_GRACE_SECONDS) {
    const message = `must be a duration from 0s to 7d, such as 1h or 30m`;
    throw invalidField('grace', message);
  }
  return seconds;
}
