import type { Migration } from './migration.js';

export const migration0014: Migration = {
  id: 14,
  name: 'erasure: audit entries erased under GDPR Art. 17, listed with their commitments',
  sql: `
-- An audit entry whose data an erasure removed: its hash (unchanged: the chain still links) and
-- the SHA-256 of the data erased. The erasure's own entry (tenant.erase) commits to the list.
CREATE TABLE audit_erasures (
  seq          bigint PRIMARY KEY,
  erasure_id   text NOT NULL,
  tenant_id    text NOT NULL,
  entry_hash   text NOT NULL,
  data_sha256  text NOT NULL
);
CREATE INDEX audit_erasures_tenant ON audit_erasures (tenant_id, seq);
CREATE TRIGGER audit_erasures_append_only BEFORE UPDATE OR DELETE ON audit_erasures
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();

-- The erasures list of a foreign segment (an imported tenant erased at its first factory), kept
-- like its entries: each JSON line byte for byte.
CREATE TABLE foreign_audit_erasures (
  key_id     text NOT NULL REFERENCES foreign_audit_keys (key_id),
  tenant_id  text NOT NULL,
  position   integer NOT NULL CHECK (position > 0),
  line       text NOT NULL,
  PRIMARY KEY (key_id, tenant_id, position)
);
CREATE TRIGGER foreign_audit_erasures_append_only BEFORE UPDATE OR DELETE ON foreign_audit_erasures
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();

-- An erasure is the one change the append-only tables take: inside a transaction that set
-- usine.erasing, an audit entry's data may be replaced (by its marker) and a job's logs
-- deleted. (As before, whoever owns the database can drop the triggers: the chain, its
-- checkpoints and the erasure's commitment are what prove the log, not this.)
CREATE OR REPLACE FUNCTION usine_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('usine.erasing', true) = 'on'
     AND ((TG_TABLE_NAME = 'audit_log' AND TG_OP = 'UPDATE') OR (TG_TABLE_NAME = 'launch_logs' AND TG_OP = 'DELETE')) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;
`,
};
