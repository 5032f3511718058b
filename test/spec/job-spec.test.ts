import { describe, expect, it } from 'vitest';
import { describeRegion } from '../../src/domain/geo/region.js';
import { DESIGN_EXAMPLE, jobYaml, readText, readValidSpec } from '../support/read-text.js';

describe('the portable job spec', () => {
  it('accepts the example of DESIGN.md and normalises it', () => {
    const spec = readValidSpec(DESIGN_EXAMPLE);
    expect(spec.name).toBe('radiology-finetune');
    expect(spec.resources).toMatchObject({ gpus: 8, milliGpus: 8000, nodes: 2, gpuModels: ['H100', 'H200'] });
    expect(spec.duration).toBe(6 * 3600);
    expect(spec.maxDuration).toBe(8 * 3600);
    expect(spec.constraints.maxPricesPerGpuHour[0]).toEqual({
      amount: { coefficient: 350n, scale: 2 },
      currency: 'EUR',
    });
  });

  it('applies defaults: one node, normal priority, not preemptible, internal data, cost objective', () => {
    const spec = readValidSpec(jobYaml());
    expect(spec.resources.nodes).toBe(1);
    expect(spec.priority).toBe('normal');
    expect(spec.preemptible).toBe(false);
    expect(spec.classification).toBe('internal');
    expect(spec.constraints.objective).toBe('cost');
    expect(spec.constraints.residency).toEqual({ kind: 'any' });
  });

  it('assumes a one-hour estimate when neither duration nor maxDuration is given, and says so', () => {
    const spec = readValidSpec(jobYaml());
    expect(spec.duration).toBe(3600);
    expect(spec.isDurationAssumed).toBe(true);
  });

  it('accepts a minimal spec, command and resources: a Job trains and a Service serves', () => {
    const minimal = (kind: string) =>
      `apiVersion: usine/v1\nkind: ${kind}\nmetadata: { name: m }\nspec: { command: [x], resources: { gpus: 1 } }\n`;
    expect(readValidSpec(minimal('Job')).workload).toBe('train');
    expect(readValidSpec(minimal('Service')).workload).toBe('serve');
  });

  it('accepts a Service', () => {
    const spec = readValidSpec(jobYaml().replace('kind: Job', 'kind: Service'));
    expect(spec.kind).toBe('Service');
  });

  it('accepts the same spec written as JSON, with positions in the JSON text', () => {
    const json = JSON.stringify({
      apiVersion: 'usine/v1',
      kind: 'Job',
      metadata: { name: 'demo' },
      spec: { workload: 'train', command: ['x'], resources: { gpus: 1, gpuModel: ['H100'] } },
    });
    const { diagnostics } = readText(json, 'job.json');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 1, path: 'spec.resources.gpuModel' });
    expect(diagnostics[0]?.col).toBe(json.indexOf('"gpuModel"') + 1);
  });

  it.each([
    ['90m', 5400],
    ['6h', 21600],
    ['1h30m', 5400],
    ['2d', 172800],
    ['45s', 45],
  ])('reads the duration %s as %i seconds', (text, seconds) => {
    expect(readValidSpec(jobYaml(`duration: ${text}`)).duration).toBe(seconds);
  });

  it.each(['6 hours', '1.5h', '30m1h', 'h', '0m', '-1h'])('rejects the duration %j', (text) => {
    const { diagnostics } = readText(jobYaml(`duration: "${text}"`));
    expect(diagnostics.map((d) => d.path)).toEqual(['spec.duration']);
  });

  it('rejects a maxDuration below the duration, naming both', () => {
    const { diagnostics } = readText(jobYaml('duration: 6h\nmaxDuration: 2h'));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.path).toBe('spec.maxDuration');
    expect(diagnostics[0]?.message).toContain('spec.duration');
  });

  it.each([
    ['8', 1],
    ['0.25', 1],
    ['0.125', 1],
    ['4', 3],
  ])('accepts gpus %s on %i node(s)', (gpus, nodes) => {
    const spec = readValidSpec(jobYaml('', `gpus: ${gpus}, nodes: ${nodes}`));
    expect(spec.resources.milliGpus).toBe(Math.round(Number(gpus) * 1000));
  });

  it.each([
    ['0', 1, 'must be a positive integer or a fraction below 1'],
    ['-2', 1, 'must be a positive integer or a fraction below 1'],
    ['1.5', 1, 'neither'],
    ['0.5', 2, 'needs nodes: 1'],
    ['0.0001', 1, 'thousandths'],
    ['"two"', 1, 'must be a positive integer or a fraction below 1'],
  ])('rejects gpus %s on %i node(s)', (gpus, nodes, message) => {
    const { diagnostics } = readText(jobYaml('', `gpus: ${gpus}, nodes: ${nodes}`));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.path).toBe('spec.resources.gpus');
    expect(diagnostics[0]?.message).toContain(message);
  });

  it('rejects a GPU model listed twice, whatever its case', () => {
    const { diagnostics } = readText(jobYaml('', 'gpus: 1, gpuModels: [H100, h100]'));
    expect(diagnostics.map((d) => d.path)).toEqual(['spec.resources.gpuModels[1]']);
  });

  it.each([
    ['"3.50 EUR"', undefined],
    ['"0.5 USD"', undefined],
    ['"3.50"', 'currency required'],
    ['3.5', 'currency required: write "3.5 EUR"'],
    ['"3.50 EURO"', 'ISO 4217'],
    ['"3.50 XYZ"', 'not an ISO 4217 currency'],
    ['"-1 EUR"', 'ISO 4217'],
  ])('reads the price cap %s', (text, problem) => {
    const { diagnostics } = readText(jobYaml(`placement: { maxPricePerGpuHour: ${text} }`));
    if (problem === undefined) expect(diagnostics).toEqual([]);
    else {
      expect(diagnostics.map((d) => d.path)).toEqual(['spec.placement.maxPricePerGpuHour']);
      expect(diagnostics[0]?.message).toMatch(new RegExp(problem));
    }
  });

  it.each([
    ['FR', 'FR'],
    ['EU', 'EU'],
    ['EEA', 'EEA'],
    ['any', 'any country'],
    ['[FR, DE]', 'DE, FR'],
  ])('reads the residency %s', (text, described) => {
    const spec = readValidSpec(jobYaml(`data: { residency: ${text} }`));
    expect(describeRegion(spec.constraints.residency)).toBe(described);
  });

  it.each([
    ['fr', 'spec.data.residency'],
    ['XX', 'spec.data.residency'],
    ['[FR, XX]', 'spec.data.residency[1]'],
    ['[]', 'spec.data.residency'],
    ['Europe', 'spec.data.residency'],
  ])('rejects the residency %s at %s', (text, path) => {
    const { diagnostics } = readText(jobYaml(`data: { residency: ${text} }`));
    expect(diagnostics.map((d) => d.path)).toEqual([path]);
  });

  it('rejects prefer naming a site outside the allow-list', () => {
    const { diagnostics } = readText(jobYaml('placement: { sites: [paris-1, local], prefer: [locl] }'));
    expect(diagnostics[0]?.path).toBe('spec.placement.prefer[0]');
    expect(diagnostics[0]?.message).toContain('did you mean local?');
  });

  it('requires a command unless an image is given', () => {
    const noCommand = jobYaml().replace('  command: ["python", "train.py"]\n', '');
    expect(readText(noCommand).diagnostics[0]?.message).toContain('spec.command is required');
    expect(readText(noCommand.replace('spec:\n', 'spec:\n  image: r.example/x:1\n')).diagnostics).toEqual([]);
  });

  it('rejects label and environment values that are not strings', () => {
    const text = jobYaml('env: { SEED: 1 }').replace('  name: demo', '  name: demo\n  labels: { tier: 2 }');
    const { diagnostics } = readText(text);
    expect(diagnostics.map((d) => d.path)).toEqual(['metadata.labels.tier', 'spec.env.SEED']);
  });

  it('rejects a name that is not a DNS label', () => {
    const { diagnostics } = readText(jobYaml().replace('name: demo', 'name: My_Job'));
    expect(diagnostics.map((d) => d.path)).toEqual(['metadata.name']);
  });

  it('rejects a missing required field at the parent key', () => {
    const { diagnostics } = readText(jobYaml('', 'gpus: 1').replace('  resources: { gpus: 1 }\n', ''));
    expect(diagnostics).toEqual([
      expect.objectContaining({ path: 'spec.resources', message: 'required field is missing', line: 5 }),
    ]);
  });
});
