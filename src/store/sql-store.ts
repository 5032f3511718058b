import type { Store, StoreTx } from '../app/ports/store.js';
import { insertAuditEntry, selectAuditEntries } from './audit-queries.js';
import { insertJobEvent, selectJobEvents } from './job-event-queries.js';
import {
  claimJobs,
  countJobsByStatus,
  insertJob,
  selectAllocatedJobs,
  selectJob,
  selectJobs,
  updateJobStatus,
} from './job-queries.js';
import type { SqlClient, SqlDatabase } from './sql-client.js';
import {
  countApiKeys,
  insertApiKey,
  insertTenant,
  selectApiKeyByHash,
  selectTenant,
  selectTenantByName,
  selectTenants,
} from './tenant-queries.js';

/** The application's Store over either database; every call of a StoreTx runs in its transaction. */
export function createSqlStore(db: SqlDatabase): Store {
  return {
    transaction: (work) => db.transaction((sql) => work(bindStoreTx(sql))),
    withExclusiveLock: (name, work) => db.withExclusiveLock(name, work),
    close: () => db.close(),
  };
}

function bindStoreTx(sql: SqlClient): StoreTx {
  return {
    createTenant: (tenant) => insertTenant(sql, tenant),
    getTenant: (id) => selectTenant(sql, id),
    findTenantByName: (name) => selectTenantByName(sql, name),
    listTenants: () => selectTenants(sql),
    createApiKey: (key) => insertApiKey(sql, key),
    findApiKeyByHash: (secretHash) => selectApiKeyByHash(sql, secretHash),
    countApiKeys: (role) => countApiKeys(sql, role),

    createJob: (job) => insertJob(sql, job),
    getJob: (tenantId, id) => selectJob(sql, tenantId, id),
    listJobs: (tenantId, filter) => selectJobs(sql, tenantId, filter),
    claimJobs: (statuses, limit) => claimJobs(sql, statuses, limit),
    countJobsByStatus: () => countJobsByStatus(sql),
    listAllocatedJobs: () => selectAllocatedJobs(sql),
    transitionJob: (id, change) => updateJobStatus(sql, id, change),
    appendJobEvent: (jobId, at, type, data) => insertJobEvent(sql, jobId, at, type, data),
    listJobEvents: (jobId, afterSeq, limit) => selectJobEvents(sql, jobId, afterSeq, limit),

    appendAudit: (event) => insertAuditEntry(sql, event),
    listAudit: (afterSeq, limit) => selectAuditEntries(sql, afterSeq, limit),
  };
}
