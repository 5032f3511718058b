import type { ExecutionStatus } from '../../app/ports/executor.js';
import { describeTimeLimit } from '../describe-time-limit.js';
import { computeSimulatedEnd, type SimulatedRun } from './simulated-handle.js';

/** Where a simulated run stands at `nowMs`, given when (if ever) it was cancelled. */
export function computeSimulatedStatus(
  run: SimulatedRun,
  nowMs: number,
  cancelledAtMs: number | undefined,
): ExecutionStatus {
  const startedAt = new Date(run.launchedAtMs).toISOString();
  const end = computeSimulatedEnd(run);
  if (cancelledAtMs !== undefined && cancelledAtMs < end.atMs && cancelledAtMs <= nowMs) {
    const finishedAt = new Date(Math.max(cancelledAtMs, run.launchedAtMs)).toISOString();
    return { state: 'cancelled', exitCode: null, reason: 'cancelled (simulated)', startedAt, finishedAt };
  }
  if (nowMs < end.atMs)
    return { state: 'running', exitCode: null, reason: null, startedAt, finishedAt: null };
  const finishedAt = new Date(end.atMs).toISOString();
  if (end.byTimeLimit) {
    const reason = `${describeTimeLimit(run.maxDurationSeconds ?? 0)} (simulated)`;
    return { state: 'failed', exitCode: null, reason, startedAt, finishedAt };
  }
  if (run.exitCode === 0) return { state: 'succeeded', exitCode: 0, reason: null, startedAt, finishedAt };
  return {
    state: 'failed',
    exitCode: run.exitCode,
    reason: `exit code ${run.exitCode} (simulated)`,
    startedAt,
    finishedAt,
  };
}

export interface SimulatedLogContext {
  readonly name: string;
  readonly site: string;
  readonly command: readonly string[];
  readonly image: string | undefined;
  readonly gpus: string;
}

const EPOCHS = 3;

/**
 * The synthetic log up to `nowMs`: every line is labelled simulated, and lines are only ever
 * appended as time passes, so byte offsets stay valid between calls.
 */
export function writeSimulatedLog(
  run: SimulatedRun,
  context: SimulatedLogContext,
  nowMs: number,
  cancelledAtMs: number | undefined,
): string {
  const status = computeSimulatedStatus(run, nowMs, cancelledAtMs);
  const stopMs = status.finishedAt === null ? nowMs : Date.parse(status.finishedAt);
  const lines = [
    `[simulated] ${context.name} (${run.jobId}) started on ${context.site}, GPUs ${context.gpus}`,
  ];
  if (context.image !== undefined) lines.push(`[simulated] image ${context.image}`);
  if (context.command.length > 0) lines.push(`[simulated] $ ${context.command.join(' ')}`);
  const runMs = (run.durationSeconds * 1000) / run.timeScale;
  for (let epoch = 1; epoch <= EPOCHS; epoch += 1) {
    if (run.launchedAtMs + (runMs * epoch) / EPOCHS > stopMs) break;
    const loss = (2.5 / (epoch + 1)).toFixed(3);
    lines.push(`[simulated] epoch ${epoch}/${EPOCHS} loss ${loss}`);
  }
  if (status.state !== 'running')
    lines.push(`[simulated] ${status.state}${status.reason ? `: ${status.reason}` : ''}`);
  return `${lines.join('\n')}\n`;
}
