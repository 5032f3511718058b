import type { Migration } from './migration.js';

export const migration0008: Migration = {
  id: 8,
  name: 'billing: the legal name of a tenant’s tax rate (TVA), printed on its invoices',
  sql: `
ALTER TABLE billing_settings ADD COLUMN tax_label text;
-- a rate is a fraction of one: 0.20 for 20 %
ALTER TABLE billing_settings ADD CONSTRAINT billing_settings_tax_rate_range CHECK (tax_rate <= 1) NOT VALID;
`,
};
