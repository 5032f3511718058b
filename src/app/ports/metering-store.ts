import type { Budget } from '../../domain/metering/budget.js';
import type { BillingSettings } from '../../domain/metering/invoice.js';
import type { Month } from '../../domain/metering/month.js';
import type { UsageRecord } from '../../domain/metering/usage-record.js';
import type { Decimal } from '../../domain/money/decimal.js';
import type { Money } from '../../domain/money/money.js';
import type { JobRecord } from './records.js';

/** The last record the ledger holds for a job: where the next one starts. */
export interface LastUsage {
  readonly seq: number;
  readonly end: string;
  readonly isFinal: boolean;
}

export interface UsageTotal {
  readonly project: string;
  readonly pricePerGpuHour: Money;
  readonly quantity: bigint;
}

/** Every tenant's usage at one site, GPU model and price, from the first record on. */
export interface PlaceUsageTotal {
  /** The tenant's name. */
  readonly tenant: string;
  readonly site: string;
  readonly gpuModel: string;
  readonly pricePerGpuHour: Money;
  /** milli-GPU × ms, compensating records included. */
  readonly quantity: bigint;
  readonly energyWh: Decimal;
}

/**
 * Records starting in `[from, to)`; with `billedIn` (the month those bounds are), the records
 * that month's invoice carries instead: its own, and the late ones of earlier months moved
 * onto it (a record moved to a later invoice is left out).
 */
export interface UsageRange {
  readonly from: string;
  readonly to: string;
  readonly billedIn?: Month;
}

/** The ledger, budgets and billing settings, as the metering use cases need them. */
export interface MeteringStoreTx {
  /**
   * Appends the records whose key the ledger does not hold yet (INSERT … ON CONFLICT DO
   * NOTHING); returns how many were new. A replayed key charges nothing.
   */
  appendUsage(records: readonly UsageRecord[]): Promise<number>;
  /** A tenant's records starting in `[from, to)`, in ledger order. */
  listUsage(tenantId: string, range: UsageRange): Promise<UsageRecord[]>;
  /**
   * A tenant's quantity (milli-GPU × ms) in `[from, to)` summed per project and price: what
   * budgets need, exact (cost is linear in quantity at one price), in a few rows.
   */
  sumUsage(tenantId: string, range: UsageRange): Promise<UsageTotal[]>;
  /** The whole ledger, every tenant's, summed per tenant, site, GPU model and price (metrics). */
  sumUsageByPlace(): Promise<PlaceUsageTotal[]>;
  lastUsageOfJob(jobId: string): Promise<LastUsage | undefined>;
  /** The record of this key, locked until the transaction ends (a correction reads it). */
  lockUsageRecord(key: string): Promise<UsageRecord | undefined>;
  /** Whether a compensating record names this one already. */
  isUsageCorrected(key: string): Promise<boolean>;
  /**
   * Jobs whose ledger is not closed: running, or finished after they started and without a
   * final record yet; oldest start first.
   */
  listJobsToMeter(limit: number): Promise<JobRecord[]>;
  /** The jobs of these ids, of any tenant (external usage names its job; the job names its tenant). */
  listJobsById(ids: readonly string[]): Promise<JobRecord[]>;

  putBudget(tenantId: string, budget: Budget, at: string): Promise<void>;
  listBudgets(tenantId: string): Promise<Budget[]>;
  /** True the first time this threshold of this budget is recorded for the month. */
  recordBudgetAlert(
    tenantId: string,
    scope: string,
    month: Month,
    threshold: number,
    at: string,
  ): Promise<boolean>;

  getBillingSettings(tenantId: string): Promise<BillingSettings | undefined>;
  putBillingSettings(tenantId: string, settings: BillingSettings, at: string): Promise<void>;

  /** The frozen invoices (their JSON documents) of an ended month; empty before it is frozen. */
  listFinalInvoices(tenantId: string, month: Month): Promise<unknown[]>;
  /** Freezes an invoice; a second save of the same month and currency keeps the first. */
  saveFinalInvoice(
    tenantId: string,
    month: Month,
    currency: string,
    document: unknown,
    at: string,
  ): Promise<void>;
}
