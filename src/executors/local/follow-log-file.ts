import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { StringDecoder } from 'node:string_decoder';

export interface FollowOptions {
  readonly offset: number;
  readonly follow: boolean;
  readonly pollIntervalMs: number;
  /** True once nothing will be written to the file any more (the job's state is final). */
  readonly isDone: () => Promise<boolean>;
  readonly signal?: AbortSignal;
}

const CHUNK_BYTES = 64 * 1024;

async function openIfPresent(file: string): Promise<FileHandle | undefined> {
  try {
    return await open(file, 'r');
  } catch {
    return undefined;
  }
}

/**
 * Reads a log file from a byte offset. With `follow`, polls for new bytes until the job is done
 * and the file drained. Chunks are decoded as UTF-8 without splitting a character, so summing
 * their byte lengths gives the next offset.
 */
export async function* followLogFile(file: string, options: FollowOptions): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let position = Math.max(0, options.offset);
  let handle: FileHandle | undefined;
  try {
    for (;;) {
      // Asked before draining: when the job was already done, this pass reads its last bytes.
      const wasDone = !options.follow || (await options.isDone());
      handle ??= await openIfPresent(file);
      while (handle !== undefined) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const text = decoder.write(buffer.subarray(0, bytesRead));
        if (text !== '') yield text;
      }
      if (wasDone || options.signal?.aborted) break;
      await sleep(options.pollIntervalMs, undefined, { signal: options.signal }).catch(() => undefined);
    }
    const tail = decoder.end();
    if (tail !== '') yield tail;
  } finally {
    await handle?.close();
  }
}
