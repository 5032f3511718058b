import type { Migration } from './migration.js';

export const migration0010: Migration = {
  id: 10,
  name: 'import: foreign audit segments, the signed audit entries an imported tenant brought with it',
  sql: `
-- The public key of a factory whose audit entries were imported (usine import), by key id.
CREATE TABLE foreign_audit_keys (
  key_id       text PRIMARY KEY,
  public_key   text NOT NULL,
  imported_at  timestamptz NOT NULL
);

-- A tenant's entries as that factory exported them: each JSON line kept byte for byte (it is
-- what the factory's tenant checkpoints sign the hashes of), at its position among the
-- tenant's entries there (1, 2, 3…). Never part of this factory's chain: verified against
-- the foreign key's checkpoints, exported again under audit/foreign/<key id>/.
CREATE TABLE foreign_audit_entries (
  key_id     text NOT NULL REFERENCES foreign_audit_keys (key_id),
  tenant_id  text NOT NULL,
  position   integer NOT NULL CHECK (position > 0),
  line       text NOT NULL,
  PRIMARY KEY (key_id, tenant_id, position)
);

CREATE TABLE foreign_audit_checkpoints (
  key_id     text NOT NULL REFERENCES foreign_audit_keys (key_id),
  tenant_id  text NOT NULL,
  position   integer NOT NULL CHECK (position > 0),
  line       text NOT NULL,
  PRIMARY KEY (key_id, tenant_id, position)
);

CREATE TRIGGER foreign_audit_keys_append_only BEFORE UPDATE OR DELETE ON foreign_audit_keys
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
CREATE TRIGGER foreign_audit_entries_append_only BEFORE UPDATE OR DELETE ON foreign_audit_entries
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
CREATE TRIGGER foreign_audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON foreign_audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
`,
};
