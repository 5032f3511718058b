import type { Migration } from './migration.js';

export const migration0013: Migration = {
  id: 13,
  name: 'services: tokens the gateway metered, per key and minute',
  sql: `
-- What the replicas of a service reported in their answers' usage, as the gateway counted it:
-- per calling key ('' for a public endpoint) and minute; each server adds its own counts.
CREATE TABLE service_token_usage (
  service_id         text NOT NULL REFERENCES services (id),
  tenant_id          text NOT NULL REFERENCES tenants (id),
  key_id             text NOT NULL,
  minute             timestamptz NOT NULL,
  requests           bigint NOT NULL CHECK (requests >= 0),
  prompt_tokens      bigint NOT NULL CHECK (prompt_tokens >= 0),
  completion_tokens  bigint NOT NULL CHECK (completion_tokens >= 0),
  PRIMARY KEY (service_id, key_id, minute)
);
CREATE INDEX service_token_usage_tenant ON service_token_usage (tenant_id, minute);
`,
};
