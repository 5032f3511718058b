import { describe, expect, it } from 'vitest';
import { parseDocuments } from '../../src/domain/documents/parse-documents.js';
import { jobYaml, readText } from '../support/read-text.js';

const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
].join('\n');

describe('hostile input', () => {
  it('stops a "billion laughs" alias bomb with a clear message at the first alias', () => {
    const { diagnostics } = readText(billionLaughs);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 2, path: 'yaml' });
    expect(diagnostics[0]?.message).toContain('too many alias expansions');
  });

  it('still accepts a few honest aliases', () => {
    const text = jobYaml().replace(
      '  command: ["python", "train.py"]',
      '  command: &cmd ["python"]\n  env: { X: "1" }',
    );
    expect(readText(text).diagnostics).toEqual([]);
  });

  it.each(['x: &x\n  y: *x\n', 'a: &a [*a]\n', '&top [1, *top]\n'])(
    'refuses an alias to a node that contains it (%j) instead of recursing for ever',
    (text) => {
      const { diagnostics } = readText(text);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ path: 'yaml' });
      expect(diagnostics[0]?.message).toMatch(/refers to a node that contains it/);
    },
  );

  it('names the field of a NUL or a lone surrogate, with its line', () => {
    const text = jobYaml().replace(
      '  command: ["python", "train.py"]',
      '  command: ["py\\0thon", "\\ud800"]',
    );
    const { diagnostics } = readText(text);
    expect(diagnostics.map((d) => d.path)).toEqual(['spec.command[0]', 'spec.command[1]']);
    expect(diagnostics[0]?.message).toContain('NUL');
    expect(diagnostics[1]?.message).toContain('lone surrogate');
  });

  it('refuses a file over 1 MiB before parsing it', () => {
    const big = `${jobYaml()}# ${'x'.repeat(1024 * 1024)}\n`;
    const { diagnostics } = readText(big);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.message).toContain('over the limit of 1048576 bytes');
  });

  it('rejects __proto__, constructor and prototype keys without polluting any object', () => {
    const text = jobYaml('env: { __proto__: { polluted: "yes" } }').replace(
      '  name: demo',
      '  name: demo\n  labels: { constructor: x }',
    );
    const { diagnostics } = readText(text);
    expect(diagnostics.map((d) => d.path)).toEqual(['metadata.labels.constructor', 'spec.env.__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('refuses nesting deeper than 64 levels', () => {
    const deep = `x: ${'['.repeat(200)}${']'.repeat(200)}\n`;
    const { diagnostics } = parseDocuments(deep, 'deep.yaml');
    expect(diagnostics[0]?.message).toContain('nesting deeper than 64');
  });

  it('reports duplicate keys at their line', () => {
    const { diagnostics } = readText(jobYaml('priority: high\npriority: low'));
    expect(diagnostics).toEqual([
      expect.objectContaining({ line: 10, message: expect.stringContaining('duplicate key') }),
    ]);
  });

  it('reports a YAML syntax error with its line and no stack trace', () => {
    const { diagnostics } = readText('apiVersion: usine/v1\nkind: Job\nmetadata: { name: x\nspec: [\n');
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.path === 'yaml' && d.line >= 3 && !/\n\s+at /.test(d.message))).toBe(
      true,
    );
  });

  it('says a document that is not a map must be one', () => {
    expect(readText('- just\n- a list\n').diagnostics[0]?.message).toContain('must be a map');
  });

  it('says an empty file holds no document', () => {
    expect(readText('# nothing\n').diagnostics[0]?.message).toContain('no document');
  });

  it('reports every error of a file at once, in reading order', () => {
    const text = [
      'apiVersion: usine/v2',
      'kind: Job',
      'metadata: { name: Bad_Name }',
      'spec:',
      '  workload: finetun',
      '  command: [python]',
      '  resources: { gpus: 0.5, nodes: 2, gpuModel: [H100] }',
      '  duration: 6 hours',
      '  prioirty: high',
      '  data: { classification: health, residency: any }',
      '',
    ].join('\n');
    const { diagnostics } = readText(text);
    expect(diagnostics.map((d) => [d.line, d.path])).toEqual([
      [1, 'apiVersion'],
      [3, 'metadata.name'],
      [5, 'spec.workload'],
      [7, 'spec.resources.gpus'],
      [7, 'spec.resources.gpuModel'],
      [8, 'spec.duration'],
      [9, 'spec.prioirty'],
      [10, 'spec.data.residency'],
    ]);
  });

  it('points an unknown field at its key and suggests the known one', () => {
    const { diagnostics } = readText(jobYaml('', 'gpus: 1, gpuModel: [H100]'));
    expect(diagnostics[0]).toMatchObject({
      line: 8,
      col: 25,
      path: 'spec.resources.gpuModel',
      message: 'unknown field; did you mean gpuModels?',
    });
  });

  it('suggests nothing for a field that resembles none, and lists the known ones', () => {
    const { diagnostics } = readText(jobYaml('zzzzzz: 1'));
    expect(diagnostics[0]?.message).toMatch(/^unknown field; expected one of: workload, command/);
  });
});
