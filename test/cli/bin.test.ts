import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// `bin/usine` and an installed package run this file: it must be executable after `npm ci` (whose
// `prepare` builds dist/) and after `npm start` (which builds it again).
const BIN = 'dist/cli/main.js';

describe('the usine command as installed', () => {
  it.skipIf(!existsSync(BIN))('is an executable file that runs', () => {
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    expect(execFileSync(`./${BIN}`, ['--help'], { encoding: 'utf8' })).toMatch(/usine/);
  });
});
