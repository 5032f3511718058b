import type { ApiKeyRecord } from '../ports/records.js';

/** What may be shown of a key: everything but its secret and the secret's hash. */
export interface KeyView {
  readonly id: string;
  readonly role: ApiKeyRecord['role'];
  readonly tenantId: string | null;
  readonly project: string | null;
  readonly site: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export function toKeyView(key: ApiKeyRecord): KeyView {
  return {
    id: key.id,
    role: key.role,
    tenantId: key.tenantId,
    project: key.project,
    site: key.site,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
  };
}

/** A key that works at `at`: not revoked, not expired. */
export function isLive(key: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, at: Date): boolean {
  return key.revokedAt === null && (key.expiresAt === null || Date.parse(key.expiresAt) > at.getTime());
}
