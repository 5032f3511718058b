import type { Migration } from './migration.js';

export const migration0003: Migration = {
  id: 3,
  name: 'metering: usage ledger, budgets and their alerts, billing settings, final invoices',
  sql: `
-- The ledger: one row per interval of GPU use, never edited nor deleted; a correction is a
-- new row. The unique key makes a replay charge nothing (INSERT … ON CONFLICT DO NOTHING).
CREATE TABLE usage_records (
  id                  bigserial PRIMARY KEY,
  idempotency_key     text NOT NULL UNIQUE,
  tenant_id           text NOT NULL,
  project             text NOT NULL,
  job_id              text,
  job_seq             integer CHECK (job_seq > 0),
  site                text NOT NULL,
  gpu_model           text NOT NULL,
  offering            text NOT NULL CHECK (offering IN ('on-demand', 'committed', 'spot')),
  milli_gpus          integer NOT NULL CHECK (milli_gpus > 0),
  started_at          timestamptz NOT NULL,
  ended_at            timestamptz NOT NULL CHECK (ended_at >= started_at),
  -- milli-GPU × ms: 10^6 per GPU-second; the exact quantity rated
  milli_gpu_ms        bigint NOT NULL CHECK (milli_gpu_ms >= 0),
  energy_wh           numeric NOT NULL CHECK (energy_wh >= 0),
  price_per_gpu_hour  numeric NOT NULL CHECK (price_per_gpu_hour >= 0),
  currency            char(3) NOT NULL,
  minimum_seconds     integer,
  is_final            boolean NOT NULL DEFAULT false,
  recorded_at         timestamptz NOT NULL DEFAULT now()
);
-- a tenant's month, by the instant a record starts (the month it belongs to)
CREATE INDEX usage_records_tenant_start ON usage_records (tenant_id, started_at);
-- the reconciler's next record of a job: the last one's sequence and end
CREATE INDEX usage_records_job ON usage_records (job_id, job_seq) WHERE job_id IS NOT NULL;
CREATE TRIGGER usage_records_append_only BEFORE UPDATE OR DELETE ON usage_records
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();

CREATE TABLE budgets (
  tenant_id         text NOT NULL REFERENCES tenants (id),
  scope             text NOT NULL CHECK (scope = 'tenant' OR scope LIKE 'project:%'),
  limit_amount      numeric CHECK (limit_amount >= 0),
  limit_currency    char(3),
  limit_gpu_hours   numeric CHECK (limit_gpu_hours >= 0),
  period            text NOT NULL CHECK (period = 'month'),
  on_exceeded       text NOT NULL CHECK (on_exceeded IN ('wait', 'reject')),
  stop_preemptible  boolean NOT NULL,
  updated_at        timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, scope),
  -- money or GPU-hours, exactly one
  CHECK ((limit_amount IS NULL) = (limit_gpu_hours IS NOT NULL)),
  CHECK ((limit_amount IS NULL) = (limit_currency IS NULL))
);

-- Each threshold of a budget alerts once per month: the primary key says so.
CREATE TABLE budget_alerts (
  tenant_id  text NOT NULL,
  scope      text NOT NULL,
  month      text NOT NULL,
  threshold  integer NOT NULL CHECK (threshold IN (50, 80, 100)),
  at         timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, scope, month, threshold)
);

CREATE TABLE billing_settings (
  tenant_id           text PRIMARY KEY REFERENCES tenants (id),
  tax_rate            numeric NOT NULL CHECK (tax_rate >= 0),
  statement_currency  char(3),
  -- {"project": "0.25"}: an agency's markup per client project
  markups             jsonb NOT NULL DEFAULT '{}',
  -- [{month, site, gpuModel, gpus, pricePerGpuHour, overagePricePerGpuHour}] (money as text)
  commitments         jsonb NOT NULL DEFAULT '[]',
  updated_at          timestamptz NOT NULL
);

-- An invoice of a month that has ended, frozen the first time it is read: it never changes.
CREATE TABLE final_invoices (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  month       text NOT NULL,
  currency    char(3) NOT NULL,
  document    jsonb NOT NULL,
  final_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, month, currency)
);
CREATE TRIGGER final_invoices_append_only BEFORE UPDATE OR DELETE ON final_invoices
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
`,
};
