import type { Migration } from './migration.js';

export const migration0001: Migration = {
  id: 1,
  name: 'init: tenants, api keys, jobs, job events, audit log',
  sql: `
CREATE TABLE tenants (
  id          text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL
);

CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  tenant_id    text REFERENCES tenants (id),
  role         text NOT NULL CHECK (role IN ('admin', 'owner', 'member', 'viewer', 'auditor')),
  project      text,
  secret_hash  text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  -- the operator's key belongs to no tenant; every other key to exactly one
  CHECK ((role = 'admin') = (tenant_id IS NULL))
);

CREATE TABLE jobs (
  id               text PRIMARY KEY,
  tenant_id        text NOT NULL REFERENCES tenants (id),
  project          text NOT NULL,
  name             text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('Job', 'Service')),
  labels           jsonb NOT NULL DEFAULT '{}',
  document         jsonb NOT NULL,
  status           text NOT NULL CHECK (status IN
                     ('queued', 'placed', 'admitted', 'running', 'succeeded', 'failed',
                      'cancelled', 'preempted', 'unplaceable')),
  reason           text,
  placement        jsonb,
  site             text,
  allocation       jsonb,
  handle           text,
  exit_code        integer,
  idempotency_key  text NOT NULL,
  request_hash     text NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  started_at       timestamptz,
  finished_at      timestamptz,
  -- idempotent submission: a key names one job per tenant, forever
  UNIQUE (tenant_id, idempotency_key)
);
-- a tenant's list, newest first, paged by (created_at, id)
CREATE INDEX jobs_tenant_created ON jobs (tenant_id, created_at DESC, id DESC);
-- the reconciler's claims, oldest first within a state
CREATE INDEX jobs_status_created ON jobs (status, created_at, id);

CREATE TABLE job_events (
  job_id  text NOT NULL REFERENCES jobs (id),
  seq     integer NOT NULL CHECK (seq > 0),
  at      timestamptz NOT NULL,
  type    text NOT NULL,
  data    jsonb NOT NULL,
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE audit_log (
  seq        bigint PRIMARY KEY CHECK (seq > 0),
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  tenant_id  text,
  action     text NOT NULL,
  subject    text NOT NULL,
  data       jsonb NOT NULL,
  prev_hash  text NOT NULL,
  hash       text NOT NULL
);

-- Append-only: job events and the audit chain are never edited nor deleted by Usine.
-- (Someone with the database's owner rights can still drop the trigger: the chain's
-- hashes are what proves the log intact, not this.)
CREATE FUNCTION usine_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER job_events_append_only BEFORE UPDATE OR DELETE ON job_events
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
`,
};
