/**
 * A promise-chain mutex: callers run one after the other, in call order. PGlite has one
 * connection, so its transactions must never interleave.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    // the next caller waits for this one to settle, whether it succeeded or not
    this.tail = result.catch(() => undefined);
    return result;
  }
}
