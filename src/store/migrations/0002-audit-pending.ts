import type { Migration } from './migration.js';

export const migration0002: Migration = {
  id: 2,
  name: 'audit pending: audited changes queue their entry, a sealer chains them',
  sql: `
-- An audited transaction inserts its entry here, unlinked: appenders take no lock and never
-- wait for one another. The sealer moves committed entries, in id order, into audit_log with
-- their seq and hashes, in the transaction that deletes them here.
CREATE TABLE audit_pending (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  tenant_id  text,
  action     text NOT NULL,
  subject    text NOT NULL,
  data       jsonb NOT NULL
);

-- A queued entry is never edited; it leaves only by being sealed (DELETE by the sealer).
CREATE TRIGGER audit_pending_no_update BEFORE UPDATE ON audit_pending
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
`,
};
