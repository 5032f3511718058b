import type { Migration } from './migration.js';

export const migration0009: Migration = {
  id: 9,
  name: 'jobs: an Idempotency-Key names one job per project, not per tenant',
  sql: `
-- A member of project p2 replaying a key used in p1 got p1's job (a read across projects).
-- Keys are now scoped to the project the job is submitted to: the same key in two projects
-- names two jobs.
ALTER TABLE jobs DROP CONSTRAINT jobs_tenant_id_idempotency_key_key;
ALTER TABLE jobs ADD CONSTRAINT jobs_idempotency_key_per_project UNIQUE (tenant_id, project, idempotency_key);
`,
};
