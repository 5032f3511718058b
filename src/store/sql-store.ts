import { createHmac, randomBytes } from 'node:crypto';
import type { AuditMac } from '../app/audit/audit-keys.js';
import type { NewJob, Store, StoreTx } from '../app/ports/store.js';
import {
  countPendingAudit,
  insertPendingAudit,
  sealAuditBatch,
  selectAuditEntries,
  selectAuditHash,
  selectAuditHead,
  selectAuditRejections,
} from './audit-queries.js';
import {
  insertCheckpoint,
  selectCheckpoints,
  selectLastTenantCheckpoint,
  selectTenantCheckpoints,
  selectTenantHeads,
} from './checkpoint-queries.js';
import {
  insertBudgetAlert,
  insertFinalInvoice,
  selectBillingSettings,
  selectBudgets,
  selectFinalInvoices,
  upsertBillingSettings,
  upsertBudget,
} from './billing-queries.js';
import {
  insertForeignAudit,
  insertForeignAuditKey,
  insertImportedEvents,
  insertImportedJobs,
  selectEventsOfJobs,
  selectForeignAudit,
  selectForeignAuditKeys,
  selectLogChunksOfJobs,
  selectTenantJobsAfter,
  selectTenantServices,
  selectUsageAfter,
  selectUsageMonths,
} from './exchange-queries.js';
import {
  applyAuditErasure,
  deleteJobLogs,
  selectAuditErasures,
  selectTenantServiceDocuments,
  updateErasedJobs,
  updateLaunchEnv,
  updateServiceDocument,
} from './erasure-queries.js';
import { pruneFinishedJobs } from './retention-queries.js';
import { insertJobEvent, selectJobEvents } from './job-event-queries.js';
import { selectModelJobs, selectUsageOfJobs } from './report-queries.js';
import {
  claimJobs,
  countJobsByStatus,
  countJobsBySite,
  insertJobs,
  selectAllocatedJobs,
  selectJob,
  selectJobs,
  selectJobsInStatus,
  updateJobReason,
  updateJobStart,
  updateJobRemotePlacement,
  updateJobStatus,
} from './job-queries.js';
import { GroupCommit } from './group-commit.js';
import { insertLaunchLog, selectLaunchLog } from './launch-log-queries.js';
import {
  claimNodeLaunches,
  insertLaunch,
  selectLaunch,
  selectOpenLaunches,
  updateLaunchCancel,
  updateLaunchLost,
  updateLaunchReport,
} from './launch-queries.js';
import { markUnreachable, selectNodes, updateNodeHeartbeat, upsertNode } from './node-queries.js';
import {
  insertService,
  insertServiceEvent,
  selectActiveServices,
  selectLaunchEndpoint,
  selectTokenTotals,
  upsertTokenUsage,
  selectLiveReplicas,
  selectRoutedService,
  selectService,
  selectServiceById,
  selectServiceEvents,
  selectServices,
  updateDesiredReplicas,
  updateReplicaSeq,
  updateServiceRevision,
  updateServiceRollBack,
  updateServiceDeleted,
} from './service-queries.js';
import type { SqlClient, SqlDatabase } from './sql-client.js';
import {
  countApiKeys,
  countLiveApiKeys,
  insertApiKey,
  selectApiKey,
  selectApiKeyByHash,
  selectApiKeys,
  updateApiKeyExpiry,
  updateApiKeyRevoked,
  updateApiKeysLastUsed,
} from './api-key-queries.js';
import {
  insertTenant,
  selectTenant,
  selectTenantByName,
  selectTenantForUpdate,
  selectTenants,
} from './tenant-queries.js';
import {
  insertUsage,
  selectJobsToMeter,
  selectLastUsageOfJob,
  lockUsageRecord,
  isUsageCorrected,
  selectUsage,
  sumUsage,
  sumUsageByPlace,
  selectJobsById,
} from './usage-queries.js';

/**
 * How many pending audit entries one sealing transaction moves: hashing them holds the event
 * loop (~25 µs each), so a batch stays a few milliseconds long and requests are not held up.
 */
const SEAL_BATCH = 200;
/**
 * The most submissions one group-commit statement writes: a batch of 12 already makes the
 * per-commit cost small, and 64 specs at the 1 MiB body limit stay far below jsonb's 256 MiB.
 */
const JOB_BATCH = 64;
/** Sealed audit entries between two reclaims of `audit_pending`'s space (PGlite: ~10 ms). */
const RECLAIM_AFTER = 10_000;

export interface SqlStoreOptions {
  /**
   * Authenticates queued audit entries (the audit key's MAC, `src/app/audit/audit-keys.ts`).
   * Without one, a key of this process alone: it seals only the entries it queued itself.
   */
  readonly auditMac?: AuditMac;
}

/** The application's Store over either database; every call of a StoreTx runs in its transaction. */
export function createSqlStore(db: SqlDatabase, options: SqlStoreOptions = {}): Store {
  const mac = options.auditMac ?? createProcessAuditMac();
  const jobCommits = new GroupCommit(
    // one statement, its own transaction: no BEGIN and COMMIT round trips around it
    (jobs: readonly NewJob[]) => db.autocommit((sql) => insertJobs(sql, jobs, mac)),
    JOB_BATCH,
  );
  // every sealed entry leaves a deleted row in audit_pending
  let sealedSinceReclaim = 0;
  return {
    transaction: (work) => db.transaction((sql) => work(bindStoreTx(sql, mac))),
    read: (work) => db.autocommit((sql) => work(bindStoreTx(sql, mac))),
    withExclusiveLock: (name, work) => db.withExclusiveLock(name, work),
    sealAudit: async () => {
      const sealed = await sealAudit(db, mac);
      sealedSinceReclaim += sealed;
      if (sealedSinceReclaim >= RECLAIM_AFTER) {
        sealedSinceReclaim = 0;
        await db.reclaim('audit_pending');
      }
      return sealed;
    },
    commitJob: (job) => jobCommits.submit(job),
    reclaimPruned: async () => {
      await db.reclaim('job_events');
      await db.reclaim('launch_logs');
    },
    close: () => db.close(),
  };
}

/** Seals batch after batch until one comes back short: the queue seen at that moment is empty. */
async function sealAudit(db: SqlDatabase, mac: AuditMac): Promise<number> {
  let sealed = 0;
  for (;;) {
    const moved = await db.transaction((sql) => sealAuditBatch(sql, SEAL_BATCH, mac));
    sealed += moved;
    if (moved < SEAL_BATCH) return sealed;
  }
}

/** A MAC key that lives and dies with this process (stores opened without the audit key). */
function createProcessAuditMac(): AuditMac {
  const key = randomBytes(32);
  return (text) => createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

function bindStoreTx(sql: SqlClient, mac: AuditMac): StoreTx {
  return {
    createTenant: (tenant) => insertTenant(sql, tenant),
    getTenant: (id) => selectTenant(sql, id),
    lockTenant: (id) => selectTenantForUpdate(sql, id),
    findTenantByName: (name) => selectTenantByName(sql, name),
    listTenants: () => selectTenants(sql),
    createApiKey: (key) => insertApiKey(sql, key),
    findApiKeyByHash: (secretHash) => selectApiKeyByHash(sql, secretHash),
    getApiKey: (id) => selectApiKey(sql, id),
    listApiKeys: (tenantId) => selectApiKeys(sql, tenantId),
    countApiKeys: (role) => countApiKeys(sql, role),
    countLiveApiKeys: (tenantId, at) => countLiveApiKeys(sql, tenantId, at),
    revokeApiKey: (id, at) => updateApiKeyRevoked(sql, id, at),
    expireApiKeyBy: (id, at) => updateApiKeyExpiry(sql, id, at),
    touchApiKeys: (ids, at) => updateApiKeysLastUsed(sql, ids, at),

    createJob: async (job) => {
      const [result] = await insertJobs(sql, [job], mac);
      if (!result) throw new Error('store: no answer for the job inserted');
      return result;
    },
    getJob: (tenantId, id) => selectJob(sql, tenantId, id),
    listJobs: (tenantId, filter) => selectJobs(sql, tenantId, filter),
    claimJobs: (statuses, limit) => claimJobs(sql, statuses, limit),
    listJobsInStatus: (status, perTenantAndSite) => selectJobsInStatus(sql, status, perTenantAndSite),
    countJobsByStatus: () => countJobsByStatus(sql),
    countJobsBySite: (tenantId) => countJobsBySite(sql, tenantId),
    listAllocatedJobs: () => selectAllocatedJobs(sql),
    transitionJob: (id, change) => updateJobStatus(sql, id, change),
    setJobReason: async (id, status, reason, at) => {
      const job = await updateJobReason(sql, id, status, reason, at);
      if (job) await insertJobEvent(sql, id, at, 'reason', { status, reason });
      return job;
    },
    recordJobStart: async (id, startedAt, at) => {
      const job = await updateJobStart(sql, id, startedAt, at);
      if (job) await insertJobEvent(sql, id, at, 'started', { startedAt });
      return job;
    },
    recordRemotePlacement: async (id, remote, at) => {
      const job = await updateJobRemotePlacement(sql, id, remote, at);
      if (job) await insertJobEvent(sql, id, at, 'remote-placement', { by: remote.by, site: remote.site });
      return job;
    },
    appendJobEvent: (jobId, at, type, data) => insertJobEvent(sql, jobId, at, type, data),
    listJobEvents: (jobId, afterSeq, limit) => selectJobEvents(sql, jobId, afterSeq, limit),

    appendAudit: (event) => insertPendingAudit(sql, event, mac),
    listAudit: (afterSeq, limit, filter) => selectAuditEntries(sql, afterSeq, limit, filter),
    countPendingAudit: () => countPendingAudit(sql),
    listTenantAudit: (tenantId, afterSeq, limit, filter) =>
      selectAuditEntries(sql, afterSeq, limit, { ...filter, tenantId }),
    auditHead: () => selectAuditHead(sql),
    auditHashAt: (seq) => selectAuditHash(sql, seq),
    listAuditRejections: (limit) => selectAuditRejections(sql, limit),
    saveCheckpoint: (checkpoint, tenants) => insertCheckpoint(sql, checkpoint, tenants),
    listCheckpoints: (afterCount, limit) => selectCheckpoints(sql, afterCount, limit),
    listTenantCheckpoints: (tenantId, afterCount, limit) =>
      selectTenantCheckpoints(sql, tenantId, afterCount, limit),
    lastTenantCheckpoint: (tenantId) => selectLastTenantCheckpoint(sql, tenantId),
    listTenantHeads: (throughSeq) => selectTenantHeads(sql, throughSeq),

    appendUsage: (records) => insertUsage(sql, records),
    listTenantJobsAfter: (tenantId, after, limit) => selectTenantJobsAfter(sql, tenantId, after, limit),
    listEventsOfJobs: (jobIds) => selectEventsOfJobs(sql, jobIds),
    listLogChunksOfJobs: (jobIds) => selectLogChunksOfJobs(sql, jobIds),
    listUsageAfter: (tenantId, after, limit) => selectUsageAfter(sql, tenantId, after, limit),
    listUsageMonths: (tenantId) => selectUsageMonths(sql, tenantId),
    listTenantServices: (tenantId) => selectTenantServices(sql, tenantId),
    listModelJobs: (tenantId, model) => selectModelJobs(sql, tenantId, model),
    eraseJobs: (jobs) => updateErasedJobs(sql, jobs),
    eraseLaunchEnv: (jobIds) => updateLaunchEnv(sql, jobIds),
    deleteJobLogs: (jobIds) => deleteJobLogs(sql, jobIds),
    pruneFinishedJobs: (before, limit, at) => pruneFinishedJobs(sql, before, limit, at),
    listTenantServiceDocuments: (tenantId) => selectTenantServiceDocuments(sql, tenantId),
    eraseServiceDocument: (serviceId, revision, document) =>
      updateServiceDocument(sql, serviceId, revision, document),
    applyAuditErasure: (tenantId, entries) => applyAuditErasure(sql, tenantId, entries),
    listAuditErasures: (tenantId) => selectAuditErasures(sql, tenantId),
    listUsageOfJobs: (jobIds, from, to) => selectUsageOfJobs(sql, jobIds, from, to),
    importJobs: (jobs) => insertImportedJobs(sql, jobs),
    importJobEvents: (events) => insertImportedEvents(sql, events),
    putForeignAuditKey: (keyId, publicKeyPem, at) => insertForeignAuditKey(sql, keyId, publicKeyPem, at),
    importForeignAudit: (keyId, tenantId, kind, lines) =>
      insertForeignAudit(sql, keyId, tenantId, kind, lines),
    listForeignAuditKeys: (tenantId) => selectForeignAuditKeys(sql, tenantId),
    listForeignAudit: (keyId, tenantId, kind, afterPosition, limit) =>
      selectForeignAudit(sql, keyId, tenantId, kind, afterPosition, limit),
    listUsage: (tenantId, range) => selectUsage(sql, tenantId, range),
    sumUsage: (tenantId, range) => sumUsage(sql, tenantId, range),
    sumUsageByPlace: () => sumUsageByPlace(sql),
    lastUsageOfJob: (jobId) => selectLastUsageOfJob(sql, jobId),
    lockUsageRecord: (key) => lockUsageRecord(sql, key),
    isUsageCorrected: (key) => isUsageCorrected(sql, key),
    listJobsToMeter: (limit) => selectJobsToMeter(sql, limit),
    listJobsById: (ids) => selectJobsById(sql, ids),
    putBudget: (tenantId, budget, at) => upsertBudget(sql, tenantId, budget, at),
    listBudgets: (tenantId) => selectBudgets(sql, tenantId),
    recordBudgetAlert: (tenantId, scope, month, threshold, at) =>
      insertBudgetAlert(sql, tenantId, scope, month, threshold, at),
    getBillingSettings: (tenantId) => selectBillingSettings(sql, tenantId),
    putBillingSettings: (tenantId, settings, at) => upsertBillingSettings(sql, tenantId, settings, at),
    listFinalInvoices: (tenantId, month) => selectFinalInvoices(sql, tenantId, month),
    saveFinalInvoice: (tenantId, month, currency, document, at) =>
      insertFinalInvoice(sql, tenantId, month, currency, document, at),

    registerNode: (node) => upsertNode(sql, node),
    recordHeartbeat: (site, name, agentId, at) => updateNodeHeartbeat(sql, site, name, agentId, at),
    listNodes: (site) => selectNodes(sql, site),
    markUnreachableNodes: (site, cutoff, at, reason) => markUnreachable(sql, site, cutoff, at, reason),
    assignLaunch: (jobId, site, node, request, at) => insertLaunch(sql, jobId, site, node, request, at),
    getLaunch: (jobId) => selectLaunch(sql, jobId),
    claimLaunches: (site, node, agentId, limit, at) => claimNodeLaunches(sql, site, node, agentId, limit, at),
    listOpenLaunches: (site, node) => selectOpenLaunches(sql, site, node),
    reportLaunch: (jobId, agentId, report, at) => updateLaunchReport(sql, jobId, agentId, report, at),
    requestLaunchCancel: (jobId, at) => updateLaunchCancel(sql, jobId, at),
    markLaunchLost: (jobId, reason, at) => updateLaunchLost(sql, jobId, reason, at),
    appendLaunchLog: (jobId, offset, data) => insertLaunchLog(sql, jobId, offset, data),
    readLaunchLog: (jobId, offset, maxBytes) => selectLaunchLog(sql, jobId, offset, maxBytes),

    createService: (service) => insertService(sql, service),
    getService: (tenantId, name) => selectService(sql, tenantId, name),
    getServiceById: (id) => selectServiceById(sql, id),
    findRoutedService: (tenantName, name) => selectRoutedService(sql, tenantName, name),
    listServices: (tenantId, project) => selectServices(sql, tenantId, project),
    listActiveServices: () => selectActiveServices(sql),
    setDesiredReplicas: (id, replicas, at) => updateDesiredReplicas(sql, id, replicas, at),
    takeReplicaNumber: (id) => updateReplicaSeq(sql, id),
    reviseService: (id, document, requestHash, at) =>
      updateServiceRevision(sql, id, document, requestHash, at),
    rollBackService: (id, revision, at) => updateServiceRollBack(sql, id, revision, at),
    deleteService: (id, at) => updateServiceDeleted(sql, id, at),
    appendServiceEvent: (serviceId, at, type, data) => insertServiceEvent(sql, serviceId, at, type, data),
    listServiceEvents: (serviceId, limit) => selectServiceEvents(sql, serviceId, limit),
    listLiveReplicas: (serviceId) => selectLiveReplicas(sql, serviceId),
    getLaunchEndpoint: (jobId) => selectLaunchEndpoint(sql, jobId),
    addTokenUsage: (rows) => upsertTokenUsage(sql, rows),
    sumTokenUsage: (serviceId) => selectTokenTotals(sql, serviceId),
  };
}
