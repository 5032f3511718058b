/**
 * Everything a simulated job's course depends on travels in its handle, so a restarted Usine
 * answers `status` without any memory: `sim:<jobId>:<launchedAtMs>:<durationSeconds>:
 * <maxDurationSeconds or ->:<timeScale>:<exitCode>` (the job id URI-encoded). Only a cancel
 * happens later; see SimulatedExecutor for where it is kept.
 */
export interface SimulatedRun {
  readonly jobId: string;
  readonly launchedAtMs: number;
  /** Simulated seconds, as the user wrote them. */
  readonly durationSeconds: number;
  readonly maxDurationSeconds: number | undefined;
  /** Simulated seconds per real second. */
  readonly timeScale: number;
  readonly exitCode: number;
}

const PREFIX = 'sim';

export function encodeSimulatedHandle(run: SimulatedRun): string {
  return [
    PREFIX,
    encodeURIComponent(run.jobId),
    run.launchedAtMs,
    run.durationSeconds,
    run.maxDurationSeconds ?? '-',
    run.timeScale,
    run.exitCode,
  ].join(':');
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Undefined for anything that is not a well-formed simulated handle. */
export function parseSimulatedHandle(handle: string): SimulatedRun | undefined {
  const parts = handle.split(':');
  if (parts.length !== 7 || parts[0] !== PREFIX) return undefined;
  const [, rawJobId, launched, duration, max, scale, exit] = parts;
  let jobId: string;
  try {
    jobId = decodeURIComponent(rawJobId ?? '');
  } catch {
    return undefined;
  }
  const launchedAtMs = parseNumber(launched);
  const durationSeconds = parseNumber(duration);
  const maxDurationSeconds = max === '-' ? undefined : parseNumber(max);
  const timeScale = parseNumber(scale);
  const exitCode = parseNumber(exit);
  if (
    jobId === '' ||
    launchedAtMs === undefined ||
    durationSeconds === undefined ||
    durationSeconds < 0 ||
    (max !== '-' && maxDurationSeconds === undefined) ||
    timeScale === undefined ||
    timeScale <= 0 ||
    exitCode === undefined
  ) {
    return undefined;
  }
  return { jobId, launchedAtMs, durationSeconds, maxDurationSeconds, timeScale, exitCode };
}

/** When the run ends on its own, in clock milliseconds, and whether the time limit ends it. */
export function computeSimulatedEnd(run: SimulatedRun): { atMs: number; byTimeLimit: boolean } {
  const byTimeLimit = run.maxDurationSeconds !== undefined && run.maxDurationSeconds < run.durationSeconds;
  const seconds = byTimeLimit ? (run.maxDurationSeconds ?? 0) : run.durationSeconds;
  return { atMs: run.launchedAtMs + (seconds * 1000) / run.timeScale, byTimeLimit };
}
