import type { SignedCheckpoint } from './checkpoint.js';

/** A line of a witness file (or a saved checkpoint) that is not a checkpoint. */
export interface CheckpointLineProblem {
  readonly line: number;
  readonly message: string;
}

/** One checkpoint per line, as JSON: the witness file's format, and `usine audit verify --checkpoint`'s. */
export function formatCheckpointLine(checkpoint: SignedCheckpoint): string {
  const { count, headHash, at, keyId, signature } = checkpoint;
  return `${JSON.stringify({ count, headHash, at, keyId, signature })}\n`;
}

/**
 * Reads checkpoints one per line (blank lines skipped); a saved API answer (one JSON object,
 * possibly on several lines) is read too. Lines that are not checkpoints are reported by number.
 */
export function parseCheckpointLines(text: string): {
  checkpoints: SignedCheckpoint[];
  problems: CheckpointLineProblem[];
} {
  const whole = tryJson(text);
  if (whole !== undefined && !Array.isArray(whole)) {
    const one = readCheckpoint(whole);
    return typeof one === 'string'
      ? { checkpoints: [], problems: [{ line: 1, message: one }] }
      : { checkpoints: [one], problems: [] };
  }
  const checkpoints: SignedCheckpoint[] = [];
  const problems: CheckpointLineProblem[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const value = tryJson(line);
    const checkpoint = value === undefined ? 'not JSON' : readCheckpoint(value);
    if (typeof checkpoint === 'string') problems.push({ line: index + 1, message: checkpoint });
    else checkpoints.push(checkpoint);
  }
  return { checkpoints, problems };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The checkpoint, or what is wrong with it. */
function readCheckpoint(value: unknown): SignedCheckpoint | string {
  if (value === null || typeof value !== 'object') return 'not a JSON object';
  const v = value as Record<string, unknown>;
  const { count, headHash, at, keyId, signature } = v;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1)
    return 'count: a positive integer is required';
  if (typeof headHash !== 'string' || !/^[0-9a-f]{64}$/.test(headHash))
    return 'headHash: 64 lowercase hex digits are required';
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return 'at: an RFC 3339 instant is required';
  if (typeof keyId !== 'string') return 'keyId: a string is required';
  if (typeof signature !== 'string') return 'signature: a string is required';
  return { count, headHash, at, keyId, signature };
}
