/**
 * Group commit (docs/adr/0005-group-commit.md): calls that arrive while a batch is being
 * written wait for it, then go together in the next one, so a burst of N calls costs a few
 * transactions (and flushes to disk) instead of N. One batch is written at a time; at low
 * load a batch is a single call, written at once. A batch that fails is written again one
 * call at a time, so a call that cannot be written fails alone.
 */
export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private writing = false;

  /** `write` runs one transaction for the whole list and answers in the list's order. */
  constructor(
    private readonly write: (items: readonly I[]) => Promise<readonly O[]>,
    private readonly maxBatch: number,
  ) {}

  /** Resolves with the call's answer once the transaction that wrote it has committed. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      // the requests read in the same turn of the event loop join the first batch
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      await this.writeBatch(batch);
    }
    this.writing = false;
  }

  private async writeBatch(batch: readonly Waiting<I, O>[]): Promise<void> {
    try {
      settle(batch, await this.write(batch.map((w) => w.item)));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const waiting of batch) {
        try {
          settle([waiting], await this.write([waiting.item]));
        } catch (alone) {
          waiting.reject(alone);
        }
      }
    }
  }
}

interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (answer: O) => void;
  readonly reject: (error: unknown) => void;
}

function settle<I, O>(batch: readonly Waiting<I, O>[], answers: readonly O[]): void {
  if (answers.length !== batch.length) {
    const error = new Error(`group commit: ${answers.length} answers for ${batch.length} calls`);
    for (const waiting of batch) waiting.reject(error);
    return;
  }
  batch.forEach((waiting, i) => waiting.resolve(answers[i] as O));
}
