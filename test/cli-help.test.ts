import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
      isTty: false,
      cwd: process.cwd(),
      env: {},
      now: () => new Date('2026-11-27T00:00:00Z'),
    },
  };
}

describe('usine --help', () => {
  it('describes Usine and its exit codes', async () => {
    const c = capture();
    expect(await runCli(['--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('Exit codes');
  });
  it('exits 2 on an unknown command', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], c.io)).toBe(2);
  });
});
