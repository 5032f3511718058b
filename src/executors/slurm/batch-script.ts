/** The bash batch script Usine hands to Slurm for one job. */
export interface BatchScriptInput {
  readonly jobId: string;
  readonly command: readonly string[];
  /** The job's directory: it writes `exit.json` there when the command ends. */
  readonly jobDir: string;
  /** Usine's own limit, enforced by the script to the sub-second; Slurm's `--time` backs it up. */
  readonly maxDurationSeconds: number | undefined;
  /** Seconds between SIGTERM and SIGKILL at the time limit. */
  readonly graceSeconds: number;
  /** A container image the job named: this executor runs no containers, the log says so. */
  readonly image?: string | undefined;
}

/** Quotes one word for bash: `it's` → `'it'\''s'`. */
export function quoteForShell(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the command (without a shell of its own: its words are quoted), stops it at the time
 * limit (a `time-limit` marker says why it ended), and records the exit code in `exit.json`
 * (written through a rename), so the outcome survives slurmctld forgetting the job.
 */
export function buildBatchScript(input: BatchScriptInput): string {
  const dir = quoteForShell(input.jobDir);
  const command = input.command.map(quoteForShell).join(' ');
  const limit = input.maxDurationSeconds;
  const lines = [
    '#!/bin/bash',
    `# usine job ${input.jobId}`,
    `dir=${dir}`,
    'echo "[usine] slurm job $SLURM_JOB_ID on $SLURM_JOB_NODELIST (GPUs: ${CUDA_VISIBLE_DEVICES:-none})"',
    ...(input.image
      ? [`echo ${quoteForShell(`[usine] the image ${input.image} is ignored: the command runs on the node`)}`]
      : []),
    `${command} &`,
    'child=$!',
  ];
  if (limit !== undefined)
    lines.push(
      `( sleep ${limit}; touch "$dir/time-limit"; echo "[usine] time limit ${limit}s reached, stopping";`,
      `  kill -TERM "$child" 2>/dev/null; sleep ${input.graceSeconds}; kill -KILL "$child" 2>/dev/null ) &`,
      'timer=$!',
    );
  lines.push(
    'trap \'kill -TERM "$child" 2>/dev/null\' TERM',
    'wait "$child"; rc=$?',
    // a trapped TERM interrupts wait: wait again for the real status
    'while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done',
  );
  if (limit !== undefined) lines.push('kill "$timer" 2>/dev/null');
  lines.push(
    'limited=false; [ -e "$dir/time-limit" ] && limited=true',
    'printf \'{"exitCode":%d,"timeLimit":%s,"finishedAt":"%s"}\\n\' "$rc" "$limited" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" > "$dir/exit.json.tmp"',
    'mv "$dir/exit.json.tmp" "$dir/exit.json"',
    'exit "$rc"',
    '',
  );
  return lines.join('\n');
}
