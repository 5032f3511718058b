import { Pool } from 'undici';
import type { AppContext } from '../app/context.js';
import { readStoredSpec } from '../app/jobs/read-job-spec.js';
import type { RoutedService } from '../app/ports/service-store.js';
import type { ReplicaTraffic, ServiceMeasures, ServiceTraffic } from '../app/ports/service-traffic.js';
import { chooseReplica } from '../domain/services/choose-replica.js';
import type { ServiceSettings } from '../domain/spec/service-spec.js';
import type { TokenUsage } from '../domain/services/read-usage.js';
import { probeReplica } from './probe-replica.js';
import { TokenMeter } from './token-meter.js';
import { TrafficWindow } from './traffic-window.js';

export interface GatewayOptions {
  /** How often services and replicas are read again from the store; default 250 ms. */
  readonly refreshMs?: number;
  /** While a replica is not ready yet, it is probed this often (then at its readiness interval); default 250 ms. */
  readonly startupProbeMs?: number;
  /** Told when a replica failed its liveness probe `failureThreshold` times in a row. */
  readonly onLivenessFailure?: (jobId: string, reason: string) => Promise<void>;
  /** Connections per replica; default 256. */
  readonly connections?: number;
  /** Told when a request is held for want of a ready replica (the autoscaler should look now). */
  readonly onHeld?: (serviceId: string) => void;
}

/** One replica the gateway routes to: where it listens, its health and its load. */
export interface Replica {
  readonly jobId: string;
  readonly endpoint: string;
  readonly pool: Pool;
  inflight: number;
  ready: boolean;
  passes: number;
  failures: number;
  livenessFailures: number;
  problem: string | null;
  nextReadinessAt: number;
  nextLivenessAt: number;
  probing: boolean;
  /** Being stopped: never ready again, whatever its probes say. */
  draining: boolean;
}

/** One service as the gateway routes it. */
export interface RoutedEntry {
  service: RoutedService;
  settings: ServiceSettings;
  readonly replicas: Map<string, Replica>;
  readonly traffic: TrafficWindow;
  inflight: number;
  turn: number;
  /** When the last request arrived (the clock's ms); null: none yet. */
  lastRequestAt: number | null;
  /** Requests held until a replica is ready (scale from zero, start-up). */
  readonly waiters: Set<() => void>;
}

/**
 * The gateway's table of services and their replicas, in memory, rebuilt from the store every
 * `refreshMs` (any server replica can route: the store is the truth, this is a cache), with
 * each replica's readiness and liveness probed here and its requests in flight counted here.
 * A replica takes traffic only once its readiness probe passed.
 */
export class ServiceGateway implements ServiceTraffic {
  private readonly byName = new Map<string, RoutedEntry>();
  private readonly byId = new Map<string, RoutedEntry>();
  private readonly replicas = new Map<string, Replica>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;
  private readonly meter: TokenMeter;

  constructor(
    private readonly ctx: Pick<AppContext, 'store' | 'executors' | 'clock'>,
    private readonly options: GatewayOptions = {},
  ) {
    this.meter = new TokenMeter(ctx.store, ctx.clock);
  }

  start(): void {
    const refresh = () => {
      this.refreshTimer = setTimeout(() => {
        void this.refresh().finally(() => {
          if (!this.stopped) refresh();
        });
      }, this.options.refreshMs ?? 250);
      this.refreshTimer.unref();
    };
    void this.refresh().finally(refresh);
    this.meter.start();
    this.probeTimer = setInterval(() => this.probeDue(), 50);
    this.probeTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.refreshTimer);
    clearInterval(this.probeTimer);
    await this.refreshing;
    await this.meter.stop();
    for (const entry of this.byId.values()) for (const waiter of entry.waiters) waiter();
    await Promise.all([...this.replicas.values()].map((r) => r.pool.destroy().catch(() => undefined)));
    this.replicas.clear();
  }

  /** The service at `/s/<tenant>/<service>`, asking the store when it is not in the table yet. */
  async lookup(tenantName: string, name: string): Promise<RoutedEntry | undefined> {
    const known = this.byName.get(`${tenantName}/${name}`);
    if (known) return known;
    const service = await this.ctx.store.read((tx) => tx.findRoutedService(tenantName, name));
    return service && this.upsertService(service);
  }

  /**
   * A ready replica for one request (least outstanding requests), waiting up to `timeoutMs` for
   * one to become ready; undefined when none did. The caller must `release` it.
   */
  async acquire(entry: RoutedEntry, timeoutMs: number, exclude?: Replica): Promise<Replica | undefined> {
    const deadline = Date.now() + timeoutMs;
    entry.lastRequestAt = this.ctx.clock.now().getTime();
    for (;;) {
      const ready = [...entry.replicas.values()].filter((r) => r.ready && r !== exclude);
      const chosen = chooseReplica(
        ready.map((r) => ({ id: r.jobId, inflight: r.inflight, replica: r })),
        entry.turn++,
      );
      if (chosen) {
        chosen.replica.inflight++;
        entry.inflight++;
        return chosen.replica;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.stopped) return undefined;
      if (entry.waiters.size === 0) this.options.onHeld?.(entry.service.id);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          entry.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        entry.waiters.add(wake);
      });
    }
  }

  release(entry: RoutedEntry, replica: Replica, latencyMs: number | undefined): void {
    replica.inflight--;
    entry.inflight--;
    if (latencyMs !== undefined) entry.traffic.record(Date.now(), latencyMs);
  }

  /** An answered request of an OpenAI-style endpoint: its tokens, counted for the calling key. */
  countTokens(entry: RoutedEntry, keyId: string, usage: TokenUsage | undefined): void {
    entry.traffic.promptTokens += usage?.promptTokens ?? 0;
    entry.traffic.completionTokens += usage?.completionTokens ?? 0;
    this.meter.count(entry.service, keyId, usage);
  }

  /** Counted tokens go to the store now (tests, shutdown). */
  flushTokens(): Promise<void> {
    return this.meter.flush();
  }

  /** A replica that refused a connection takes no traffic until its readiness probe passes again. */
  markUnreachable(replica: Replica, reason: string): void {
    replica.ready = false;
    replica.passes = 0;
    replica.problem = reason;
    replica.nextReadinessAt = Date.now();
  }

  drain(jobId: string): void {
    const replica = this.replicas.get(jobId);
    if (!replica) return;
    replica.ready = false;
    replica.draining = true;
    replica.problem = 'draining: it is being stopped';
  }

  isReady(jobId: string): boolean {
    return this.replicas.get(jobId)?.ready ?? false;
  }

  describeReplica(jobId: string): ReplicaTraffic | undefined {
    const r = this.replicas.get(jobId);
    return r && { endpoint: r.endpoint, ready: r.ready, inflight: r.inflight, problem: r.problem };
  }

  describeService(serviceId: string): ServiceMeasures {
    const entry = this.byId.get(serviceId);
    const now = Date.now();
    const last = entry?.lastRequestAt ?? null;
    return {
      inflight: entry?.inflight ?? 0,
      held: entry?.waiters.size ?? 0,
      idleSeconds: last === null ? null : (this.ctx.clock.now().getTime() - last) / 1000,
      rps: entry?.traffic.rps(now) ?? 0,
      p50Ms: entry?.traffic.percentile(now, 0.5) ?? null,
      p99Ms: entry?.traffic.percentile(now, 0.99) ?? null,
      requests: entry?.traffic.requests ?? 0,
      promptTokens: entry?.traffic.promptTokens ?? 0,
      completionTokens: entry?.traffic.completionTokens ?? 0,
    };
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.readStore().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readStore(): Promise<void> {
    try {
      const services = await this.ctx.store.read((tx) => tx.listActiveServices());
      const live = new Set(services.map((s) => s.id));
      for (const [id, entry] of this.byId) if (!live.has(id)) this.removeService(entry);
      for (const service of services) {
        const entry = this.upsertService(service);
        await this.readReplicas(entry);
      }
    } catch {
      // the store is away: route with what is known until it answers again
    }
  }

  private upsertService(service: RoutedService): RoutedEntry {
    const known = this.byId.get(service.id);
    if (known && known.service.revision === service.revision) {
      known.service = service;
      return known;
    }
    const settings = readStoredSpec(`${service.id}@${service.revision}`, service.document).service;
    if (!settings) throw new Error(`service ${service.id} holds no Service spec`);
    if (known) {
      known.service = service;
      known.settings = settings;
      return known;
    }
    const entry: RoutedEntry = {
      service,
      settings,
      replicas: new Map(),
      traffic: new TrafficWindow(),
      inflight: 0,
      turn: 0,
      lastRequestAt: null,
      waiters: new Set(),
    };
    this.byId.set(service.id, entry);
    this.byName.set(`${service.tenantName}/${service.name}`, entry);
    return entry;
  }

  private removeService(entry: RoutedEntry): void {
    this.byId.delete(entry.service.id);
    this.byName.delete(`${entry.service.tenantName}/${entry.service.name}`);
    for (const replica of entry.replicas.values()) this.removeReplica(entry, replica);
    for (const waiter of entry.waiters) waiter();
  }

  private async readReplicas(entry: RoutedEntry): Promise<void> {
    const jobs = await this.ctx.store.read((tx) => tx.listLiveReplicas(entry.service.id));
    const running = jobs.filter((j) => j.status === 'running' && j.handle && j.site);
    const ids = new Set(running.map((j) => j.id));
    for (const replica of entry.replicas.values())
      if (!ids.has(replica.jobId)) this.removeReplica(entry, replica);
    for (const job of running) {
      if (entry.replicas.has(job.id) || !job.handle || !job.site) continue;
      const status = await this.ctx.executors.get(job.site)?.status(job.handle);
      if (!status?.endpoint || status.state !== 'running') continue;
      const replica: Replica = {
        jobId: job.id,
        endpoint: status.endpoint,
        pool: new Pool(status.endpoint, {
          connections: this.options.connections ?? 256,
          keepAliveTimeout: 30_000,
        }),
        inflight: 0,
        ready: false,
        passes: 0,
        failures: 0,
        livenessFailures: 0,
        problem: 'not probed yet',
        nextReadinessAt: 0,
        nextLivenessAt: Infinity,
        probing: false,
        draining: false,
      };
      entry.replicas.set(job.id, replica);
      this.replicas.set(job.id, replica);
    }
  }

  private removeReplica(entry: RoutedEntry, replica: Replica): void {
    entry.replicas.delete(replica.jobId);
    this.replicas.delete(replica.jobId);
    // requests in flight finish; the pool closes after them
    void replica.pool.close().catch(() => undefined);
  }

  private probeDue(): void {
    const now = Date.now();
    for (const entry of this.byId.values()) {
      for (const replica of entry.replicas.values()) {
        if (replica.probing || replica.draining) continue;
        if (now >= replica.nextReadinessAt) void this.probeReadiness(entry, replica);
        else if (now >= replica.nextLivenessAt) void this.probeLiveness(entry, replica);
      }
    }
  }

  private async probeReadiness(entry: RoutedEntry, replica: Replica): Promise<void> {
    const probe = entry.settings.readiness;
    replica.probing = true;
    const problem = await probeReplica(replica.pool, probe);
    replica.probing = false;
    if (problem === null) {
      replica.passes++;
      replica.failures = 0;
      if (!replica.ready && replica.passes >= probe.successThreshold) {
        replica.ready = true;
        replica.problem = null;
        if (entry.settings.liveness && replica.nextLivenessAt === Infinity)
          replica.nextLivenessAt = Date.now() + entry.settings.liveness.intervalSeconds * 1000;
        for (const waiter of entry.waiters) waiter();
      }
    } else {
      replica.failures++;
      replica.passes = 0;
      if (!replica.ready || replica.failures >= probe.failureThreshold) {
        replica.ready = false;
        replica.problem = `readiness probe GET ${probe.path}: ${problem}`;
      }
    }
    replica.nextReadinessAt =
      Date.now() + (replica.ready ? probe.intervalSeconds * 1000 : (this.options.startupProbeMs ?? 250));
  }

  private async probeLiveness(entry: RoutedEntry, replica: Replica): Promise<void> {
    const probe = entry.settings.liveness;
    if (!probe) return;
    replica.probing = true;
    const problem = await probeReplica(replica.pool, probe);
    replica.probing = false;
    replica.nextLivenessAt = Date.now() + probe.intervalSeconds * 1000;
    if (problem === null) {
      replica.livenessFailures = 0;
      return;
    }
    replica.livenessFailures++;
    if (replica.livenessFailures < probe.failureThreshold) return;
    const reason = `liveness probe GET ${probe.path} failed ${replica.livenessFailures} times in a row: ${problem}`;
    this.markUnreachable(replica, reason);
    replica.nextLivenessAt = Infinity;
    await this.options.onLivenessFailure?.(replica.jobId, reason).catch(() => undefined);
  }
}
