import { adoptPlacements } from './adopt-placements.js';
import { release, type Placement } from './allocation.js';
import { isReservationKept, planReservation, type Reservation } from './backfill-reservation.js';
import { createBinaryHeap, type BinaryHeap } from './binary-heap.js';
import { chooseVictims } from './choose-victims.js';
import type { ClusterState } from './cluster-state.js';
import { createDominantShares, type DominantShares } from './dominant-share.js';
import { applyPlacement, compileJobRequest, findPlacement, type PackingContext } from './find-placement.js';
import { createFreeCapacityIndex } from './free-capacity-index.js';
import type { PackingPolicy } from './packing-policy.js';
import {
  chargeQuota,
  isBeyondQuota,
  isWithinQuota,
  measureBorrowed,
  measureQuotaExcess,
  type QuotaBook,
} from './quota-book.js';
import {
  addRunningJob,
  createRunningJobs,
  removeRunningJob,
  type RunningJob,
  type RunningJobs,
} from './running-jobs.js';
import { measureJobMilli, type SiteJob } from './site-job.js';
import type { WaitReason, WaitReasonCode } from './wait-reason.js';

export interface SiteSchedulerOptions {
  readonly state: ClusterState;
  readonly book: QuotaBook;
  /** The packing policy that places GPU shares among a few candidate nodes (`best`). */
  readonly sharePolicy: PackingPolicy;
  /** How long a job that found nothing to preempt waits before looking again (default 60 s). */
  readonly preemptionRetrySeconds?: number;
  /**
   * Whether a preempted job goes back to its queue (default true: the simulator restarts it). The
   * control plane says false: there a preempted job ends `preempted`, it is not started again.
   */
  readonly requeuePreempted?: boolean;
}

/** A job taken in already running: where it runs, and how many of the GPUs it named were not free. */
export interface Adoption {
  readonly entry: RunningJob;
  readonly conflicts: number;
}

/** What a pass did, in order: the caller carries these out (launch, stop) and logs them. */
export type Decision =
  | { readonly kind: 'start'; readonly entry: RunningJob }
  | { readonly kind: 'preempt'; readonly entry: RunningJob; readonly by: number };

export interface SiteScheduler {
  readonly state: ClusterState;
  readonly book: QuotaBook;
  readonly running: RunningJobs;
  submit(job: SiteJob): void;
  /**
   * Registers a job already running on the given nodes and GPUs (local indices) of `model`: it
   * holds them and counts in its tenant's quota and share like a job this scheduler started. A
   * GPU another job already holds stays that job's (counted in `conflicts`): never twice.
   */
  adopt(job: SiteJob, model: number, placements: readonly Placement[], startedAt: number): Adoption;
  /** A running job ended: its resources and quota come back. */
  finish(id: number): RunningJob | undefined;
  /** One scheduling pass at `now`. */
  schedule(now: number): Decision[];
  /** Why a pending job waits, as of the last pass; undefined for a job not pending. */
  waitReason(id: number): WaitReason | undefined;
  currentReservation(): Reservation | undefined;
  pendingCount(): number;
  /** The pending jobs, in no particular order. */
  listPending(): SiteJob[];
}

/** Pending jobs of one tenant, priority and shape, in submission order: only the head is tried. */
interface JobQueue {
  readonly id: number;
  readonly tenant: number;
  readonly priority: number;
  /** Submitted jobs in submission order from `head` on. */
  jobs: SiteJob[];
  head: number;
  /** Preempted jobs back in the queue, earliest submission first (they go before later ones). */
  readonly returned: BinaryHeap<SiteJob>;
  reason: WaitReason | undefined;
}

/** The queue's next job: the earlier of the returned jobs and the submitted ones. */
function peekJob(queue: JobQueue): SiteJob | undefined {
  const submitted = queue.jobs[queue.head];
  const returned = queue.returned.peek();
  if (!returned) return submitted;
  return submitted && isEarlier(submitted, returned) ? submitted : returned;
}

function dropJob(queue: JobQueue, job: SiteJob): void {
  if (queue.returned.peek() === job) {
    queue.returned.pop();
    return;
  }
  queue.head++;
  if (queue.head > 1024 && queue.head * 2 > queue.jobs.length) {
    queue.jobs = queue.jobs.slice(queue.head);
    queue.head = 0;
  }
}

/** What one pass remembers: whether the reservation's holder came up, and quota held per tenant. */
interface Pass {
  holderSeen: boolean;
  readonly quotaHolds: Map<number, { readonly priority: number; readonly jobId: number }>;
}

interface HeapEntry {
  readonly queue: JobQueue;
  share: number;
  readonly submittedAt: number;
}

const CAPACITY_FAMILY = new Set<WaitReasonCode>(['CAPACITY', 'GANG', 'FRAGMENTATION']);

/** How many jobs behind a queue's head backfill looks at when the head is held by a reservation. */
const BACKFILL_LOOKAHEAD = 16;

/** True when a job waits only because its estimate runs past a reservation (not for quota held). */
function isHeldForReservation(reason: WaitReason | undefined): boolean {
  return (
    reason !== undefined &&
    (reason.code === 'RESERVED_FOR' || reason.code === 'PRIORITY') &&
    reason.expectedAt !== undefined
  );
}

/**
 * The site scheduler: quotas in cohorts with borrowing and reclaim, dominant-resource fair share,
 * priorities with preemption, gang admission and EASY backfill, on the packing core. See
 * README.md for the rules; a pass costs O(queues · log queues) plus, per job tried, a placement
 * read from the free-capacity index (a few nodes), never a scan of the site.
 */
export function createSiteScheduler(options: SiteSchedulerOptions): SiteScheduler {
  const { state, book } = options;
  const retry = options.preemptionRetrySeconds ?? 60;
  const isRequeued = options.requeuePreempted ?? true;
  const ctx: PackingContext = {
    state,
    index: createFreeCapacityIndex(state),
    sharePolicy: options.sharePolicy,
    requests: new Map(),
  };
  const running = createRunningJobs(state.nodes.length);
  let cpuTotal = 0;
  let memoryTotal = 0;
  for (const node of state.nodes) {
    cpuTotal += node.cpuMilli;
    memoryTotal += node.memoryMib;
  }
  const shares: DominantShares = createDominantShares(
    book.tenants.map((t) => t.weight),
    { gpuMilli: state.capacityMilli, cpuMilli: cpuTotal, memoryMib: memoryTotal },
  );
  const tenantModels = book.tenants.map((t) =>
    state.models
      .map((_, m) => m)
      .filter((m) => (t.nominalMilli[m] ?? 0) + (t.borrowingLimitMilli[m] ?? Infinity) > 0),
  );
  const queues = new Map<string, JobQueue>();
  const queueList: JobQueue[] = [];
  const pending = new Map<number, { queue: JobQueue; job: SiteJob }>();
  const lastPreemptTry = new Map<number, number>();
  const reservedMask = new Uint8Array(state.nodes.length);
  let reservation: Reservation | undefined;
  // one heap for every pass: it is empty when a pass ends
  const heap = createBinaryHeap<HeapEntry>(
    (a, b) =>
      a.queue.priority > b.queue.priority ||
      (a.queue.priority === b.queue.priority &&
        (a.share < b.share ||
          (a.share === b.share &&
            (a.submittedAt < b.submittedAt ||
              (a.submittedAt === b.submittedAt && a.queue.id < b.queue.id))))),
  );

  /** The queue's next pending job; entries of jobs started out of order (backfill) are dropped on the way. */
  function headOf(queue: JobQueue): SiteJob | undefined {
    for (let job = peekJob(queue); job; job = peekJob(queue)) {
      if (pending.get(job.id)?.job === job) return job;
      dropJob(queue, job);
    }
    return undefined;
  }

  /**
   * EASY backfill inside a queue: its head waits only because its estimate runs past the
   * reservation, so a job behind it (same tenant, priority and shape) that ends by then may start.
   * Looks at a few jobs only: the queue stays FIFO for everything else.
   */
  function backfillBehind(queue: JobQueue, now: number, out: Decision[]): void {
    if (!reservation) return;
    const at = reservation.at;
    let looked = 0;
    for (let i = queue.head + 1; i < queue.jobs.length && looked < BACKFILL_LOOKAHEAD; i++) {
      const job = queue.jobs[i]!;
      if (pending.get(job.id)?.job !== job) continue;
      looked++;
      if (now + job.estimateSeconds > at) continue;
      const milli = measureJobMilli(job);
      for (const model of job.models.length > 0 ? job.models : tenantModels[job.tenant]!) {
        if (!isWithinQuota(measureQuotaExcess(book, job.tenant, model, milli, job.isPreemptible))) continue;
        const outcome = findPlacement(ctx, job, model, undefined);
        if (!outcome.ok) continue;
        start(job, model, outcome.placements, now, out);
        break;
      }
    }
  }

  function setReservation(next: Reservation | undefined): void {
    if (reservation) for (const n of reservation.nodes) reservedMask[n] = 0;
    reservation = next;
    if (reservation) for (const n of reservation.nodes) reservedMask[n] = 1;
  }

  function enqueue(job: SiteJob): void {
    const key = `${job.tenant}/${job.priority}/${job.nodes}x${job.gpusPerNode}x${job.gpuMilli}/${job.cpuMilliPerNode}/${job.memoryMibPerNode}/${job.models.join(',')}`;
    let queue = queues.get(key);
    if (!queue) {
      queue = {
        id: queueList.length,
        tenant: job.tenant,
        priority: job.priority,
        jobs: [],
        head: 0,
        returned: createBinaryHeap<SiteJob>(isEarlier),
        reason: undefined,
      };
      queues.set(key, queue);
      queueList.push(queue);
    }
    // submission order; a preempted job goes back before the jobs submitted after it
    const last = queue.jobs[queue.jobs.length - 1];
    if (queue.head < queue.jobs.length && last && isEarlier(job, last)) queue.returned.push(job);
    else queue.jobs.push(job);
    pending.set(job.id, { queue, job });
  }

  function start(
    job: SiteJob,
    model: number,
    placements: Parameters<typeof applyPlacement>[3],
    now: number,
    out: Decision[],
  ): void {
    const allocations = applyPlacement(ctx, job, model, placements);
    const entry: RunningJob = { job, model, startedAt: now, allocations };
    addRunningJob(running, entry);
    charge(entry, 1);
    pending.delete(job.id);
    lastPreemptTry.delete(job.id);
    if (reservation?.jobId === job.id) setReservation(undefined);
    out.push({ kind: 'start', entry });
  }

  function charge(entry: RunningJob, sign: 1 | -1): void {
    const job = entry.job;
    const milli = measureJobMilli(job);
    chargeQuota(book, job.tenant, entry.model, milli, job.isPreemptible, sign);
    shares.charge(job.tenant, milli, job.cpuMilliPerNode * job.nodes, job.memoryMibPerNode * job.nodes, sign);
  }

  function stop(id: number): RunningJob | undefined {
    const entry = removeRunningJob(running, id);
    if (!entry) return undefined;
    for (const a of entry.allocations) {
      release(state, a);
      ctx.index.update(a.node);
    }
    charge(entry, -1);
    return entry;
  }

  /** Tries to start the head job of a queue; records why it waits otherwise. */
  function tryStart(queue: JobQueue, job: SiteJob, now: number, out: Decision[], pass: Pass): boolean {
    // quota a higher-priority job of the tenant waits for is not given to lower-priority work
    // (else that work starts in the room and is preempted again at once, pass after pass)
    const hold = pass.quotaHolds.get(job.tenant);
    if (hold && hold.priority > job.priority) {
      queue.reason = { code: 'PRIORITY', forJob: hold.jobId };
      return false;
    }
    const milli = measureJobMilli(job);
    const isHeld =
      reservation !== undefined &&
      reservation.jobId !== job.id &&
      job.priority <= reservation.priority &&
      now + job.estimateSeconds > reservation.at;
    const excluded = isHeld ? reservedMask : undefined;
    let reason: WaitReason | undefined;
    let firstModel = -1;
    for (const model of job.models.length > 0 ? job.models : tenantModels[job.tenant]!) {
      if (isBeyondQuota(book, job.tenant, model, milli, job.isPreemptible)) {
        reason ??= { code: 'QUOTA' };
        continue;
      }
      if (firstModel < 0) firstModel = model;
      const excess = measureQuotaExcess(book, job.tenant, model, milli, job.isPreemptible);
      let code: WaitReasonCode = 'QUOTA';
      if (isWithinQuota(excess)) {
        const outcome = findPlacement(ctx, job, model, excluded);
        if (outcome.ok) {
          start(job, model, outcome.placements, now, out);
          return true;
        }
        code = outcome.reason;
        if (excluded && findPlacement(ctx, job, model, undefined).ok)
          code = reservation!.priority > job.priority ? 'PRIORITY' : 'RESERVED_FOR';
      }
      if (
        code !== 'PRIORITY' &&
        code !== 'RESERVED_FOR' &&
        tryPreemption(job, model, milli, excluded, code, now, out)
      )
        return true;
      if (reason === undefined || reason.code === 'QUOTA')
        reason =
          code === 'PRIORITY' || code === 'RESERVED_FOR'
            ? { code, forJob: reservation!.jobId, expectedAt: reservation!.at }
            : { code };
    }
    reason ??= { code: 'QUOTA' };
    if (reason.code === 'QUOTA' && firstModel >= 0 && !pass.quotaHolds.has(job.tenant))
      pass.quotaHolds.set(job.tenant, { priority: job.priority, jobId: job.id });
    if (CAPACITY_FAMILY.has(reason.code) && !pass.holderSeen && firstModel >= 0) {
      pass.holderSeen = true;
      const isKept =
        reservation?.jobId === job.id && isReservationKept(state, running, reservation, job, now);
      if (!isKept) setReservation(planReservation(state, running, job, firstModel, now));
      if (reservation?.jobId === job.id) reason = { ...reason, expectedAt: reservation.at };
    }
    queue.reason = reason;
    return false;
  }

  function tryPreemption(
    job: SiteJob,
    model: number,
    milli: number,
    excluded: Uint8Array | undefined,
    code: WaitReasonCode,
    now: number,
    out: Decision[],
  ): boolean {
    if (running.preemptible.size === 0) return false;
    const nominal = book.tenants[job.tenant]!.nominalMilli[model] ?? 0;
    const isReclaim = book.usage[job.tenant * book.models + model]! + milli <= nominal;
    // priority preemption inside the tenant only while it is within its nominal quota: borrowed
    // room is opportunistic, not worth stopping work for (the quota hold still serves the higher
    // priority first as room frees); without this, every arrival at a borrowing limit preempts
    const isOwnPreemption = job.priority > 0 && book.usage[job.tenant * book.models + model]! <= nominal;
    if (!isReclaim && !isOwnPreemption) return false;
    const last = lastPreemptTry.get(job.id);
    if (last !== undefined && now - last < retry) return false;
    const request = compileJobRequest(ctx, job, model);
    const freeNodes: number[] = [];
    const needsShape = code !== 'QUOTA' || !findPlacement(ctx, job, model, excluded).ok;
    if (needsShape && job.nodes > 1) {
      for (let k = request.gpuCount; k <= ctx.index.maxGpus && freeNodes.length < job.nodes; k++)
        for (let n = ctx.index.first(model, k); n >= 0 && freeNodes.length < job.nodes; n = ctx.index.next(n))
          if (excluded?.[n] !== 1) freeNodes.push(n);
    }
    const plan = chooseVictims({
      state,
      running,
      book,
      job,
      model,
      request,
      now,
      excluded,
      freeNodes,
      needsShape,
      excess: measureQuotaExcess(book, job.tenant, model, milli, job.isPreemptible),
      isEligibleTenant: (t) =>
        t === job.tenant ? isOwnPreemption : isReclaim && measureBorrowed(book, t, model) > 0,
      isEligible: (entry) => {
        const v = entry.job;
        if (v.tenant === job.tenant) return v.priority < job.priority;
        // across tenants only to reclaim nominal quota from borrowers: never a cycle
        return isReclaim && measureBorrowed(book, v.tenant, model) > 0;
      },
    });
    if (!plan) {
      lastPreemptTry.set(job.id, now);
      return false;
    }
    for (const victim of plan.victims) {
      const entry = stop(victim.job.id);
      if (!entry) continue;
      if (isRequeued) enqueue(entry.job);
      out.push({ kind: 'preempt', entry, by: job.id });
    }
    if (!isWithinQuota(measureQuotaExcess(book, job.tenant, model, milli, job.isPreemptible))) return false;
    const outcome = findPlacement(ctx, job, model, excluded);
    if (!outcome.ok) return false;
    start(job, model, outcome.placements, now, out);
    return true;
  }

  return {
    state,
    book,
    running,
    submit: enqueue,
    adopt(job, model, placements, startedAt) {
      if (running.byId.has(job.id) || pending.has(job.id)) throw new Error(`job ${job.id} is already known`);
      const { allocations, conflicts } = adoptPlacements(state, ctx.index, job, model, placements);
      const entry: RunningJob = { job, model, startedAt, allocations };
      addRunningJob(running, entry);
      charge(entry, 1);
      return { entry, conflicts };
    },
    finish: stop,
    schedule(now) {
      const out: Decision[] = [];
      if (reservation && !pending.has(reservation.jobId)) setReservation(undefined);
      if (pending.size === 0) return out;
      const push = (queue: JobQueue) =>
        heap.push({
          queue,
          share: shares.share(queue.tenant),
          submittedAt: headOf(queue)!.submittedAt,
        });
      for (const queue of queueList) if (headOf(queue)) push(queue);
      const pass: Pass = { holderSeen: false, quotaHolds: new Map() };
      for (let entry = heap.pop(); entry; entry = heap.pop()) {
        const queue = entry.queue;
        const job = headOf(queue);
        if (!job) continue;
        const share = shares.share(queue.tenant);
        if (share !== entry.share) {
          push(queue);
          continue;
        }
        if (!tryStart(queue, job, now, out, pass)) {
          if (isHeldForReservation(queue.reason)) backfillBehind(queue, now, out);
          continue;
        }
        dropJob(queue, job);
        queue.reason = undefined;
        if (headOf(queue)) push(queue);
      }
      return out;
    },
    waitReason(id) {
      const queue = pending.get(id)?.queue;
      if (!queue) return undefined;
      return queue.reason ?? { code: 'CAPACITY' };
    },
    currentReservation: () => reservation,
    pendingCount: () => pending.size,
    listPending: () => [...pending.values()].map((p) => p.job),
  };
}

function isEarlier(a: SiteJob, b: SiteJob): boolean {
  return a.submittedAt < b.submittedAt || (a.submittedAt === b.submittedAt && a.id < b.id);
}
