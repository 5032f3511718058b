import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ExportFileSink, ExportSink } from '../../app/exchange/export-sink.js';
import { writeWithBackpressure } from './write-with-backpressure.js';

/** An export written as files under `dir` (which must exist; subfolders are made). */
export function createDirectorySink(dir: string): ExportSink {
  return {
    async open(path: string): Promise<ExportFileSink> {
      const target = join(dir, ...path.split('/'));
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      const out = createWriteStream(target, { mode: 0o600 });
      return {
        write: (chunk) => writeWithBackpressure(out, chunk),
        close: async () => {
          out.end();
          await finished(out);
        },
      };
    },
    finish: async () => undefined,
  };
}
