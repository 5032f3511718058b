import { describe, expect, it } from 'vitest';
import { runUsine } from './support/run-cli.js';

describe('usine --help', () => {
  it('describes Usine, its commands and its exit codes', async () => {
    const { code, stdout } = await runUsine(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Exit codes');
    expect(stdout).toMatch(/validate .*check job specs/);
    expect(stdout).toMatch(/sites .*list the sites/);
  });

  it('explains a command with `usine help COMMAND`', async () => {
    const { code, stdout } = await runUsine(['help', 'validate']);
    expect(code).toBe(0);
    expect(stdout).toContain('FILE:LINE:COL');
    expect(stdout).toContain('--json');
  });

  it('exits 2 on an unknown command and suggests the near one', async () => {
    const { code, stderr } = await runUsine(['valdate']);
    expect(code).toBe(2);
    expect(stderr).toContain('validate');
  });
});
