import type { Migration } from './migration.js';

export const migration0005: Migration = {
  id: 5,
  name: 'metering: simulated time scale, late usage billed on a later invoice, compensating corrections',
  sql: `
-- A simulated site runs its jobs time_scale times faster than the wall clock: a record's
-- quantity (milli_gpu_ms) is milli_gpus x its wall interval x time_scale, what the job would
-- have used at a real site; 1 for every real site.
ALTER TABLE usage_records ADD COLUMN time_scale integer NOT NULL DEFAULT 1 CHECK (time_scale >= 1);
-- A record that arrives for a month whose invoice is final is billed on the next open one, as
-- an adjustment naming its own month (ADR 0009); NULL: billed in the month it starts in.
ALTER TABLE usage_records ADD COLUMN invoice_month text CHECK (invoice_month ~ '^\\d{4}-(0[1-9]|1[0-2])$');
CREATE INDEX usage_records_tenant_invoice_month ON usage_records (tenant_id, invoice_month)
  WHERE invoice_month IS NOT NULL;
-- A correction is a compensating record (ADR 0010): it names the record it corrects and says
-- why, who and when; its GPUs, quantity and energy are negative for the part it takes back.
ALTER TABLE usage_records ADD COLUMN corrects text;
ALTER TABLE usage_records ADD COLUMN correction jsonb;
ALTER TABLE usage_records ADD CONSTRAINT usage_records_correction_check
  CHECK ((corrects IS NULL) = (correction IS NULL));
ALTER TABLE usage_records DROP CONSTRAINT usage_records_milli_gpus_check;
ALTER TABLE usage_records DROP CONSTRAINT usage_records_milli_gpu_ms_check;
ALTER TABLE usage_records DROP CONSTRAINT usage_records_energy_wh_check;
ALTER TABLE usage_records ADD CONSTRAINT usage_records_sign_check
  CHECK (corrects IS NOT NULL OR (milli_gpus > 0 AND milli_gpu_ms >= 0 AND energy_wh >= 0));
CREATE INDEX usage_records_corrects ON usage_records (corrects) WHERE corrects IS NOT NULL;
`,
};
