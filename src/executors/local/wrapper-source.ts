import { WRAPPER_RELEASE_SOURCE } from './wrapper-release-source.js';

/**
 * The job wrapper: a tiny CommonJS program run by `process.execPath` between Usine and the
 * job's command. It outlives Usine (it is detached and owns no pipe to it), so the exit status
 * and the time limit hold even when Usine dies:
 *
 * * spawns `argv` (the command, after the steps that put it in its cgroups and drop it to its
 *   user: build-job-argv.ts) in `cwd`, in a process group of its own, stdout and stderr
 *   inherited (the job's output.log); a program that is nowhere on the PATH is a spawn error;
 * * writes `child.json` (pid, start time, boot id) once the command runs;
 * * on SIGTERM (a cancel) or at the time limit: SIGTERM to the command's group, SIGKILL after
 *   the grace period;
 * * when the command exits: SIGKILL to what is left of its group, then `releaseJob()` (its cgroups
 *   and user emptied and given back: wrapper-release-source.ts), then `exit.json` (outcome, exit
 *   code, signal, OOM kills and refused forks, end time), written atomically.
 * * `--release <jobDir>` runs only `releaseJob()`, for a job whose wrapper died.
 *
 * It is kept as source text, not a module, so that it runs the same from `src/` under tsx or
 * Vitest and from `dist/`; the executor writes it under its work dir. Its input is the job's
 * `spec.json` (JobSpecFile).
 */
export const WRAPPER_SOURCE = `'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const releasing = process.argv[2] === '--release';
const jobDir = process.argv[releasing ? 3 : 2];
const spec = JSON.parse(fs.readFileSync(path.join(jobDir, 'spec.json'), 'utf8'));
${WRAPPER_RELEASE_SOURCE}
if (releasing) {
  releaseJob();
  process.exit(0);
}
const MAX_TIMER_MS = 2147483647;
let child = null;
let stopping = null;
let finished = false;
const timers = [];

function writeJson(name, value) {
  const file = path.join(jobDir, name);
  fs.writeFileSync(file + '.tmp', JSON.stringify(value) + '\\n');
  fs.renameSync(file + '.tmp', file);
}

function readFirstLine(file) {
  try { return fs.readFileSync(file, 'utf8').trim(); } catch { return null; }
}

function readStartTime(pid) {
  const stat = readFirstLine('/proc/' + pid + '/stat');
  if (stat === null) return null;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] || null;
}

function signalGroup(signal) {
  if (child === null || child.pid === undefined) return;
  try { process.kill(-child.pid, signal); } catch {}
}

function note(text) {
  try { process.stderr.write('[usine] ' + text + '\\n'); } catch {}
}

function finish(record) {
  if (finished) return;
  finished = true;
  for (const timer of timers) clearTimeout(timer);
  signalGroup('SIGKILL');
  Object.assign(record, readCgroupEvents());
  releaseJob();
  writeJson('exit.json', Object.assign(record, { finishedAt: new Date().toISOString() }));
  process.exit(0);
}

function stop(outcome, message) {
  if (stopping !== null || finished) return;
  stopping = outcome;
  note(message + ': sending SIGTERM, SIGKILL in ' + spec.graceMs / 1000 + 's');
  signalGroup('SIGTERM');
  timers.push(setTimeout(() => signalGroup('SIGKILL'), spec.graceMs));
}

function armTimeLimit(deadline) {
  const left = deadline - Date.now();
  if (left <= 0) return stop('time-limit', spec.timeLimitReason);
  timers.push(setTimeout(() => armTimeLimit(deadline), Math.min(left, MAX_TIMER_MS)));
}

process.on('SIGTERM', () => stop('cancelled', 'cancelled'));
process.on('SIGINT', () => stop('cancelled', 'cancelled'));
process.on('SIGHUP', () => {});

/** Whether the program can be found (the steps before it would otherwise report it themselves). */
function isFound(program) {
  if (program.includes('/')) return fs.existsSync(path.resolve(spec.cwd, program));
  return (process.env.PATH || '').split(':').some((dir) => dir !== '' && fs.existsSync(path.resolve(spec.cwd, dir, program)));
}

try {
  if (!isFound(spec.command[0])) {
    throw Object.assign(new Error('spawn ' + spec.command[0] + ' ENOENT'), { code: 'ENOENT' });
  }
  child = spawn(spec.argv[0], spec.argv.slice(1), {
    cwd: spec.cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
    env: process.env,
  });
} catch (error) {
  finish({ outcome: 'spawn-error', errorCode: error.code || null, message: String(error.message) });
}
child.on('error', (error) => {
  if (child.pid === undefined) {
    finish({ outcome: 'spawn-error', errorCode: error.code || null, message: String(error.message) });
  }
});
child.on('exit', (code, signal) => {
  finish({ outcome: stopping || 'exited', exitCode: code, signal: signal });
});
if (child.pid !== undefined) {
  writeJson('child.json', {
    pid: child.pid,
    startTime: readStartTime(child.pid),
    bootId: readFirstLine('/proc/sys/kernel/random/boot_id'),
  });
  if (typeof spec.maxMs === 'number') armTimeLimit(Date.now() + spec.maxMs);
}
`;
