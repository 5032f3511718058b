import type { AppContext } from '../context.js';
import { invalidField, UsineError } from '../errors.js';
import { hashSecret } from '../auth/hash-secret.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import { SITE_ROLES, type ApiKeyRecord, type Role } from '../ports/records.js';
import type { StoreTx } from '../ports/store.js';
import { readKeyExpiry } from './key-expiry.js';
import { toKeyView, type KeyView } from './key-view.js';

const TENANT_ROLES: readonly Role[] = ['owner', 'member', 'viewer', 'auditor', 'service'];
/**
 * An owner may create keys weaker than its own, never another owner key: a leaked owner key,
 * once revoked, leaves no owner key behind that it minted. Only the operator creates owner
 * keys (an owner may still rotate its own, which replaces it).
 */
const OWNER_MAY_CREATE: readonly Role[] = ['member', 'viewer', 'auditor', 'service'];

export interface KeyRequest {
  readonly role: string;
  readonly project?: string | undefined;
  readonly site?: string | undefined;
  /** A duration from now (`30d`) or an RFC 3339 instant; absent: never expires. */
  readonly expires?: string | undefined;
}

export interface CreatedKey extends KeyView {
  /** Shown once; only its hash is stored. */
  readonly key: string;
}

/**
 * A key for a tenant (tenantId), or a site credential of the operator (tenantId null: an
 * `agent` or `metering` key bound to one site of the catalog, created by the admin key only).
 */
export async function createApiKey(
  ctx: AppContext,
  principal: Principal,
  tenantId: string | null,
  request: KeyRequest,
): Promise<CreatedKey> {
  const now = ctx.clock.now();
  const base =
    tenantId === null ? checkSiteKey(ctx, principal, request) : checkTenantKey(principal, tenantId, request);
  const expiresAt = readKeyExpiry(request.expires, now);
  const at = now.toISOString();
  return ctx.store.transaction(async (tx) => {
    if (tenantId !== null) await requireRoomForKey(ctx, tx, tenantId, at);
    const secret = ctx.ids.newSecret();
    const record: ApiKeyRecord = {
      id: ctx.ids.newId('key'),
      tenantId,
      ...base,
      secretHash: hashSecret(secret),
      createdAt: at,
      expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    };
    await tx.createApiKey(record);
    await tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId,
      action: 'key.create',
      subject: record.id,
      data: { role: record.role, project: record.project, site: record.site, expiresAt },
    });
    return { ...toKeyView(record), key: secret };
  });
}

export const DEFAULT_MAX_KEYS_PER_TENANT = 100;

/** 409 when the tenant already holds its limit of live keys; counted under the tenant's lock. */
async function requireRoomForKey(ctx: AppContext, tx: StoreTx, tenantId: string, at: string): Promise<void> {
  if (!(await tx.lockTenant(tenantId))) throw new UsineError('USINE_NOT_FOUND', `no tenant ${tenantId}`);
  const limit = ctx.maxKeysPerTenant ?? DEFAULT_MAX_KEYS_PER_TENANT;
  const live = await tx.countLiveApiKeys(tenantId, at);
  if (live >= limit) {
    throw new UsineError(
      'USINE_KEY_LIMIT',
      `tenant ${tenantId} holds ${live} live keys, its limit is ${limit}: revoke one (usine keys revoke) first`,
    );
  }
}

type KeyScope = Pick<ApiKeyRecord, 'role' | 'project' | 'site'>;

function checkTenantKey(principal: Principal, tenantId: string, request: KeyRequest): KeyScope {
  requireAllowed(principal, 'key.create');
  if (principal.role !== 'admin' && principal.tenantId !== tenantId) {
    throw new UsineError('USINE_NOT_FOUND', `no tenant ${tenantId}`);
  }
  const allowed = principal.role === 'admin' ? TENANT_ROLES : OWNER_MAY_CREATE;
  if ((SITE_ROLES as readonly string[]).includes(request.role)) {
    throw invalidField(
      'role',
      `a ${request.role} key is a site credential: the operator creates it with POST /v1/keys`,
    );
  }
  if (!allowed.includes(request.role as Role)) {
    const detail = `must be one of ${allowed.join(', ')}`;
    if (TENANT_ROLES.includes(request.role as Role)) {
      throw new UsineError(
        'USINE_FORBIDDEN',
        `an ${principal.role} key may create ${allowed.join(', ')} keys only`,
      );
    }
    throw invalidField('role', detail);
  }
  if (request.site !== undefined)
    throw invalidField('site', 'only a site credential (agent, metering) has a site');
  if (request.role === 'member' && request.project === undefined) {
    throw invalidField('project', 'required for a member key: the project it may use');
  }
  return { role: request.role as Role, project: request.project ?? null, site: null };
}

function checkSiteKey(ctx: AppContext, principal: Principal, request: KeyRequest): KeyScope {
  requireAllowed(principal, 'site-key.create');
  if (!(SITE_ROLES as readonly string[]).includes(request.role)) {
    throw invalidField(
      'role',
      `must be one of ${SITE_ROLES.join(', ')}: tenant keys are created under /v1/tenants/{id}/keys`,
    );
  }
  if (request.site === undefined)
    throw invalidField('site', `required: the site this ${request.role} key acts for`);
  if (!ctx.catalog.sites.some((s) => s.name === request.site)) {
    const known = ctx.catalog.sites.map((s) => s.name).join(', ');
    throw invalidField('site', `no site ${request.site} in the catalog (known: ${known || 'none'})`);
  }
  if (request.project !== undefined) throw invalidField('project', 'a site credential has no project');
  return { role: request.role as Role, project: null, site: request.site };
}
