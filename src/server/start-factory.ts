import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { AppContext } from '../app/context.js';
import { LivePlacement } from '../app/jobs/live-placement.js';
import type { Clock } from '../app/ports/clock.js';
import type { RateLimits } from './rate-limits.js';
import type { Executor } from '../app/ports/executor.js';
import type { Store } from '../app/ports/store.js';
import { bootstrapAdminKey } from '../app/tenants/bootstrap-admin.js';
import type { Catalog, Site } from '../domain/catalog/catalog.js';
import { DEFAULT_FLEET_SETTINGS, type FleetSettings } from '../app/fleet/fleet-settings.js';
import { AgentExecutor, createSlurmExecutor, PeerExecutor, SimulatedExecutor } from '../executors/index.js';
import type { AuditKeys } from '../app/audit/audit-keys.js';
import { resolveJobIsolation } from '../executors/local/job-isolation.js';
import { describeAuditFailure } from './audit-guard.js';
import { startAudit, type AuditOptions } from './start-audit.js';
import { buildServer } from './build-server.js';
import { checkLocalIsolation } from './check-local-isolation.js';
import { openDataDir } from './data-dir/open-data-dir.js';
import type { DataDirLock } from './data-dir/lock-data-dir.js';
import { writeAdminKey } from './data-dir/write-admin-key.js';
import type { EdgeLimits } from './edge-options.js';
import { JobNotifier } from './job-notifier.js';
import { ServerMetrics } from './metrics.js';
import { createRandomIds } from './random-ids.js';
import { ReconcilerLoop } from './reconciler-loop.js';
import { RetentionLoop, type RetentionSettings } from './retention-loop.js';
import { logJobMove } from './log-job-move.js';
import { failReplica } from '../app/services/fail-replica.js';
import { ServiceGateway } from '../gateway/service-gateway.js';
import type { GatewayLimits } from '../gateway/gateway-routes.js';
import { startEmbeddedAgents } from './start-embedded-agents.js';

export interface FactoryOptions {
  readonly catalog: Catalog;
  readonly dataDir: string;
  readonly databaseUrl?: string;
  readonly host: string;
  readonly port: number;
  /** Simulated sites run this many times faster than real time (3600: an hour in a second). */
  readonly timeScale: number;
  readonly reconcileIntervalMs: number;
  readonly logger: FastifyServerOptions['logger'];
  readonly rateLimit: RateLimits;
  readonly version: string;
  /** Live keys a tenant may hold (default 100). */
  readonly maxKeysPerTenant?: number;
  /** Timeouts, sizes and the stream heartbeat at the HTTP edge (default DEFAULT_EDGE_LIMITS). */
  readonly limits?: EdgeLimits;
  /** When set, GET /metrics needs this as a bearer key. */
  readonly metricsKey?: string;
  readonly clock?: Clock;
  /** An already open store (tests share one). */
  readonly store?: Store;
  /** Checkpoints and their witness file (src/server/start-audit.ts). */
  readonly audit?: AuditOptions;
  /** Agents' heartbeat and grace period; default DEFAULT_FLEET_SETTINGS. */
  readonly fleet?: FleetSettings;
  /** Prune finished jobs' events and logs past this age (absent: keep everything). */
  readonly retention?: RetentionSettings;
  /** Per-key call rate and budget refresh of the gateway (default: see GatewayLimits). */
  readonly gatewayLimits?: GatewayLimits;
  /** Run an agent in this process for each `local` site (default true; false: agents run elsewhere). */
  readonly embeddedAgents?: boolean;
  /** The built console served at `/` (default this checkout's web/dist). */
  readonly consoleDir?: string;
}

export interface RunningFactory {
  readonly url: string;
  /** The admin key's secret, only on the very first start. */
  readonly adminKey: string | undefined;
  readonly ctx: AppContext;
  /** Sites of the catalog no backend runs here (e.g. slurm before it is configured). */
  readonly idleSites: readonly string[];
  /** What the operator should know at start (a local site fit for one tenant only). */
  readonly notices: readonly string[];
  close(): Promise<void>;
}

/**
 * The composition root of `usine up`: the store (PGlite under the data dir, or PostgreSQL),
 * an executor per site of the catalog, the API and the reconciler loop.
 */
export async function startFactory(options: FactoryOptions): Promise<RunningFactory> {
  const { store, lock, auditKeys } = await openDataDir(options.dataDir, options);
  try {
    return await startOnStore(options, store, lock, auditKeys);
  } catch (error) {
    if (!options.store) await store.close().catch(() => undefined);
    await lock.release();
    throw error;
  }
}

async function startOnStore(
  options: FactoryOptions,
  store: Store,
  lock: DataDirLock,
  auditKeys: AuditKeys,
): Promise<RunningFactory> {
  const clock = options.clock ?? { now: () => new Date() };
  const executors = new Map<string, Executor>();
  const idleSites: string[] = [];
  // the embedded agents run jobs with the local runner's default isolation
  const notices = options.catalog.sites
    .filter((site) => site.backend.type === 'local')
    .map((site) => checkLocalIsolation(site, resolveJobIsolation()))
    .filter((notice) => notice !== undefined);
  const fleet = options.fleet ?? DEFAULT_FLEET_SETTINGS;
  for (const site of options.catalog.sites) {
    const executor = createExecutor(site, options, clock, store, fleet);
    if (executor) executors.set(site.name, executor);
    else idleSites.push(site.name);
  }
  const notifier = new JobNotifier();
  const metrics = new ServerMetrics();
  // the loop needs the context, and the context pokes the loop: wired after both exist
  const wiring: { loop?: ReconcilerLoop; log?: FastifyBaseLogger } = {};
  const audit = await startAudit({
    store,
    clock,
    keys: auditKeys,
    dataDir: options.dataDir,
    options: options.audit,
    onFailure: (failure) => wiring.log?.error({ audit: failure }, describeAuditFailure(failure)),
    onError: (error) => wiring.log?.error({ err: error }, 'audit verification failed'),
  });
  const gateway = new ServiceGateway(
    { store, executors, clock },
    {
      onLivenessFailure: (jobId, reason) => failReplica(ctx, jobId, reason),
      // a request held at zero replicas: the autoscaler decides at the next pass, now
      onHeld: () => wiring.loop?.poke(),
    },
  );
  const ctx: AppContext = {
    audit,
    traffic: gateway,
    store,
    clock,
    ids: createRandomIds(clock),
    catalog: options.catalog,
    executors,
    ...(options.maxKeysPerTenant !== undefined ? { maxKeysPerTenant: options.maxKeysPerTenant } : {}),
    livePlacement: new LivePlacement(),
    fleet,
    onJobChange: (jobId, move) => {
      if (move && wiring.log) logJobMove(wiring.log, jobId, move);
      notifier.notify(jobId);
      wiring.loop?.poke();
    },
  };
  const adminKey = await bootstrapAdminKey(ctx);
  if (adminKey) await writeAdminKey(options.dataDir, adminKey);
  const { app } = buildServer({
    ctx,
    notifier,
    metrics,
    version: options.version,
    logger: options.logger,
    rateLimit: options.rateLimit,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.metricsKey ? { metricsKey: options.metricsKey } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    gateway,
    ...(options.gatewayLimits ? { gatewayLimits: options.gatewayLimits } : {}),
  });
  wiring.log = app.log;
  if (audit.failure)
    app.log.error({ audit: audit.failure }, `${describeAuditFailure(audit.failure)}: writes refused`);
  const address = await app
    .listen({ host: options.host, port: options.port })
    .catch(async (error: unknown) => {
      // the port is taken (EADDRINUSE) or refused: leave nothing open behind the error
      await app.close();
      await audit.stop(false);
      for (const executor of executors.values()) await executor.close();
      throw error;
    });
  const url = address.replace('[::1]', 'localhost');
  writeFileSync(join(options.dataDir, 'client.json'), `${JSON.stringify({ url }, null, 2)}\n`);
  // registered before the first pass, so the local site's GPUs are there from the start
  const agents =
    options.embeddedAgents === false
      ? []
      : await startEmbeddedAgents(ctx, {
          url,
          dataDir: options.dataDir,
          version: options.version,
          log: app.log,
        });
  const loop = new ReconcilerLoop(ctx, metrics, app.log, options.reconcileIntervalMs);
  wiring.loop = loop;
  loop.start();
  gateway.start();
  const retention = options.retention && new RetentionLoop(ctx, options.retention, app.log);
  retention?.start();
  return {
    url,
    adminKey,
    ctx,
    idleSites,
    notices,
    async close() {
      await retention?.stop();
      await loop.stop();
      await gateway.stop();
      for (const agent of agents) await agent.stop();
      await app.close();
      // a last checkpoint covers what this process sealed: a later cut is seen at the next start
      await audit
        .stop(true)
        .catch((error: unknown) => app.log.error({ err: error }, 'audit checkpoint failed'));
      for (const executor of executors.values()) await executor.close();
      // leave the chain whole: the next start (or another replica) would seal them anyway
      await store
        .sealAudit()
        .catch((error: unknown) => app.log.error({ err: error }, 'audit sealing failed'));
      if (!options.store) await store.close();
      await lock.release();
    },
  };
}

/** The backend of a site, by what the catalog says; slurm and peer come with their issue. */
function createExecutor(
  site: Site,
  options: FactoryOptions,
  clock: Clock,
  store: Store,
  fleet: FleetSettings,
): Executor | undefined {
  switch (site.backend.type) {
    case 'local':
      // the site's hosts run `usine agent` (this process runs one itself, see startEmbeddedAgents)
      return new AgentExecutor({
        store,
        clock,
        site: site.name,
        graceSeconds: fleet.graceSeconds,
        expected: site.capacity,
        onWarning: (message) => process.emitWarning(message),
      });
    case 'simulated':
      return new SimulatedExecutor({
        clock,
        timeScale: site.backend.timeScale ?? options.timeScale,
        site: site.name,
        capacity: [...site.capacity],
        workDir: join(options.dataDir, 'sites', site.name),
      });
    case 'slurm':
      return createSlurmExecutor(site, { workDir: join(options.dataDir, 'sites', site.name, 'slurm-jobs') });
    case 'peer':
      return new PeerExecutor({
        url: site.backend.url ?? '',
        tokenFile: site.backend.tokenFile,
        remoteSite: site.backend.partition,
        site: site.name,
        capacity: site.capacity,
      });
    default:
      return undefined;
  }
}
