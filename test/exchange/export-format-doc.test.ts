import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORT_FILES, exportFileFormat } from '../../src/domain/exchange/export-manifest.js';

const doc = readFileSync('docs/export-format.md', 'utf8');
const documented = [...doc.matchAll(/^\| `([^`]+)` +\|/gm)].map((m) => m[1] ?? '');

describe('docs/export-format.md', () => {
  it.each(Object.keys(EXPORT_FILES))('documents %s', (path) => {
    expect(documented).toContain(path);
  });

  it('documents no file the export does not write', () => {
    expect(documented.filter((path) => exportFileFormat(path) === undefined)).toEqual([]);
  });
});
