import type { Migration } from './migration.js';

export const migration0011: Migration = {
  id: 11,
  name: 'services: their revisions and events; where a replica listens',
  sql: `
-- A Service: a name in its tenant (the gateway's /s/<tenant>/<service>), the spec of its current
-- revision and how many replicas it wants. Its replicas are jobs labelled usine.dev/service.
CREATE TABLE services (
  id                text PRIMARY KEY,
  tenant_id         text NOT NULL REFERENCES tenants (id),
  project           text NOT NULL,
  name              text NOT NULL,
  revision          integer NOT NULL CHECK (revision > 0),
  document          jsonb NOT NULL,
  request_hash      text NOT NULL,
  desired_replicas  integer NOT NULL CHECK (desired_replicas >= 0),
  -- replicas started so far: the next one's idempotency key, so it is submitted once
  replica_seq       integer NOT NULL DEFAULT 0 CHECK (replica_seq >= 0),
  state             text NOT NULL CHECK (state IN ('active', 'deleted')),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  deleted_at        timestamptz
);
-- one live service of a name per tenant; a deleted name may be served again
CREATE UNIQUE INDEX services_live_name ON services (tenant_id, name) WHERE state = 'active';

CREATE TABLE service_revisions (
  service_id    text NOT NULL REFERENCES services (id),
  revision      integer NOT NULL CHECK (revision > 0),
  document      jsonb NOT NULL,
  request_hash  text NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (service_id, revision)
);

-- What the controller and the autoscaler decided, each with its inputs: append-only.
CREATE TABLE service_events (
  service_id  text NOT NULL REFERENCES services (id),
  seq         bigserial,
  at          timestamptz NOT NULL,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  PRIMARY KEY (service_id, seq)
);
CREATE TRIGGER service_events_append_only BEFORE UPDATE OR DELETE ON service_events
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();

-- the replicas of a service
CREATE INDEX jobs_service ON jobs ((labels->>'usine.dev/service'), status)
  WHERE labels ? 'usine.dev/service';

-- where a replica's process listens, as its agent reported it (http://127.0.0.1:41234)
ALTER TABLE launches ADD COLUMN endpoint text;
`,
};
