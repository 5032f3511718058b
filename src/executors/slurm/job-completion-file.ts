import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { SlurmFacts } from './map-slurm-state.js';

/** One line of `jobcomp/filetxt`, read into the facts the state mapping needs. */
export interface CompletionRecord extends SlurmFacts {
  readonly jobId: number;
  readonly name: string;
}

/**
 * Parses a `jobcomp/filetxt` line: `JobId=1 … Name=usine-job_x JobState=FAILED … ExitCode=3:0`.
 * Its times carry no zone: they are read as UTC (run slurmctld in UTC, or trust the job's own
 * `exit.json` first, which the executor does).
 */
export function parseCompletionLine(line: string): CompletionRecord | undefined {
  const fields = new Map<string, string>();
  for (const match of line.matchAll(/(\w+)=(\S*)/g)) if (match[1]) fields.set(match[1], match[2] ?? '');
  const jobId = Number(fields.get('JobId'));
  if (!Number.isInteger(jobId) || jobId <= 0) return undefined;
  const [code, signal] = (fields.get('ExitCode') ?? '').split(':').map(Number);
  const exitStatus =
    code === undefined || Number.isNaN(code) ? null : ((code & 0xff) << 8) | ((signal ?? 0) & 0x7f);
  return {
    jobId,
    name: fields.get('Name') ?? '',
    state: fields.get('JobState') ?? '',
    reason: '',
    exitStatus,
    startTime: readTime(fields.get('StartTime')),
    endTime: readTime(fields.get('EndTime')),
    nodes: fields.get('NodeList') ?? '',
    restarts: 0,
  };
}

function readTime(value: string | undefined): number {
  if (!value || value === 'Unknown' || value === 'None') return 0;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** Every completion record of one Slurm job id, oldest first (one per run when requeued). */
export async function findCompletions(file: string | undefined, jobId: number): Promise<CompletionRecord[]> {
  if (!file) return [];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const prefix = `JobId=${jobId} `;
  const found: CompletionRecord[] = [];
  for (const line of text.split('\n')) {
    const record = line.startsWith(prefix) ? parseCompletionLine(line) : undefined;
    if (record) found.push(record);
  }
  return found;
}

/** `JobCompLoc` from a slurm.conf whose `JobCompType` is `jobcomp/filetxt`; undefined otherwise. */
export function findCompletionFileIn(slurmConf: string | undefined): string | undefined {
  if (!slurmConf) return undefined;
  let text: string;
  try {
    text = readFileSync(slurmConf, 'utf8');
  } catch {
    return undefined;
  }
  const value = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*(\\S+)`, 'mi').exec(text)?.[1];
  return value('JobCompType')?.toLowerCase() === 'jobcomp/filetxt' ? value('JobCompLoc') : undefined;
}
