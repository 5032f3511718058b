import type { Migration } from './migration.js';

export const migration0004: Migration = {
  id: 4,
  name: 'keys: site credentials (agent, metering), expiry, last use',
  sql: `
-- Site credentials: an agent or metering key belongs to the operator (no tenant) and is
-- bound to one site of the catalog; every other key has no site.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys DROP CONSTRAINT api_keys_check;
ALTER TABLE api_keys ADD COLUMN site text;
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
-- written at most once a minute per key and replica (see src/app/auth/authenticate.ts)
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
  CHECK (role IN ('admin', 'owner', 'member', 'viewer', 'auditor', 'agent', 'metering'));
ALTER TABLE api_keys ADD CONSTRAINT api_keys_tenant_check
  CHECK ((role IN ('admin', 'agent', 'metering')) = (tenant_id IS NULL));
ALTER TABLE api_keys ADD CONSTRAINT api_keys_site_check
  CHECK ((role IN ('agent', 'metering')) = (site IS NOT NULL));
-- a tenant's keys, listed and counted against its limit
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);
`,
};
