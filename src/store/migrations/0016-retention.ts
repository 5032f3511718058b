import type { Migration } from './migration.js';

export const migration0016: Migration = {
  id: 16,
  name: 'retention: finished jobs pruned of their events and logs after the retention period',
  sql: `
-- When retention took a finished job's events and shipped logs (the job itself, its placement,
-- its usage and its invoices stay: docs/adr/0012-retention.md).
ALTER TABLE jobs ADD COLUMN pruned_at timestamptz;
-- The pruner's candidates, oldest first: final jobs not pruned yet.
CREATE INDEX jobs_prunable ON jobs (updated_at, id)
  WHERE pruned_at IS NULL AND status IN ('succeeded', 'failed', 'cancelled', 'preempted', 'unplaceable');

-- The append-only tables take two changes, each only inside a transaction that says so: an
-- erasure (usine.erasing, migration 14) and retention (usine.pruning: a finished job's events
-- and logs deleted, nothing else).
CREATE OR REPLACE FUNCTION usine_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('usine.erasing', true) = 'on'
     AND ((TG_TABLE_NAME = 'audit_log' AND TG_OP = 'UPDATE') OR (TG_TABLE_NAME = 'launch_logs' AND TG_OP = 'DELETE')) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF current_setting('usine.pruning', true) = 'on'
     AND TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('job_events', 'launch_logs') THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
`,
};
