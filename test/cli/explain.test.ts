import { describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';

describe('usine explain', () => {
  it('describes a field of a Job from the schema: type, meaning and the fields under it', async () => {
    const { code, stdout } = await runUsine(['explain', 'spec.resources']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^KIND: +Job\nFIELD: +spec\.resources <object>\n/);
    expect(stdout).toMatch(/^ {2}gpus <number> -required-\n {4}Whole GPUs per node/m);
    expect(stdout).toMatch(/^ {2}gpuModels <\[\]string>$/m);
  });

  it('gives a field’s default and its choices', async () => {
    const { stdout } = await runUsine(['explain', 'service.spec.workload']);
    expect(stdout).toMatch(
      /^KIND: +Service\nFIELD: +spec\.workload <train \| finetune \| inference \| serve \| dev>\nDEFAULT: +"serve"/,
    );
  });

  it('starts at the kind it names first, and prints JSON for scripts', async () => {
    const { code, stdout } = await runUsine(['explain', 'Site.spec.capacity', '-o', 'json']);
    expect(code).toBe(0);
    const explanation = JSON.parse(stdout) as {
      kind: string;
      type: string;
      fields: { name: string; required: boolean }[];
    };
    expect(explanation).toMatchObject({ kind: 'Site', type: '[]object' });
    expect(explanation.fields).toContainEqual(
      expect.objectContaining({ name: 'gpusPerNode', required: true }),
    );
  });

  it('suggests the field meant when a name is misspelt', async () => {
    const { code, stderr } = await runUsine(['explain', 'spec.resorces']);
    expect(code).toBe(1);
    expect(stderr).toBe('usine: spec has no field resorces; did you mean resources?\n');
  });
});
