import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  identifyProcess,
  isProcessAlive,
  type ProcessIdentity,
} from '../../executors/local/process-identity.js';
import { StartRefused } from '../start-refused.js';

/** What `DATA_DIR/usine.lock` holds: who runs on the data dir, so a second start can name it. */
export interface DataDirLockFile {
  readonly process: ProcessIdentity;
  readonly host: string;
  readonly startedAt: string;
}

export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

async function readLock(file: string): Promise<DataDirLockFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DataDirLockFile;
  } catch {
    return undefined;
  }
}

/**
 * One process per data dir: `usine.lock`, created with O_EXCL, holds the pid (with its start time
 * and boot id, so a reused pid is not taken for it) and host of the process that runs there. A
 * lock of this host whose process is gone is stale and taken over; one of another host (a data
 * dir on a shared disk) is never guessed at.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = join(dataDir, 'usine.lock');
  const host = hostname();
  const mine: DataDirLockFile = {
    process: await identifyProcess(process.pid),
    host,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(file, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o600 });
      return {
        file,
        async release() {
          const held = await readLock(file);
          if (held?.process.pid === process.pid && held.host === host)
            await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = await readLock(file);
    if (held === undefined) {
      // half written by a start that is just beginning, or garbage: look again before judging
      await new Promise((resolve) => setTimeout(resolve, 200));
      if ((await readLock(file)) === undefined) await unlink(file).catch(() => undefined);
      continue;
    }
    if (held.host === host && !(await isProcessAlive(held.process))) {
      await unlink(file).catch(() => undefined);
      continue;
    }
    const where =
      held.host === host ? `pid ${held.process.pid}` : `pid ${held.process.pid} on host ${held.host}`;
    throw new StartRefused(
      `the data dir ${dataDir} is in use by another Usine (${where}, since ${held.startedAt}): ` +
        `stop it first, or give another --data-dir` +
        (held.host === host ? '' : `; if nothing runs there any more, remove ${file}`),
    );
  }
  throw new StartRefused(`cannot take the lock ${file}: it keeps changing; is another Usine starting?`);
}
