import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { canonicalJson } from '../../domain/audit/canonical-json.js';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  exportFileFormat,
  foreignSegmentPath,
} from '../../domain/exchange/export-manifest.js';
import type { ExportFileEntry, ExportManifest } from '../../domain/exchange/export-manifest.js';
import { monthOf } from '../../domain/metering/month.js';
import type { AuditVerifier } from '../audit/audit-verifier.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { csvLine } from '../csv-line.js';
import { UsineError } from '../errors.js';
import { INVOICE_CSV_HEADER, invoiceCsvRows } from '../metering/render-invoice.js';
import { readTenantInvoices } from '../metering/read-invoices.js';
import type { ExportedJob, UsagePosition } from '../ports/exchange-store.js';
import type { TenantRecord } from '../ports/records.js';
import { CountedFile, type ExportSink } from './export-sink.js';
import {
  toBillingJson,
  toBudgetJson,
  toEventLine,
  toJobLine,
  toKeyLine,
  toUsageCsvRow,
  toUsageLine,
  USAGE_CSV_HEADER,
} from './export-lines.js';

/** Jobs read per statement (their events and logs with them), and ledger records. */
const JOB_PAGE = 1000;
const USAGE_PAGE = 10_000;
const AUDIT_PAGE = 5000;

export interface ExportPlan {
  readonly tenant: TenantRecord;
  readonly actor: string;
  readonly verifier: AuditVerifier;
}

/**
 * Who is exported, checked before any byte is written (so a refusal is still a problem+json):
 * a tenant's owner exports its own tenant; the operator names one.
 */
export async function planExport(
  ctx: AppContext,
  principal: Principal,
  tenantParam: string | undefined,
): Promise<ExportPlan> {
  requireAllowed(principal, 'tenant.export');
  if (!ctx.audit) throw new UsineError('USINE_NOT_READY', 'the audit verifier is not running here');
  let tenantId = principal.tenantId;
  if (tenantId !== null && tenantParam !== undefined && tenantParam !== tenantId)
    throw new UsineError('USINE_FORBIDDEN', 'a tenant key exports its own tenant only: leave tenant out');
  if (tenantId === null) {
    if (tenantParam === undefined)
      throw new UsineError('USINE_INVALID_REQUEST', 'tenant: the operator names the tenant to export', [
        { path: 'tenant', message: 'required with the operator key (?tenant=ten_…)' },
      ]);
    tenantId = tenantParam;
  }
  const id = tenantId;
  const tenant = await ctx.store.read((tx) => tx.getTenant(id));
  if (!tenant) throw new UsineError('USINE_NOT_FOUND', `no tenant ${id}`);
  return { tenant, actor: `key:${principal.keyId}`, verifier: ctx.audit };
}

/**
 * Writes everything the tenant owns (docs/export-format.md), page by page so memory stays
 * bounded, then the manifest and its signature. The export is itself an audit entry, and a
 * checkpoint is signed first, so the tenant checkpoints exported cover every entry exported.
 * Not a snapshot: rows written while it runs may show either state (`exportedAt` says when it began).
 */
export async function writeExport(
  ctx: AppContext,
  plan: ExportPlan,
  sink: ExportSink,
): Promise<ExportManifest> {
  const { tenant, verifier } = plan;
  const exportedAt = ctx.clock.now().toISOString();
  await ctx.store.transaction((tx) =>
    tx.appendAudit({
      at: exportedAt,
      actor: plan.actor,
      tenantId: tenant.id,
      action: 'tenant.export',
      subject: tenant.id,
      data: { format: EXPORT_FORMAT, version: EXPORT_VERSION },
    }),
  );
  await verifier.checkpointNow();
  const open = async (path: string) => {
    const format = exportFileFormat(path);
    if (!format) throw new Error(`export: ${path} is not a file of the format`);
    return new CountedFile(await sink.open(path), path, format);
  };
  const files: ExportFileEntry[] = [];
  const tenantFile = await open('tenant.json');
  await tenantFile.write(`${JSON.stringify(tenant, null, 2)}\n`);
  files.push(await tenantFile.close(1));
  files.push(...(await writeJobs(ctx, tenant.id, open)));
  files.push(await writeServices(ctx, tenant.id, open));
  files.push(...(await writeUsage(ctx, tenant.id, open)));
  files.push(...(await writeInvoices(ctx, tenant.id, open)));
  files.push(...(await writeSettings(ctx, tenant.id, open)));
  files.push(...(await writeAudit(ctx, tenant.id, verifier, open)));
  files.push(...(await writeForeignSegments(ctx, tenant.id, open)));
  const key = await open('public-key.pem');
  await key.write(verifier.publicKeyPem, 1);
  files.push(await key.close());

  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt,
    tenant: { id: tenant.id, name: tenant.name },
    source: { auditKeyId: verifier.keyId },
    files,
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const manifestFile = await sink.open('manifest.json');
  await manifestFile.write(text);
  await manifestFile.close();
  const signature = verifier.signExportManifest(createHash('sha256').update(text, 'utf8').digest('hex'));
  const sigFile = await sink.open('manifest.sig');
  await sigFile.write(`${JSON.stringify(signature, null, 2)}\n`);
  await sigFile.close();
  await sink.finish();
  return manifest;
}

type Open = (path: string) => Promise<CountedFile>;

/** jobs.jsonl, specs.yaml, events.jsonl and logs.jsonl, in one pass over the tenant's jobs. */
async function writeJobs(ctx: AppContext, tenantId: string, open: Open): Promise<ExportFileEntry[]> {
  const jobs = await open('jobs.jsonl');
  const specs = await open('specs.yaml');
  const events = await open('events.jsonl');
  const logs = await open('logs.jsonl');
  let after: ExportedJob | undefined;
  for (;;) {
    const position = after && { createdAt: after.createdAt, id: after.id };
    const page = await ctx.store.read((tx) => tx.listTenantJobsAfter(tenantId, position, JOB_PAGE));
    if (page.length === 0) break;
    const ids = page.map((j) => j.id);
    const [pageEvents, pageLogs] = await ctx.store.transaction(async (tx) => [
      await tx.listEventsOfJobs(ids),
      await tx.listLogChunksOfJobs(ids),
    ]);
    const eventsOf = groupBy(pageEvents, (e) => e.jobId);
    const logsOf = groupBy(pageLogs, (c) => c.jobId);
    for (const job of page) {
      await jobs.writeLine(toJobLine(job));
      await specs.write(`--- # ${job.id}\n${stringify(job.document, { lineWidth: 0 })}`, 1);
      for (const event of eventsOf.get(job.id) ?? []) await events.writeLine(toEventLine(event));
      for (const chunk of logsOf.get(job.id) ?? [])
        await logs.writeLine({
          jobId: chunk.jobId,
          offset: chunk.offset,
          base64: Buffer.from(chunk.data).toString('base64'),
        });
    }
    after = page[page.length - 1];
    if (page.length < JOB_PAGE) break;
  }
  return [await jobs.close(), await specs.close(), await events.close(), await logs.close()];
}

/** services.jsonl: each service (its replicas are jobs of jobs.jsonl) with every revision of its spec. */
async function writeServices(ctx: AppContext, tenantId: string, open: Open): Promise<ExportFileEntry> {
  const file = await open('services.jsonl');
  const { services, documents } = await ctx.store.transaction(async (tx) => ({
    services: await tx.listTenantServices(tenantId),
    documents: await tx.listTenantServiceDocuments(tenantId),
  }));
  for (const s of services)
    await file.writeLine({
      id: s.id,
      project: s.project,
      name: s.name,
      revision: s.revision,
      state: s.state,
      desiredReplicas: s.desiredReplicas,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      deletedAt: s.deletedAt,
      revisions: documents
        .filter((d) => d.serviceId === s.id && d.revision !== null)
        .map((d) => ({ revision: d.revision, document: d.document })),
    });
  return file.close();
}

/** usage.jsonl and usage.csv, the same rows, in one pass over the ledger. */
async function writeUsage(ctx: AppContext, tenantId: string, open: Open): Promise<ExportFileEntry[]> {
  const jsonl = await open('usage.jsonl');
  const csv = await open('usage.csv');
  await csv.write(csvLine(USAGE_CSV_HEADER));
  let after: UsagePosition | undefined;
  for (;;) {
    const position = after;
    const page = await ctx.store.read((tx) => tx.listUsageAfter(tenantId, position, USAGE_PAGE));
    let lines = '';
    let rows = '';
    for (const record of page) {
      lines += `${JSON.stringify(toUsageLine(record))}\n`;
      rows += csvLine(toUsageCsvRow(record));
    }
    await jsonl.write(lines, page.length);
    await csv.write(rows, page.length);
    const last = page[page.length - 1];
    if (!last || page.length < USAGE_PAGE) break;
    after = { start: last.start, key: last.key };
  }
  return [await jsonl.close(), await csv.close()];
}

/** Every month the ledger bills, up to this one: final invoices as frozen, the others as drafts. */
async function writeInvoices(ctx: AppContext, tenantId: string, open: Open): Promise<ExportFileEntry[]> {
  const json = await open('invoices.json');
  const csv = await open('invoices.csv');
  await csv.write(csvLine(INVOICE_CSV_HEADER));
  const current = monthOf(ctx.clock.now());
  const months = (await ctx.store.read((tx) => tx.listUsageMonths(tenantId))).filter((m) => m <= current);
  let count = 0;
  await json.write('[');
  for (const month of months) {
    for (const invoice of await readTenantInvoices(ctx, tenantId, month)) {
      // keys sorted: a frozen invoice reads back from jsonb in another order than it was computed in
      await json.write(`${count === 0 ? '\n' : ',\n'}${canonicalJson(invoice)}`, 1);
      const rows = invoiceCsvRows(invoice);
      await csv.write(rows.map(csvLine).join(''), rows.length);
      count++;
    }
  }
  await json.write(count === 0 ? ']\n' : '\n]\n');
  return [await json.close(), await csv.close()];
}

async function writeSettings(ctx: AppContext, tenantId: string, open: Open): Promise<ExportFileEntry[]> {
  const { budgets, billing, keys } = await ctx.store.transaction(async (tx) => ({
    budgets: await tx.listBudgets(tenantId),
    billing: await tx.getBillingSettings(tenantId),
    keys: await tx.listApiKeys(tenantId),
  }));
  const budgetFile = await open('budgets.json');
  await budgetFile.write(`${JSON.stringify(budgets.map(toBudgetJson), null, 2)}\n`, budgets.length);
  const billingFile = await open('billing.json');
  await billingFile.write(`${JSON.stringify(billing ? toBillingJson(billing) : null, null, 2)}\n`, 1);
  const keyFile = await open('keys.jsonl');
  for (const key of keys) await keyFile.writeLine(toKeyLine(key));
  return [await budgetFile.close(), await billingFile.close(), await keyFile.close()];
}

/**
 * The tenant's entries up to its latest tenant checkpoint (the one just signed), and the
 * tenant checkpoints of this factory's key: with public-key.pem, all `verifyTenantEntries` needs.
 */
async function writeAudit(
  ctx: AppContext,
  tenantId: string,
  verifier: AuditVerifier,
  open: Open,
): Promise<ExportFileEntry[]> {
  const entries = await open('audit/entries.jsonl');
  const checkpoints = await open('audit/tenant-checkpoints.jsonl');
  const latest = await ctx.store.read((tx) => tx.lastTenantCheckpoint(tenantId));
  const total = latest?.count ?? 0;
  let written = 0;
  let afterSeq = 0;
  while (written < total) {
    const page = await ctx.store.read((tx) => tx.listTenantAudit(tenantId, afterSeq, AUDIT_PAGE));
    if (page.length === 0) break;
    for (const entry of page.slice(0, total - written)) {
      const { seq, at, actor, action, subject, data, prevHash, hash } = entry;
      await entries.writeLine({
        seq,
        at,
        actor,
        tenantId: entry.tenantId,
        action,
        subject,
        data,
        prevHash,
        hash,
      });
      written++;
    }
    afterSeq = page[page.length - 1]?.seq ?? afterSeq;
  }
  let afterCount = 0;
  for (;;) {
    const page = await ctx.store.read((tx) => tx.listTenantCheckpoints(tenantId, afterCount, AUDIT_PAGE));
    for (const c of page)
      if (c.keyId === verifier.keyId)
        await checkpoints.writeLine({
          tenantId: c.tenantId,
          count: c.count,
          head: c.head,
          at: c.at,
          keyId: c.keyId,
          signature: c.signature,
        });
    const last = page[page.length - 1];
    if (!last || page.length < AUDIT_PAGE) break;
    afterCount = last.count;
  }
  const erasures = await open('audit/erasures.jsonl');
  for (const e of await ctx.store.read((tx) => tx.listAuditErasures(tenantId)))
    await erasures.writeLine({ seq: e.seq, erasure: e.erasureId, hash: e.hash, dataSha256: e.dataSha256 });
  return [await entries.close(), await checkpoints.close(), await erasures.close()];
}

/** The files of a foreign segment, by what the store keeps of it. */
export const FOREIGN_FILES = [
  ['entries', 'entries.jsonl'],
  ['checkpoints', 'tenant-checkpoints.jsonl'],
  ['erasures', 'erasures.jsonl'],
] as const;

/** Each foreign segment an import kept, line for line as its factory exported it. */
async function writeForeignSegments(
  ctx: AppContext,
  tenantId: string,
  open: Open,
): Promise<ExportFileEntry[]> {
  const files: ExportFileEntry[] = [];
  for (const { keyId, publicKeyPem } of await ctx.store.read((tx) => tx.listForeignAuditKeys(tenantId))) {
    for (const [kind, name] of FOREIGN_FILES) {
      const file = await open(foreignSegmentPath(keyId, name));
      let after = 0;
      for (;;) {
        const page = await ctx.store.read((tx) =>
          tx.listForeignAudit(keyId, tenantId, kind, after, AUDIT_PAGE),
        );
        await file.write(page.map((l) => `${l.line}\n`).join(''), page.length);
        const last = page[page.length - 1];
        if (!last || page.length < AUDIT_PAGE) break;
        after = last.position;
      }
      files.push(await file.close());
    }
    const key = await open(foreignSegmentPath(keyId, 'public-key.pem'));
    await key.write(publicKeyPem, 1);
    files.push(await key.close());
  }
  return files;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
