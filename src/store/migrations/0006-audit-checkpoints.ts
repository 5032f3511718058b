import type { Migration } from './migration.js';

export const migration0006: Migration = {
  id: 6,
  name: 'audit checkpoints: signed heads, tenant heads, entry MACs',
  sql: `
-- The MAC (under the audit key, kept outside the database) of a queued entry's content: the
-- sealer refuses a row without a valid one. NULL only for rows queued before this migration.
ALTER TABLE audit_pending ADD COLUMN mac text;
-- The sealer's MAC of the entry's hash: an entry written past the sealer is found at once,
-- before any checkpoint covers it. NULL for entries sealed before this migration.
ALTER TABLE audit_log ADD COLUMN mac text;

CREATE INDEX audit_log_tenant ON audit_log (tenant_id, seq) WHERE tenant_id IS NOT NULL;
-- The sealer's record of the queued rows it refused (forged, or from another key).
CREATE INDEX audit_log_rejections ON audit_log (seq) WHERE action = 'audit.reject';

-- Signed checkpoints: a copy of the witness file, for clients; trusted only once its
-- signature verifies.
CREATE TABLE audit_checkpoints (
  count      bigint PRIMARY KEY CHECK (count > 0),
  head_hash  text NOT NULL,
  at         timestamptz NOT NULL,
  key_id     text NOT NULL,
  signature  text NOT NULL
);

-- Each tenant's signed head, written with the checkpoint of through_seq (not signed, not
-- served: a tenant learns no global count); the next checkpoint folds on from it.
CREATE TABLE audit_tenant_checkpoints (
  tenant_id    text NOT NULL,
  count        bigint NOT NULL CHECK (count > 0),
  head         text NOT NULL,
  at           timestamptz NOT NULL,
  key_id       text NOT NULL,
  signature    text NOT NULL,
  through_seq  bigint NOT NULL,
  PRIMARY KEY (tenant_id, count)
);

CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
CREATE TRIGGER audit_tenant_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_tenant_checkpoints
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
`,
};
