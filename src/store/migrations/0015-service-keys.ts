import type { Migration } from './migration.js';

export const migration0015: Migration = {
  id: 15,
  name: 'api keys: the service role (calls its tenant’s services through the gateway only)',
  sql: `
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
  CHECK (role IN ('admin', 'owner', 'member', 'viewer', 'auditor', 'service', 'agent', 'metering'));
`,
};
