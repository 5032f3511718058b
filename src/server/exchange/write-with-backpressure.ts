import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes a chunk and waits for 'drain' when the stream's buffer is full; throws once it is closed. */
export async function writeWithBackpressure(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new Error('export: the output was closed');
  if (out.write(chunk)) return;
  await Promise.race([
    once(out, 'drain'),
    once(out, 'close').then(() => {
      throw new Error('export: the output was closed');
    }),
  ]);
}
