import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { canonicalJson } from '../../domain/audit/canonical-json.js';
import { foreignSegmentPath, type ExportManifest } from '../../domain/exchange/export-manifest.js';
import { isFinished } from '../../domain/jobs/lifecycle.js';
import type { UsageRecord } from '../../domain/metering/usage-record.js';
import { readAuditPublicKey } from '../audit/audit-keys.js';
import type { Clock } from '../ports/clock.js';
import type { ExportedJob, ForeignAuditLine } from '../ports/exchange-store.js';
import type { JobEventRecord, TenantRecord } from '../ports/records.js';
import type { Store } from '../ports/store.js';
import { computeInvoices, toInvoiceView, type InvoiceView } from '../metering/read-invoices.js';
import {
  ExportRowError,
  fromBillingJson,
  fromBudgetJson,
  fromEventLine,
  fromJobLine,
  fromUsageLine,
} from './export-lines.js';
import { readLines, readWholeText, readYamlDocuments, type ExportSource } from './export-source.js';
import { FOREIGN_FILES } from './export-tenant.js';
import { verifyExport } from './verify-export.js';

const BATCH = 5000;
const JOB_BATCH = 1000;

/** An import refused before or while it wrote: each problem names the file and the row. */
export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

export interface ImportReport {
  readonly ok: boolean;
  readonly tenant: { readonly id: string; readonly name: string };
  readonly source: {
    readonly auditKeyId: string;
    readonly exportedAt: string;
    readonly manifestSha256: string;
  };
  /** Ids are kept as exported: none is mapped. */
  readonly ids: 'kept';
  readonly tenantCreated: boolean;
  /** Rows written now; 0 everywhere when the export was imported before. */
  readonly inserted: {
    readonly jobs: number;
    readonly events: number;
    readonly usage: number;
    readonly auditEntries: number;
  };
  /** Jobs not finished at the source, imported as cancelled (never run again here). */
  readonly cancelled: readonly string[];
  /** Jobs that ran without a final usage record: imported without their allocation, so never metered here. */
  readonly unmetered: readonly string[];
  /** Each exported invoice derived again from the imported usage and compared (its conversion aside). */
  readonly invoices: {
    readonly checked: number;
    readonly equal: number;
    readonly different: readonly string[];
  };
}

/**
 * Loads an export (docs/export-format.md) into this Usine, after verifying it whole: the
 * tenant with its id, usage, jobs and their events, budgets, billing settings, and its audit
 * entries as a foreign segment, verifiable against the exporting factory's key and never mixed
 * into this chain. Every write is keyed (ids, usage keys, event seqs, segment positions), so
 * importing twice changes nothing; the import is one audit entry here, written only when
 * something was new. Invoices are derived again from the imported usage and must equal the
 * exported ones to the cent; the final ones are then frozen as exported.
 */
export async function importTenant(
  deps: { readonly store: Store; readonly clock: Clock },
  source: ExportSource,
  options: { readonly by: string; readonly publicKeyPem?: string },
): Promise<ImportReport> {
  const verification = await verifyExport(
    source,
    options.publicKeyPem === undefined ? {} : { publicKeyPem: options.publicKeyPem },
  );
  if (!verification.ok)
    throw new ImportRefused(
      'the export does not verify: nothing was imported',
      verification.problems.map((p) => p.message),
    );
  const manifestText = await readWholeText(source, 'manifest.json');
  const manifest = JSON.parse(manifestText) as ExportManifest;
  const tenant = JSON.parse(await readWholeText(source, 'tenant.json')) as TenantRecord;
  const at = deps.clock.now().toISOString();
  const { store } = deps;
  const tenantCreated = await store.transaction(async (tx) => {
    const existing = await tx.getTenant(tenant.id);
    if (existing) {
      if (existing.name !== tenant.name)
        throw new ImportRefused(`tenant ${tenant.id} is ${existing.name} here, not ${tenant.name}`, []);
      return false;
    }
    if (await tx.findTenantByName(tenant.name))
      throw new ImportRefused(
        `a tenant named ${tenant.name} exists here with another id: ids are kept, not mapped; rename one first`,
        [],
      );
    await tx.createTenant(tenant);
    return true;
  });

  const usage = await importUsage(store, source, tenant.id);
  const jobs = await importJobs(store, source, tenant.id, usage.finalJobs);
  const events = await importEvents(store, source);
  await importSettings(store, source, tenant.id, at);
  const auditEntries = await importAuditSegments(store, source, tenant.id, at);
  const invoices = await checkInvoices(store, source, tenant.id, at);

  const inserted = { jobs: jobs.inserted, events, usage: usage.inserted, auditEntries };
  const report: ImportReport = {
    ok: invoices.different.length === 0,
    tenant: { id: tenant.id, name: tenant.name },
    source: {
      auditKeyId: manifest.source.auditKeyId,
      exportedAt: manifest.exportedAt,
      manifestSha256: createHash('sha256').update(manifestText, 'utf8').digest('hex'),
    },
    ids: 'kept',
    tenantCreated,
    inserted,
    cancelled: jobs.cancelled,
    unmetered: jobs.unmetered,
    invoices,
  };
  if (tenantCreated || Object.values(inserted).some((n) => n > 0))
    await store.transaction((tx) =>
      tx.appendAudit({
        at,
        actor: options.by,
        tenantId: tenant.id,
        action: 'tenant.import',
        subject: tenant.id,
        data: {
          source: report.source,
          ids: report.ids,
          tenantCreated,
          inserted,
          cancelled: jobs.cancelled.length,
          unmetered: jobs.unmetered.length,
          invoices: { checked: invoices.checked, equal: invoices.equal },
        },
      }),
    );
  return report;
}

/** Reads a JSON line, or refuses naming the file and line. */
function parseRow<T>(
  path: string,
  index: number,
  line: string,
  read: (row: Record<string, unknown>) => T,
): T {
  try {
    return read(JSON.parse(line) as Record<string, unknown>);
  } catch (error) {
    const why =
      error instanceof ExportRowError || error instanceof SyntaxError ? error.message : String(error);
    throw new ImportRefused(`${path}:${index + 1}: ${why}`, [`${path}:${index + 1}: ${why}`]);
  }
}

async function importUsage(
  store: Store,
  source: ExportSource,
  tenantId: string,
): Promise<{ inserted: number; finalJobs: Set<string> }> {
  const finalJobs = new Set<string>();
  let inserted = 0;
  let batch: UsageRecord[] = [];
  const flush = async () => {
    const records = batch;
    batch = [];
    if (records.length > 0) inserted += await store.transaction((tx) => tx.appendUsage(records));
  };
  let index = 0;
  for await (const line of readLines(source, 'usage.jsonl')) {
    const record = parseRow('usage.jsonl', index++, line, (row) => fromUsageLine(row, tenantId));
    if (record.isFinal && record.jobId) finalJobs.add(record.jobId);
    batch.push(record);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return { inserted, finalJobs };
}

async function importJobs(
  store: Store,
  source: ExportSource,
  tenantId: string,
  finalJobs: ReadonlySet<string>,
): Promise<{ inserted: number; cancelled: string[]; unmetered: string[] }> {
  const cancelled: string[] = [];
  const unmetered: string[] = [];
  let inserted = 0;
  let batch: ExportedJob[] = [];
  const flush = async () => {
    const jobs = batch;
    batch = [];
    if (jobs.length === 0) return;
    await store.transaction(async (tx) => {
      const written = new Set(await tx.importJobs(jobs));
      inserted += written.size;
      const skipped = jobs.filter((j) => !written.has(j.id));
      const found = new Map((await tx.listJobsById(skipped.map((j) => j.id))).map((j) => [j.id, j]));
      const clashes = skipped
        .filter((j) => found.get(j.id)?.tenantId !== tenantId)
        .map((j) =>
          found.has(j.id)
            ? `jobs.jsonl: ${j.id} is another tenant's job here: ids are kept, not mapped`
            : `jobs.jsonl: ${j.id}: project ${j.project} already has a job of Idempotency-Key ${j.idempotencyKey} here`,
        );
      if (clashes.length > 0)
        throw new ImportRefused(`${clashes.length} jobs clash with this Usine's`, clashes);
    });
  };
  const documents = readYamlDocuments(source, 'specs.yaml')[Symbol.asyncIterator]();
  let index = 0;
  for await (const line of readLines(source, 'jobs.jsonl')) {
    const next = await documents.next();
    const document: unknown = next.done ? undefined : parse(next.value);
    const job = parseRow('jobs.jsonl', index++, line, (row) => fromJobLine(row, tenantId, document));
    batch.push(importedForm(job, finalJobs, cancelled, unmetered));
    if (batch.length >= JOB_BATCH) await flush();
  }
  await flush();
  return { inserted, cancelled, unmetered };
}

/**
 * What a job becomes here: a job not finished at the source is cancelled (this Usine never ran
 * it, and must not run it again); a job that ran without a final usage record loses its
 * allocation (the metering here would bill it again, at this factory's prices).
 */
function importedForm(
  job: ExportedJob,
  finalJobs: ReadonlySet<string>,
  cancelled: string[],
  unmetered: string[],
): ExportedJob {
  let form = job;
  if (!isFinished(job.status)) {
    cancelled.push(job.id);
    form = { ...form, status: 'cancelled', reason: `imported: ${job.status} at the source when exported` };
  }
  if (job.startedAt !== null && job.allocation !== null && !finalJobs.has(job.id)) {
    unmetered.push(job.id);
    form = { ...form, allocation: null };
  }
  return form;
}

async function importEvents(store: Store, source: ExportSource): Promise<number> {
  let inserted = 0;
  let batch: JobEventRecord[] = [];
  const flush = async () => {
    const events = batch;
    batch = [];
    if (events.length > 0) inserted += await store.transaction((tx) => tx.importJobEvents(events));
  };
  let index = 0;
  for await (const line of readLines(source, 'events.jsonl')) {
    batch.push(parseRow('events.jsonl', index++, line, fromEventLine));
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return inserted;
}

async function importSettings(
  store: Store,
  source: ExportSource,
  tenantId: string,
  at: string,
): Promise<void> {
  const budgets = JSON.parse(await readWholeText(source, 'budgets.json')) as Record<string, unknown>[];
  const billing = JSON.parse(await readWholeText(source, 'billing.json')) as Record<string, unknown> | null;
  const read = <T>(
    path: string,
    index: number,
    value: Record<string, unknown>,
    from: (r: Record<string, unknown>) => T,
  ) => parseRow(path, index, JSON.stringify(value), from);
  await store.transaction(async (tx) => {
    for (const [i, budget] of budgets.entries())
      await tx.putBudget(tenantId, read('budgets.json', i, budget, fromBudgetJson), at);
    if (billing) await tx.putBillingSettings(tenantId, read('billing.json', 0, billing, fromBillingJson), at);
  });
}

/** The export's own segment (`audit/`) and the foreign ones it carried, each under its factory's key. */
async function importAuditSegments(
  store: Store,
  source: ExportSource,
  tenantId: string,
  at: string,
): Promise<number> {
  const paths = await source.list();
  const segments = [
    { dir: 'audit', key: 'public-key.pem' },
    ...paths
      .filter((p) => /^audit\/foreign\/[^/]+\/public-key\.pem$/.test(p))
      .map((p) => ({ dir: p.slice(0, -'/public-key.pem'.length), key: p })),
  ];
  let inserted = 0;
  for (const segment of segments) {
    const publicKeyPem = await readWholeText(source, segment.key);
    const { keyId } = readAuditPublicKey(publicKeyPem);
    await store.transaction((tx) => tx.putForeignAuditKey(keyId, publicKeyPem, at));
    for (const [kind, file] of FOREIGN_FILES) {
      const path = segment.dir === 'audit' ? `audit/${file}` : foreignSegmentPath(keyId, file);
      if (!paths.includes(path)) continue; // an export made before erasures were listed
      let batch: ForeignAuditLine[] = [];
      let position = 0;
      const flush = async () => {
        const lines = batch;
        batch = [];
        const n = await store.transaction((tx) => tx.importForeignAudit(keyId, tenantId, kind, lines));
        if (kind === 'entries') inserted += n;
      };
      for await (const line of readLines(source, path)) {
        batch.push({ position: ++position, line });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    }
  }
  return inserted;
}

/** Derives each exported invoice again from the usage imported; freezes the final ones that agree. */
async function checkInvoices(
  store: Store,
  source: ExportSource,
  tenantId: string,
  at: string,
): Promise<ImportReport['invoices']> {
  const exported = JSON.parse(await readWholeText(source, 'invoices.json')) as InvoiceView[];
  const different: string[] = [];
  let equal = 0;
  const withoutConversion = (view: InvoiceView) => canonicalJson({ ...view, converted: undefined });
  await store.transaction(async (tx) => {
    for (const invoice of exported) {
      const derived = (
        await computeInvoices(
          { catalog: { exchangeRates: undefined } },
          tx,
          tenantId,
          invoice.month,
          invoice.status,
        )
      )
        .map(toInvoiceView)
        .find((view) => view.id === invoice.id);
      if (!derived || withoutConversion(derived) !== withoutConversion(invoice)) {
        different.push(
          `${invoice.id}: ${derived ? `total ${derived.total} from the imported usage` : 'no such invoice from the imported usage'}, ${invoice.total} in the export`,
        );
        continue;
      }
      equal++;
      if (invoice.status === 'final')
        await tx.saveFinalInvoice(tenantId, invoice.month, invoice.currency, invoice, at);
    }
  });
  return { checked: exported.length, equal, different };
}
