import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ExportSource } from '../../app/exchange/export-source.js';

/** An export unpacked under `dir`. Links and other non-regular files are not listed. */
export function createDirectorySource(dir: string): ExportSource {
  return {
    async list() {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
        .sort();
    },
    async *read(path: string) {
      if (path.split('/').some((part) => part === '..' || part === ''))
        throw new Error(`${path}: not a path inside the export`);
      for await (const chunk of createReadStream(join(dir, ...path.split('/')))) yield chunk as Buffer;
    },
  };
}
