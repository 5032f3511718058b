import type { ExportFileFormat } from '../../domain/exchange/export-manifest.js';

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const DASH = 0x2d;

/**
 * Counts a file's rows as its bytes go by, the way the manifest counts them: lines of JSON
 * Lines, records of CSV after the header (a newline inside quotes is no record's end),
 * documents of YAML (each starts with a `---` line), items of a JSON array, else one.
 */
export function createRowCounter(format: ExportFileFormat): { add(chunk: Uint8Array): void; rows(): number } {
  let lines = 0;
  let quoted = false;
  let documents = 0;
  // bytes of the current line seen so far, up to 3 (is it `---`?)
  let lineStart = 0;
  let dashes = 0;
  const json: Uint8Array[] = [];
  return {
    add(chunk) {
      if (format === 'json') json.push(chunk);
      for (const byte of chunk) {
        if (format === 'csv' && byte === QUOTE) quoted = !quoted;
        if (byte === NEWLINE) {
          if (!quoted) lines++;
          lineStart = 0;
          dashes = 0;
          continue;
        }
        if (lineStart < 3) {
          dashes = byte === DASH && dashes === lineStart ? dashes + 1 : dashes;
          lineStart++;
          if (lineStart === 3 && dashes === 3) documents++;
        }
      }
    },
    rows() {
      switch (format) {
        case 'jsonl':
          return lines;
        case 'csv':
          return Math.max(lines - 1, 0);
        case 'yaml':
          return documents;
        case 'json': {
          try {
            const value: unknown = JSON.parse(Buffer.concat(json).toString('utf8'));
            return Array.isArray(value) ? value.length : 1;
          } catch {
            return 0;
          }
        }
        case 'pem':
          return 1;
      }
    },
  };
}
