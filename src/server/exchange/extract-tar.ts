import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { decodeTarHeader, TAR_BLOCK, tarPadding } from '../../domain/exchange/tar-header.js';
import { writeWithBackpressure } from './write-with-backpressure.js';

/**
 * Reads a ustar stream as it arrives and writes its regular files under `dir` (or only walks
 * it, without `dir`). A path that is absolute or climbs out (`..`), and any entry that is not a
 * regular file, is refused: an archive is untrusted input. `complete` is false when the stream
 * ended before the end-of-archive blocks (a cut download).
 */
export async function extractTar(
  chunks: AsyncIterable<Uint8Array>,
  dir: string | undefined,
): Promise<{ files: string[]; complete: boolean }> {
  const files: string[] = [];
  let buffer: Uint8Array = new Uint8Array(0);
  let out: WriteStream | undefined;
  let left = 0; // bytes of the current file still to come
  let skip = 0; // padding after it
  let complete = false;
  for await (const chunk of chunks) {
    buffer = concat(buffer, chunk);
    for (;;) {
      if (left > 0) {
        const take = Math.min(left, buffer.length);
        if (take === 0) break;
        if (out) await writeWithBackpressure(out, buffer.subarray(0, take));
        buffer = buffer.subarray(take);
        left -= take;
        if (left === 0 && out) {
          out.end();
          await finished(out);
          out = undefined;
        }
        continue;
      }
      if (skip > 0) {
        const take = Math.min(skip, buffer.length);
        if (take === 0) break;
        buffer = buffer.subarray(take);
        skip -= take;
        continue;
      }
      if (complete || buffer.length < TAR_BLOCK) break;
      const header = decodeTarHeader(buffer.subarray(0, TAR_BLOCK));
      buffer = buffer.subarray(TAR_BLOCK);
      if (!header) {
        complete = true;
        continue;
      }
      if (header.type !== '0' && header.type !== '\u0000')
        throw new Error(`tar: ${header.path}: only regular files are taken (type ${header.type})`);
      const parts = header.path.split('/');
      if (header.path.startsWith('/') || parts.some((p) => p === '..' || p === '' || p === '.'))
        throw new Error(`tar: ${header.path}: not a path inside the archive`);
      files.push(header.path);
      left = header.size;
      skip = tarPadding(header.size);
      if (dir) {
        const target = join(dir, ...parts);
        await mkdir(dirname(target), { recursive: true, mode: 0o700 });
        out = createWriteStream(target, { mode: 0o600 });
        if (left === 0) {
          out.end();
          await finished(out);
          out = undefined;
        }
      }
    }
  }
  if (out) out.destroy();
  return { files, complete: complete && left === 0 };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
