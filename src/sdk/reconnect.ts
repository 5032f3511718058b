/** How a stream that dropped is taken up again. */
export interface ReconnectOptions {
  /** Told before each new try, with what ended the last one and how long it waits. */
  readonly onRetry?: (problem: string, delayMs: number) => void;
  /** Gives up once the server was unreachable this long in a row (default 60 s). */
  readonly giveUpAfterMs?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_GIVE_UP_AFTER_MS = 60_000;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/**
 * The retry state of one stream: a connection that drops (refused, reset, cut mid-body, a
 * 502/503/504 of a server restarting) is tried again with growing delays (250 ms doubling to
 * 5 s), the caller resuming where it left off (Last-Event-ID, a byte offset); a refusal (4xx,
 * a 500) is thrown at once, and so is the last error once the server has been unreachable for
 * `giveUpAfterMs` in a row.
 */
export class Reconnector {
  private failingSince: number | undefined;
  private delay = FIRST_DELAY_MS;

  constructor(private readonly options: ReconnectOptions = {}) {}

  /** A connection was made: the next failure starts a new count. */
  connected(): void {
    this.failingSince = undefined;
    this.delay = FIRST_DELAY_MS;
  }

  /** The stream ended before its end (a proxy, a server closing): waits, then the caller tries again. */
  async endedEarly(problem: string): Promise<void> {
    await this.wait(problem);
  }

  /** Waits before the next try, or throws `error` when it is no dropped connection or it is time to give up. */
  async failed(error: unknown): Promise<void> {
    if (this.options.signal?.aborted || !isDropped(error)) throw error;
    this.failingSince ??= Date.now();
    if (Date.now() - this.failingSince >= (this.options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS))
      throw error;
    await this.wait(describe(error));
  }

  private async wait(problem: string): Promise<void> {
    this.options.onRetry?.(problem, this.delay);
    await sleep(this.delay, this.options.signal);
    this.delay = Math.min(MAX_DELAY_MS, this.delay * 2);
  }
}

/**
 * Waits `ms`, or rejects with the signal's reason once it aborts. Written out rather than taken
 * from node:timers/promises: the console bundles this SDK for the browser.
 */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A connection that failed on the way, not a server that said no. */
function isDropped(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return status === 502 || status === 503 || status === 504;
  // fetch's network errors (refused, reset, DNS) and a body cut short ("terminated")
  return (
    error instanceof TypeError || (error instanceof Error && /terminated|socket|ECONN/i.test(error.message))
  );
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
