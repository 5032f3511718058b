import {
  dataCommitment,
  ERASURE_ACTION,
  erasureCommitment,
  readErasedData,
  type ErasedEntry,
} from '../../domain/audit/erasure.js';
import { SERVICE_LABEL } from '../../domain/jobs/labels.js';
import { nativeSha256 } from '../audit/native-sha256.js';
import { requireAllowed, type Principal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { UsineError } from '../errors.js';
import type { ExportedJob } from '../ports/exchange-store.js';

const PAGE = 1000;

/** What an erasure keeps, and why: listed in its audit entry and in docs/erasure.md. */
export const KEPT_AFTER_ERASURE = [
  {
    what: 'usage records and invoices',
    why: 'accounting law: invoices and the records they are computed from are kept 10 years (FR Code de commerce L123-22)',
  },
  { what: 'the tenant’s name and id', why: 'the party the invoices are addressed to' },
  {
    what: 'job and service ids, times, resources, sites, placement decisions, states and exit codes',
    why: 'what was run and billed; no personal data',
  },
  {
    what: 'audit entries: their hash, link, action, subject and time; erased data as its SHA-256',
    why: 'the chain must stay verifiable; the hash commits to what was erased without holding it',
  },
  {
    what: 'the command of each job, and service names',
    why: 'a service’s name is its address; commands are code',
  },
] as const;

export interface ErasureReport {
  readonly erasureId: string;
  readonly tenantId: string;
  readonly erased: {
    readonly jobs: number;
    readonly envValues: number;
    readonly labels: number;
    readonly launches: number;
    readonly logChunks: number;
    readonly serviceDocuments: number;
    readonly auditEntries: number;
  };
  readonly kept: typeof KEPT_AFTER_ERASURE;
  /** SHA-256 committing to the audit entries erased (seq, hash, SHA-256 of their data). */
  readonly commitment: string;
}

/**
 * Erases a tenant's personal data on request (GDPR Art. 17): spec `env` values, labels (Usine's
 * own `usine.dev/` labels aside), job names (pseudonymised), logs, and the data of its audit
 * entries that held any of them. The chain still verifies: an erased entry keeps its hash and
 * its data becomes the SHA-256 of what was erased, and the erasure's own entry (sealed before
 * any entry is erased) commits to the list (src/domain/audit/erasure.ts). Running it again
 * erases what came since.
 */
export async function eraseTenant(
  ctx: AppContext,
  principal: Principal,
  tenantId: string,
  reason: string,
): Promise<ErasureReport> {
  requireAllowed(principal, 'tenant.erase');
  if (reason.trim() === '')
    throw new UsineError('USINE_INVALID_REQUEST', 'reason: say whose request this erasure answers', [
      { path: 'reason', message: 'required' },
    ]);
  const tenant = await ctx.store.read((tx) => tx.getTenant(tenantId));
  if (!tenant) throw new UsineError('USINE_NOT_FOUND', `no tenant ${tenantId}`);
  const erasureId = ctx.ids.newId('era');
  const at = ctx.clock.now().toISOString();

  const jobs = await eraseJobs(ctx, tenantId);
  const serviceDocuments = await eraseServices(ctx, tenantId);
  await ctx.store.sealAudit();
  const entries = await listEntriesToErase(ctx, tenantId, erasureId);
  const commitment = erasureCommitment(entries, nativeSha256);
  const erased = { ...jobs, serviceDocuments, auditEntries: entries.length };
  await ctx.store.transaction((tx) =>
    tx.appendAudit({
      at,
      actor: `key:${principal.keyId}`,
      tenantId,
      action: ERASURE_ACTION,
      subject: tenantId,
      data: { erasure: erasureId, reason, commitment, erased, kept: KEPT_AFTER_ERASURE },
    }),
  );
  // the erasure is in the chain before any entry is erased: a verifier never meets an erased
  // entry whose erasure it cannot find
  await ctx.store.sealAudit();
  for (let from = 0; from < entries.length; from += PAGE) {
    const page = entries.slice(from, from + PAGE);
    await ctx.store.transaction((tx) => tx.applyAuditErasure(tenantId, page));
  }
  return { erasureId, tenantId, erased, kept: KEPT_AFTER_ERASURE, commitment };
}

async function eraseJobs(ctx: AppContext, tenantId: string) {
  const counts = { jobs: 0, envValues: 0, labels: 0, launches: 0, logChunks: 0 };
  let after: ExportedJob | undefined;
  for (;;) {
    const position = after && { createdAt: after.createdAt, id: after.id };
    const page = await ctx.store.read((tx) => tx.listTenantJobsAfter(tenantId, position, PAGE));
    if (page.length === 0) break;
    const rewritten = page.map((job) => {
      const replica = job.labels[SERVICE_LABEL] !== undefined;
      const name = replica ? job.name : `erased-${nativeSha256(job.id).slice(0, 8)}`;
      const { document, envValues } = eraseDocument(job.document, replica ? undefined : name);
      const labels = keepSystemLabels(job.labels);
      counts.envValues += envValues;
      counts.labels += Object.keys(job.labels).length - Object.keys(labels).length;
      // the placement's explanation names the job it placed
      const placement =
        typeof job.placement === 'object' && job.placement !== null && 'job' in job.placement
          ? { ...job.placement, job: name }
          : job.placement;
      return { id: job.id, name, labels, document, placement };
    });
    const ids = page.map((j) => j.id);
    await ctx.store.transaction(async (tx) => {
      counts.jobs += await tx.eraseJobs(rewritten);
      counts.launches += await tx.eraseLaunchEnv(ids);
      counts.logChunks += await tx.deleteJobLogs(ids);
    });
    after = page[page.length - 1];
    if (page.length < PAGE) break;
  }
  return counts;
}

async function eraseServices(ctx: AppContext, tenantId: string): Promise<number> {
  const documents = await ctx.store.read((tx) => tx.listTenantServiceDocuments(tenantId));
  let count = 0;
  await ctx.store.transaction(async (tx) => {
    for (const { serviceId, revision, document } of documents) {
      await tx.eraseServiceDocument(serviceId, revision, eraseDocument(document, undefined).document);
      count++;
    }
  });
  return count;
}

/** The tenant's sealed entries whose data names a job, labels or an environment, not erased yet. */
async function listEntriesToErase(
  ctx: AppContext,
  tenantId: string,
  erasureId: string,
): Promise<ErasedEntry[]> {
  const entries: ErasedEntry[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await ctx.store.read((tx) => tx.listTenantAudit(tenantId, afterSeq, 5000));
    for (const entry of page) {
      const data = entry.data;
      const personal =
        !readErasedData(data) &&
        !['tenant.create', ERASURE_ACTION].includes(entry.action) &&
        holdsPersonalKey(data);
      if (personal)
        entries.push({
          seq: entry.seq,
          erasureId,
          hash: entry.hash,
          dataSha256: dataCommitment(data, nativeSha256),
        });
    }
    const last = page[page.length - 1];
    if (!last) break;
    afterSeq = last.seq;
  }
  return entries;
}

/** Whether data holds a name, labels or an environment at any depth (a sealed report lists its jobs' names). */
function holdsPersonalKey(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  if (Array.isArray(data)) return data.some(holdsPersonalKey);
  return Object.entries(data).some(
    ([key, value]) => ['name', 'labels', 'env'].includes(key) || holdsPersonalKey(value),
  );
}

/** A spec without its personal fields: env values, labels, and (for a job) its name. */
function eraseDocument(
  document: unknown,
  name: string | undefined,
): { document: unknown; envValues: number } {
  if (typeof document !== 'object' || document === null) return { document, envValues: 0 };
  const doc = document as { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
  const metadata = { ...doc.metadata };
  delete metadata['labels'];
  if (name !== undefined) metadata['name'] = name;
  const env = doc.spec?.['env'];
  const envKeys = typeof env === 'object' && env !== null ? Object.keys(env) : [];
  const spec =
    envKeys.length > 0
      ? { ...doc.spec, env: Object.fromEntries(envKeys.map((k) => [k, '[erased]'])) }
      : doc.spec;
  return { document: { ...doc, metadata, ...(spec ? { spec } : {}) }, envValues: envKeys.length };
}

function keepSystemLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => key.startsWith('usine.dev/')));
}
