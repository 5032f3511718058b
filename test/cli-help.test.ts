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

/** Every command path, read from the help texts themselves (`usine help tenants` lists its own). */
async function listCommandPaths(parent: string[] = []): Promise<string[][]> {
  const { stdout } = await runUsine([...parent, '--help']);
  const section = stdout.split(/^Commands:\n/m)[1]?.split(/\n\n/)[0] ?? '';
  const names = [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1] ?? '').filter((n) => n !== 'help');
  const paths: string[][] = [];
  for (const name of names) {
    paths.push([...parent, name]);
    paths.push(...(await listCommandPaths([...parent, name])));
  }
  return paths;
}

const paths = await listCommandPaths();
const helps = await Promise.all(
  paths.map(async (p) => ({ path: p.join(' '), text: (await runUsine(['help', ...p])).stdout })),
);
// commands that print no data of their own (the server, an agent), or a document as it is (a log,
// Markdown, a shell script)
const NO_DATA = ['up', 'agent', 'logs', 'rfp', 'completion'];

describe('every command’s help', () => {
  it('lists the commands', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['validate', 'jobs', 'tenants create', 'budget set']),
    );
  });

  it.each(helps)('$path: fits 80 columns and is wrapped once, by Commander', ({ text }) => {
    expect(text.split('\n').filter((line) => line.length > 80)).toEqual([]);
    const description = text.split('\n\n')[1] ?? '';
    if (/^(Options|Arguments|Commands):/.test(description)) return;
    const lines = description.split('\n');
    // a paragraph wrapped twice leaves short lines inside it
    expect(lines.slice(0, -1).filter((line) => line.length < 50 && !/^\s|^[-*]/.test(line))).toEqual([]);
  });

  it.each(helps)('$path: says “an” before a vowel and never “a admin”', ({ text }) => {
    expect(text).not.toMatch(/\ba (?:[aeio]\w|un[^i])/i);
  });

  it.each(helps.filter((h) => !NO_DATA.includes(h.path) && !/^Commands:/m.test(h.text)))(
    '$path: prints data with --json and -o json|yaml|name|jsonpath',
    ({ text }) => {
      expect(text).toContain('--json');
      expect(text).toMatch(/-o, --output <format> +print json, yaml, name, jsonpath=EXPR/);
    },
  );

  it('explains a sub-command with `usine help GROUP COMMAND`', async () => {
    const { code, stdout } = await runUsine(['help', 'tenants', 'create']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: usine tenants create \[options\] <name>/);
  });

  it.each([
    [],
    ...paths.filter((p) => helps.find((h) => h.path === p.join(' '))?.text.includes('Commands:')),
  ])(
    'usine %s: lists each command with a lower-case summary and no full stop',
    async (...group: string[]) => {
      const { stdout } = await runUsine([...group, '--help']);
      const section = stdout.split(/^Commands:\n/m)[1]?.split(/\n\n/)[0] ?? '';
      const summaries = [
        ...section.matchAll(/^ {2}\S+(?: \[options\])?(?: [<[][^\s>\]]+[>\]])* {2,}(.+)$/gm),
      ].map((m) => m[1] ?? '');
      const commands = [...section.matchAll(/^ {2}\S+/gm)].length;
      expect(summaries).toHaveLength(commands);
      for (const summary of summaries) expect(summary).toMatch(/^[a-z].*[^.]$/);
    },
  );
});
