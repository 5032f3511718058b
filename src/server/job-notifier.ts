import { EventEmitter } from 'node:events';

/**
 * Wakes streams (SSE, log follow) when a job changes in this process; streams also poll,
 * so a change made by another replica is seen within the poll interval.
 */
export class JobNotifier {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(jobId: string): void {
    this.emitter.emit(jobId);
  }

  /** Resolves on the next change of the job, after `timeoutMs`, or when `signal` aborts. */
  waitForChange(jobId: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(jobId, done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.emitter.on(jobId, done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
