import type { ExecutionStatus } from '../../app/ports/executor.js';
import { describeTimeLimit } from '../describe-time-limit.js';

/** What the job's own script recorded (`exit.json`). */
export interface ExitRecord {
  readonly exitCode: number;
  readonly timeLimit: boolean;
  readonly finishedAt: string;
}

/** The facts about one Slurm job, from slurmctld or from its completion record. */
export interface SlurmFacts {
  readonly state: string;
  readonly reason: string;
  readonly exitStatus: number | null;
  readonly startTime: number;
  readonly endTime: number;
  readonly nodes: string;
  /** How many times Slurm requeued the job (after a node failure); 0 when not known. */
  readonly restarts: number;
  /** Slurm's own time limit, when known (an operator may have changed it). */
  readonly timeLimitMinutes?: number | null;
  /** Slurm's reason in words (`state_description`), when it gives one. */
  readonly reasonDetail?: string;
}

export interface MapContext {
  readonly exit: ExitRecord | undefined;
  readonly maxDurationSeconds: number | undefined;
  readonly cancelAsked: boolean;
  /** A requeued job's failed run (its `NODE_FAIL` completion record), when the file has it. */
  readonly failedRun?: SlurmFacts;
}

const RUNNING = new Set([
  'RUNNING',
  'CONFIGURING',
  'COMPLETING',
  'SUSPENDED',
  'STAGE_OUT',
  'SIGNALING',
  'RESIZING',
]);
const PENDING = new Set([
  'PENDING',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'SPECIAL_EXIT',
  'RESV_DEL_HOLD',
]);

function toIso(seconds: number): string | null {
  return seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
}

/** A raw wait status → the exit code and, when killed, the signal. */
export function decodeWaitStatus(status: number | null): { code: number | null; signal: number | null } {
  if (status === null) return { code: null, signal: null };
  const signal = status & 0x7f;
  return signal !== 0 ? { code: null, signal } : { code: (status >> 8) & 0xff, signal: null };
}

/** Slurm's job state and reason → Usine's execution status, with a reason a person can read. */
export function mapSlurmState(facts: SlurmFacts, context: MapContext): ExecutionStatus {
  const startedAt = toIso(facts.startTime);
  const finishedAt = context.exit?.finishedAt ?? toIso(facts.endTime);
  const base = { startedAt, finishedAt: null, exitCode: null };
  const state = facts.state.split(/[\s+]/)[0] ?? '';
  if (isRequeuedRun(facts, context)) {
    const run = context.failedRun;
    return {
      startedAt: run ? toIso(run.startTime) : null,
      finishedAt: run ? toIso(run.endTime) : null,
      state: 'failed',
      exitCode: null,
      reason: `node failure (${run?.nodes || 'Slurm requeued the job'}); Usine does not let Slurm run it again`,
    };
  }
  if (PENDING.has(state))
    return {
      ...base,
      startedAt: null,
      state: 'pending',
      reason: `pending in Slurm: ${facts.reason === '' || facts.reason === 'None' ? 'queued' : facts.reason}${facts.reasonDetail ? ` (${facts.reasonDetail})` : ''}`,
    };
  if (RUNNING.has(state)) return { ...base, state: 'running', reason: null };
  const done = { startedAt, finishedAt };
  if (context.exit?.timeLimit)
    return {
      ...done,
      state: 'failed',
      exitCode: null,
      reason: describeTimeLimit(context.maxDurationSeconds ?? 0),
    };
  const decoded = decodeWaitStatus(facts.exitStatus);
  const exitCode = context.exit?.exitCode ?? decoded.code;
  switch (state) {
    case 'COMPLETED':
      return { ...done, state: 'succeeded', exitCode: 0, reason: null };
    case 'CANCELLED':
      return { ...done, state: 'cancelled', exitCode: null, reason: 'cancelled in Slurm' };
    case 'TIMEOUT': {
      // Slurm's limit when it says it (Usine's plus a minute, unless an operator changed it)
      const minutes = facts.timeLimitMinutes;
      const seconds = minutes ? minutes * 60 : (context.maxDurationSeconds ?? 0);
      return {
        ...done,
        state: 'failed',
        exitCode: null,
        reason: `${describeTimeLimit(seconds)} (Slurm TIMEOUT)`,
      };
    }
    case 'NODE_FAIL':
      return {
        ...done,
        state: 'failed',
        exitCode: null,
        reason: `node failure (${facts.nodes || 'Slurm NODE_FAIL'})`,
      };
    case 'BOOT_FAIL':
      return { ...done, state: 'failed', exitCode: null, reason: 'node boot failure (Slurm BOOT_FAIL)' };
    case 'OUT_OF_MEMORY':
      return { ...done, state: 'failed', exitCode, reason: 'out of memory (Slurm OUT_OF_MEMORY)' };
    case 'PREEMPTED':
      return { ...done, state: 'failed', exitCode: null, reason: 'preempted by Slurm' };
    case 'DEADLINE':
      return { ...done, state: 'failed', exitCode: null, reason: 'deadline reached (Slurm DEADLINE)' };
    case 'FAILED': {
      if (context.cancelAsked) return { ...done, state: 'cancelled', exitCode: null, reason: 'cancelled' };
      if (decoded.signal !== null && context.exit === undefined)
        return { ...done, state: 'failed', exitCode: null, reason: `killed by signal ${decoded.signal}` };
      return {
        ...done,
        state: 'failed',
        exitCode,
        reason:
          exitCode !== null
            ? `exit code ${exitCode}`
            : `failed in Slurm (${[facts.reason, facts.reasonDetail].filter(Boolean).join(': ')})`,
      };
    }
    default:
      return { ...done, state: 'failed', exitCode, reason: `Slurm state ${facts.state}` };
  }
}

/**
 * A job Slurm put back in its queue after its node failed (slurmrestd 22.05 ignores the submit's
 * `requeue: false`), or that Usine then cancelled for that reason: its run failed. Usine does not
 * let Slurm rerun a job from the start on other nodes behind the user's back; the executor
 * cancels the rerun.
 */
export function isRequeuedRun(facts: SlurmFacts, context: MapContext): boolean {
  const state = facts.state.split(/[\s+]/)[0] ?? '';
  return facts.restarts > 0 && !context.cancelAsked && (PENDING.has(state) || state === 'CANCELLED');
}
