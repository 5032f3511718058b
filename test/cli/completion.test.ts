import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';

/** What bash itself offers after `usine WORDS…` with the generated script sourced. */
async function complete(script: string, words: string[]): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'usine-completion-')), 'usine.bash');
  writeFileSync(file, script);
  const line = words.map((w) => `'${w}'`).join(' ');
  const { stdout } = await promisify(execFile)('bash', [
    '-c',
    `source '${file}'; COMP_WORDS=(usine ${line}); COMP_CWORD=${words.length}; _usine; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  return stdout.split('\n').filter(Boolean);
}

describe('usine completion', () => {
  it('completes commands, sub-commands and options in bash, from the commands themselves', async () => {
    const { code, stdout } = await runUsine(['completion', 'bash']);
    expect(code).toBe(0);
    expect(await complete(stdout, ['ten'])).toEqual(['tenants']);
    expect(await complete(stdout, ['tenants', 'c'])).toEqual(['create']);
    expect(await complete(stdout, ['jobs', '--l'])).toEqual(['--label', '--limit']);
    expect(await complete(stdout, ['submit', 'job.yaml', '-o'])).toEqual(['-o']);
    expect(await complete(stdout, ['submit', 'job'])).toEqual([]); // file names: bash's own
  });

  it('prints the same script for zsh behind bashcompinit, and refuses another shell', async () => {
    const zsh = await runUsine(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^autoload -U \+X bashcompinit && bashcompinit\n# usine completion/);
    const fish = await runUsine(['completion', 'fish']);
    expect(fish.code).toBe(2);
    expect(fish.stderr).toBe('usine: completion: fish: write bash or zsh\n');
  });
});
