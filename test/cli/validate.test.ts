import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';
import { jobYaml } from '../support/read-text.js';

const dir = mkdtempSync(join(tmpdir(), 'usine-validate-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('usine validate', () => {
  it('exits 0 and says each file is valid', async () => {
    const { code, stdout } = await runUsine(['validate', write('ok.yaml', jobYaml())]);
    expect(code).toBe(0);
    expect(stdout).toContain('ok.yaml: valid (Job demo)');
  });

  it('exits 1 with FILE:LINE:COL: path: message on stderr, for every file', async () => {
    const bad = write('bad.yaml', jobYaml('', 'gpus: 1, gpuModel: [H100]'));
    const ok = write('ok2.yaml', jobYaml());
    const { code, stderr, stdout } = await runUsine(['validate', bad, ok, join(dir, 'missing.yaml')]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${bad}:8:25: spec.resources.gpuModel: unknown field; did you mean gpuModels?`);
    expect(stderr).toContain(`${join(dir, 'missing.yaml')}:1:1: no such file`);
    expect(stdout).toContain('ok2.yaml: valid');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('prints [{file, valid, errors}] with --json', async () => {
    const bad = write('bad-json.yaml', jobYaml('duration: 6 hours'));
    const { code, stdout } = await runUsine(['validate', '--json', bad]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual([
      {
        file: bad,
        valid: false,
        errors: [
          {
            line: 9,
            col: 13,
            path: 'spec.duration',
            message: 'must be a duration such as 90m, 6h, 1h30m or 2d',
          },
        ],
        warnings: [],
      },
    ]);
  });

  it('reads a file of binary junk as a clean error', async () => {
    const path = join(dir, 'junk.bin');
    writeFileSync(path, Buffer.from([0xff, 0xfe, 0x00, 0x81]));
    const { code, stderr } = await runUsine(['validate', path]);
    expect(code).toBe(1);
    expect(stderr).toContain('is not UTF-8 text');
  });

  it('refuses a directory with a hint', async () => {
    const { code, stderr } = await runUsine(['validate', dir]);
    expect(code).toBe(1);
    expect(stderr).toContain('is a directory');
  });

  it('reads a spec from standard input with -, naming it stdin in messages', async () => {
    const ok = await runUsine(['validate', '-'], { stdin: jobYaml() });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('stdin: valid (Job demo)\n');
    const bad = await runUsine(['validate', '-'], { stdin: jobYaml('duration: 6 hours') });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('stdin:9:13: spec.duration: must be a duration');
  });

  it('refuses a misspelt GPU model with the known one it stands for', async () => {
    const { code, stderr } = await runUsine(['validate', '-'], {
      stdin: jobYaml('', 'gpus: 1, gpuModels: [H1OO]'),
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'stdin:8:37: spec.resources.gpuModels[0]: H1OO is not a GPU model Usine knows; did you mean H100?',
    );
  });

  it('warns, without failing, that a spec without spec.data gets no data rules', async () => {
    const bare = await runUsine(['validate', '-'], { stdin: jobYaml() });
    expect(bare.stderr).toMatch(/^stdin: warning: Job demo: no spec\.data: no data rules apply/m);
    const json = await runUsine(['validate', '--json', '-'], { stdin: jobYaml() });
    expect(JSON.parse(json.stdout)[0].warnings).toEqual([
      { path: 'spec.data', message: expect.stringMatching(/^no spec\.data/) },
    ]);
    const said = await runUsine(['validate', '-'], { stdin: jobYaml('data: { classification: public }') });
    expect(said.stderr).toBe('');
  });

  it('prints its report as YAML with -o yaml and one file name a line with -o name', async () => {
    const yaml = await runUsine(['validate', '-o', 'yaml', '-'], { stdin: jobYaml() });
    expect(yaml.stdout).toMatch(/^- file: stdin\n {2}valid: true\n {2}errors: \[\]\n/);
    const names = await runUsine([
      'validate',
      '-o',
      'name',
      write('n1.yaml', jobYaml()),
      write('n2.yaml', jobYaml()),
    ]);
    expect(names.stdout).toBe(`${join(dir, 'n1.yaml')}\n${join(dir, 'n2.yaml')}\n`);
    const unknown = await runUsine(['validate', '-o', 'xml', '-'], { stdin: jobYaml() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'usine: -o xml: unknown output format; use one of json, yaml, name, jsonpath=EXPR\n',
    );
  });

  it('exits 2 when no file is named', async () => {
    expect((await runUsine(['validate'])).code).toBe(2);
  });
});
