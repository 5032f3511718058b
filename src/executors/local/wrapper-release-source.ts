/**
 * The part of the job wrapper (see wrapper-source.ts) that ends a job's hold on the host, run when
 * the command has exited, and by the executor (`node wrapper --release <jobDir>`) for a job whose
 * wrapper died before doing it. In that order, each step safe to repeat:
 *
 * 1. SIGKILL to every process still in the job's cgroups, then to every process of the job's uid
 *    (a uid is one job's only, so this catches what left the process group), until none is left;
 * 2. the job's cgroups removed;
 * 3. the job's directory handed back to the runner (lchown, never following a link), so the uid
 *    owns nothing once it is given to a later job;
 * 4. the uid's lock file removed, if it is still this job's.
 *
 * Uses `spec` (the job's spec.json) and defines `releaseJob()` and `readCgroupEvents()`.
 */
export const WRAPPER_RELEASE_SOURCE = `
function pauseMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function listPids(file) {
  try { return fs.readFileSync(file, 'utf8').split('\\n').filter(Boolean).map(Number); } catch { return []; }
}

function listPidsOfUid(uid) {
  const found = [];
  let entries = [];
  try { entries = fs.readdirSync('/proc'); } catch { return found; }
  for (const entry of entries) {
    if (!/^\\d+$/.test(entry)) continue;
    try { if (fs.statSync('/proc/' + entry).uid === uid) found.push(Number(entry)); } catch {}
  }
  return found;
}

function killUntilNone(list) {
  for (let round = 0; round < 100; round += 1) {
    const pids = list().filter((pid) => pid !== process.pid);
    if (pids.length === 0) return;
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    pauseMs(round < 10 ? 5 : 50);
  }
}

/** The counters of the job's cgroups: OOM kills and refused forks. */
function readCgroupEvents() {
  const events = { oomKills: 0, pidsRefused: 0 };
  const cgroup = spec.cgroup;
  if (!cgroup) return events;
  const count = (file, key) => {
    try {
      const line = fs.readFileSync(file, 'utf8').split('\\n').find((l) => l.startsWith(key + ' '));
      return line ? Number(line.split(' ')[1]) || 0 : 0;
    } catch { return 0; }
  };
  for (const dir of cgroup.dirs) {
    events.oomKills += count(path.join(dir, cgroup.version === 2 ? 'memory.events' : 'memory.oom_control'), 'oom_kill');
    events.pidsRefused += count(path.join(dir, 'pids.events'), 'max');
  }
  return events;
}

function handBack(dir, uid, gid) {
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) handBack(file, uid, gid);
    try { fs.lchownSync(file, uid, gid); } catch {}
  }
}

function releaseJob() {
  const cgroup = spec.cgroup;
  if (cgroup) {
    killUntilNone(() => cgroup.dirs.flatMap((dir) => listPids(path.join(dir, 'cgroup.procs'))));
  }
  const user = spec.user;
  if (user) killUntilNone(() => listPidsOfUid(user.uid));
  if (cgroup) {
    for (const dir of cgroup.dirs) {
      for (let i = 0; i < 50; i += 1) {
        try { fs.rmdirSync(dir); break; } catch (error) { if (error.code === 'ENOENT') break; pauseMs(20); }
      }
    }
  }
  if (user) {
    const runnerUid = process.getuid();
    const runnerGid = process.getgid();
    handBack(spec.home, runnerUid, runnerGid);
    try { fs.lchownSync(spec.home, runnerUid, runnerGid); } catch {}
    try {
      if (JSON.parse(fs.readFileSync(user.lockFile, 'utf8')).jobId === spec.jobId) fs.unlinkSync(user.lockFile);
    } catch {}
  }
}
`;
