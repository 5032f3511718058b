import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The agent's own files in its work dir, beside the runner's `jobs/`:
 * * `agent.json` — its id, made once: a restarted agent is the same agent to the control plane;
 * * `intents/<jobId>.json` — written (and flushed) before a job's process may start. A job with
 *   an intent is never started again: after a crash the agent adopts it or reports it lost.
 */
export class AgentWorkDir {
  constructor(readonly path: string) {}

  /** The agent's id, created on first use (`agt_` and 12 random bytes). */
  async readAgentId(): Promise<string> {
    await mkdir(join(this.path, 'intents'), { recursive: true, mode: 0o700 });
    const file = join(this.path, 'agent.json');
    const known = await readFile(file, 'utf8').catch(() => undefined);
    if (known !== undefined) return (JSON.parse(known) as { agentId: string }).agentId;
    const agentId = `agt_${randomBytes(12).toString('hex')}`;
    if (await writeOnce(file, { agentId })) return agentId;
    // another start made it meanwhile: that one stands
    return (JSON.parse(await readFile(file, 'utf8')) as { agentId: string }).agentId;
  }

  /** Records the intent to start the job; false when one exists (it may have started already). */
  writeIntent(jobId: string, at: string): Promise<boolean> {
    return writeOnce(this.intentFile(jobId), { jobId, at, pid: process.pid });
  }

  async hasIntent(jobId: string): Promise<boolean> {
    return (await readFile(this.intentFile(jobId)).catch(() => undefined)) !== undefined;
  }

  private intentFile(jobId: string): string {
    return join(this.path, 'intents', `${encodeURIComponent(jobId)}.json`);
  }
}

/** Creates the file exclusively and flushes it to disk before answering true. */
async function writeOnce(file: string, value: unknown): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(value)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}
