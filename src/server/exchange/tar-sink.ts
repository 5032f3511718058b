import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ExportFileSink, ExportSink } from '../../app/exchange/export-sink.js';
import { encodeTarHeader, TAR_BLOCK, tarPadding } from '../../domain/exchange/tar-header.js';
import { writeWithBackpressure } from './write-with-backpressure.js';

/**
 * An export as one ustar stream on `out` (an HTTP answer, a file). A tar header states its
 * file's size, so each file is spooled to a temporary file (memory stays bounded) and goes
 * into the archive when it is closed, in the order files close. `finish` writes the end of
 * the archive and removes the spool; it does not end `out`.
 */
export async function createTarSink(out: Writable): Promise<ExportSink & { discard(): Promise<void> }> {
  const spool = await mkdtemp(join(tmpdir(), 'usine-export-'));
  let appended: Promise<void> = Promise.resolve();
  let n = 0;
  const append = async (path: string, file: string) => {
    const { size } = await stat(file);
    await writeWithBackpressure(out, encodeTarHeader(path, size));
    for await (const chunk of createReadStream(file)) await writeWithBackpressure(out, chunk as Buffer);
    const padding = tarPadding(size);
    if (padding > 0) await writeWithBackpressure(out, new Uint8Array(padding));
    await rm(file);
  };
  return {
    async open(path: string): Promise<ExportFileSink> {
      const file = join(spool, String(n++));
      const spooled = createWriteStream(file, { mode: 0o600 });
      return {
        write: (chunk) => writeWithBackpressure(spooled, chunk),
        close: async () => {
          spooled.end();
          await finished(spooled);
          appended = appended.then(() => append(path, file));
          await appended;
        },
      };
    },
    async finish() {
      await appended;
      await writeWithBackpressure(out, new Uint8Array(2 * TAR_BLOCK));
      await rm(spool, { recursive: true, force: true });
    },
    discard: () => rm(spool, { recursive: true, force: true }),
  };
}
