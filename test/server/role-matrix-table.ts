import type { Role } from '../../src/app/ports/records.js';
import type { RouteSpec } from '../../src/server/route-spec.js';

/** The ids the matrix calls routes with: the caller's tenant's, and another tenant's. */
export interface MatrixContext {
  readonly victim: TenantIds;
  readonly mine: TenantIds;
  /** This month, for invoice ids. */
  readonly month: string;
}

export interface TenantIds {
  readonly tenantId: string;
  readonly jobId: string;
  /** A fresh key of the tenant, for the routes that end it (revoke, rotate). */
  newKeyId(): Promise<string>;
  /** A fresh job of the tenant, for the routes that end it (cancel). */
  newJobId(): Promise<string>;
  readonly serviceName: string;
  /** A fresh service of the tenant, for the route that ends it (delete). */
  newServiceName(): Promise<string>;
}

/**
 * Who may call each route on their own resources (a tenant's roles on their tenant's; the
 * operator's keys on any). Every other role gets 403; on another tenant's resources every
 * tenant role and site credential gets 403 or 404. A new route needs its row here.
 */
export const ALLOWED: Readonly<Record<string, readonly Role[]>> = {
  createTenant: ['admin'],
  listTenants: ['admin', 'owner', 'viewer', 'auditor'],
  createApiKey: ['admin', 'owner'],
  createSiteKey: ['admin'],
  listTenantKeys: ['admin', 'owner'],
  listKeys: ['admin', 'owner'],
  getCaller: ['admin', 'owner', 'member', 'viewer', 'auditor', 'service', 'agent', 'metering'],
  revokeKey: ['admin', 'owner'],
  rotateKey: ['admin', 'owner'],
  submitJob: ['owner', 'member'],
  previewPlacement: ['owner', 'member'],
  listJobs: ['admin', 'owner', 'member', 'viewer'],
  getJob: ['admin', 'owner', 'member', 'viewer'],
  cancelJob: ['owner', 'member'],
  getJobLogs: ['admin', 'owner', 'member', 'viewer'],
  streamJobEvents: ['admin', 'owner', 'member', 'viewer'],
  serveService: ['owner', 'member'],
  listServices: ['owner', 'member', 'viewer'],
  getService: ['owner', 'member', 'viewer'],
  scaleService: ['owner', 'member'],
  applyService: ['owner', 'member'],
  deleteService: ['owner', 'member'],
  listSites: ['admin', 'owner', 'member', 'viewer', 'auditor'],
  listProviders: ['admin', 'owner', 'member', 'viewer', 'auditor'],
  getProviderRfp: ['admin', 'owner', 'member', 'viewer', 'auditor'],
  getSummary: ['admin', 'owner', 'member', 'viewer', 'auditor'],
  listAudit: ['admin', 'owner', 'auditor'],
  verifyAudit: ['admin', 'owner', 'auditor'],
  listAuditCheckpoints: ['admin', 'owner', 'auditor'],
  getUsage: ['owner', 'auditor'],
  postUsage: ['admin', 'metering'],
  listUsageRecords: ['admin', 'owner', 'auditor'],
  // the operator only; the matrix holds no usage record, so its admin key gets past the role to 404
  // (NOT_FOUND_FOR; test/server/usage-corrections.test.ts corrects real ones)
  correctUsage: [],
  listInvoices: ['owner', 'auditor'],
  getInvoice: ['owner', 'auditor'],
  putBudget: ['owner'],
  listBudgets: ['owner', 'auditor'],
  putBilling: ['admin'],
  listNodes: ['admin', 'owner', 'member', 'viewer', 'auditor'],
  registerAgentNode: ['agent'],
  agentHeartbeat: ['agent'],
  claimAgentLaunches: ['agent'],
  reportAgentLaunch: [],
  shipAgentLaunchLog: [],
  exportTenant: ['admin', 'owner'],
  reportCompute: ['owner', 'auditor'],
  eraseTenant: ['admin'],
};

/**
 * Roles a route lets through that still find nothing on the matrix's resources: an agent asking
 * about a launch that is not its own (the matrix's jobs run on no agent) answers 404.
 */
export const NOT_FOUND_FOR: Readonly<Record<string, readonly Role[]>> = {
  reportAgentLaunch: ['agent'],
  shipAgentLaunchLog: ['agent'],
  correctUsage: ['admin'],
};

/** The agent the matrix's agent key speaks for: its site is the key's. */
const AGENT = { site: 'local', node: 'matrix-node', agentId: 'matrix-agent' };

const SPEC = (name: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name} }
spec:
  command: ["true"]
  resources: { gpus: 1 }
  duration: 1m
  placement: { sites: [sim-paris] }
`;

/** A Service on the simulated site, as the matrix serves it (its name is the caller's own). */
export const SERVICE = (name: string, project?: string) => `apiVersion: usine/v1
kind: Service
metadata: { name: ${name}${project ? `, project: ${project}` : ''} }
spec:
  command: ["serve"]
  resources: { gpus: 1 }
  placement: { sites: [sim-paris] }
`;

/** A valid body for each route that takes one (so that only the key decides the answer). */
export function bodyOf(route: RouteSpec): { text: string; type: string } | undefined {
  const json = (value: unknown) => ({ text: JSON.stringify(value), type: 'application/json' });
  const unique = Math.random().toString(36).slice(2, 10);
  switch (route.operationId) {
    case 'createTenant':
      return json({ name: `matrix-${unique}` });
    case 'createApiKey':
      return json({ role: 'viewer' });
    case 'createSiteKey':
      return json({ role: 'agent', site: 'local' });
    case 'rotateKey':
      return json({ grace: '0s' });
    case 'submitJob':
    case 'previewPlacement':
      return { text: SPEC(`matrix-${unique}`), type: 'application/yaml' };
    case 'serveService':
      return { text: SERVICE(`matrix-${unique}`), type: 'application/yaml' };
    case 'applyService':
      return { text: SERVICE('service-b', 'project-b'), type: 'application/yaml' };
    case 'scaleService':
      return json({ replicas: 1 });
    case 'postUsage':
      return json([]);
    case 'correctUsage':
      return json({ of: 'job_matrix#1', kind: 'void', reason: 'matrix' });
    case 'putBudget':
      return json({ limit: '100 EUR' });
    case 'eraseTenant':
      return json({ reason: 'the role matrix' });
    case 'putBilling':
      return json({ taxRate: '20%' });
    case 'registerAgentNode':
      return json({ ...AGENT, agentVersion: 'matrix', inventory: { gpus: [], cpus: 1, memoryMiB: 1024 } });
    case 'agentHeartbeat':
      return json({ ...AGENT, running: [] });
    case 'claimAgentLaunches':
      return json(AGENT);
    case 'reportAgentLaunch':
      return json({
        ...AGENT,
        state: 'running',
        exitCode: null,
        reason: null,
        agentHandle: null,
        startedAt: null,
        finishedAt: null,
      });
    case 'shipAgentLaunchLog':
      return json({ ...AGENT, offset: 0, text: 'hello' });
    default:
      if (route.body !== undefined)
        throw new Error(`${route.operationId}: no body in role-matrix-table.ts: add one`);
      return undefined;
  }
}
