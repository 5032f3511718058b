import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/store/group-commit.js';

/** A writer that records each batch it is given and answers each item doubled. */
function recordingWriter(fails: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const write = async (items: readonly number[]): Promise<number[]> => {
    batches.push([...items]);
    await new Promise((resolve) => setImmediate(resolve));
    const bad = items.find(fails);
    if (bad !== undefined) throw new Error(`cannot write ${bad}`);
    return items.map((n) => n * 2);
  };
  return { batches, write };
}

describe('group commit', () => {
  it('writes the calls of one turn of the event loop in one batch, answering each its own', async () => {
    const { batches, write } = recordingWriter();
    const commits = new GroupCommit(write, 100);
    const answers = await Promise.all([1, 2, 3, 4].map((n) => commits.submit(n)));
    expect(answers).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('gathers the calls that arrive while a batch is written into the next one', async () => {
    const { batches, write } = recordingWriter();
    const commits = new GroupCommit(write, 100);
    const first = commits.submit(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is now being written
    const later = [2, 3, 4].map((n) => commits.submit(n));
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('splits a long queue into batches of at most maxBatch calls', async () => {
    const { batches, write } = recordingWriter();
    const commits = new GroupCommit(write, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => commits.submit(n)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails only the call that cannot be written: the others of its batch are written alone', async () => {
    const { batches, write } = recordingWriter((n) => n === 2);
    const commits = new GroupCommit(write, 100);
    const results = await Promise.allSettled([1, 2, 3].map((n) => commits.submit(n)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('cannot write 2') },
      { status: 'fulfilled', value: 6 },
    ]);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('keeps writing after a failed batch', async () => {
    const { write } = recordingWriter((n) => n === 1);
    const commits = new GroupCommit(write, 100);
    await expect(commits.submit(1)).rejects.toThrow('cannot write 1');
    expect(await commits.submit(5)).toBe(10);
  });
});
