import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readText } from '../support/read-text.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const duration = fc
  .record({ d: fc.nat(3), h: fc.nat(23), m: fc.nat(59) })
  .filter(({ d, h, m }) => d + h + m > 0)
  .map(({ d, h, m }) => ({
    text: `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}`,
    seconds: d * 86400 + h * 3600 + m * 60,
  }));
const gpuShape = fc.oneof(
  fc.record({ gpus: fc.integer({ min: 1, max: 8 }), nodes: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ gpus: fc.constantFrom(0.125, 0.25, 0.5, 0.75), nodes: fc.constant(1) }),
);

/** A valid spec as plain data, with the durations it should read back as. */
const validSpec = fc
  .record({
    kind: fc.constantFrom('Job', 'Service'),
    name,
    project: fc.option(name, { nil: undefined }),
    workload: fc.constantFrom('train', 'finetune', 'inference', 'serve', 'dev'),
    command: fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 4 }),
    shape: gpuShape,
    gpuModels: fc.option(
      fc.uniqueArray(fc.constantFrom('H100', 'H200', 'A100', 'L40S', 'MI300X'), { minLength: 1 }),
      {
        nil: undefined,
      },
    ),
    duration,
    slack: fc.nat(3600),
    priority: fc.constantFrom('low', 'normal', 'high', 'critical'),
    preemptible: fc.boolean(),
    data: fc.constantFrom(
      { classification: 'public', residency: 'any' },
      { classification: 'personal', residency: 'EEA' },
      { classification: 'health', residency: 'FR' },
      { classification: 'health' },
      { classification: 'restricted', residency: ['FR', 'DE'] },
      { classification: 'internal', residency: ['US', 'CH'] },
    ),
    price: fc.option(fc.tuple(fc.nat(99), fc.nat(99), fc.constantFrom('EUR', 'USD', 'CHF')), {
      nil: undefined,
    }),
    objective: fc.constantFrom('cost', 'time', 'carbon'),
  })
  .map((r) => ({
    expected: r,
    document: {
      apiVersion: 'usine/v1',
      kind: r.kind,
      metadata: { name: r.name, ...(r.project ? { project: r.project } : {}) },
      spec: {
        workload: r.workload,
        command: r.command,
        resources: { ...r.shape, ...(r.gpuModels ? { gpuModels: r.gpuModels } : {}) },
        duration: r.duration.text,
        maxDuration: `${r.duration.seconds + r.slack}s`,
        priority: r.priority,
        preemptible: r.preemptible,
        data: r.data,
        placement: {
          objective: r.objective,
          ...(r.price
            ? { maxPricePerGpuHour: `${r.price[0]}.${String(r.price[1]).padStart(2, '0')} ${r.price[2]}` }
            : {}),
        },
      },
    },
  }));

describe('spec properties', () => {
  it('valid specs round-trip through YAML and JSON', () => {
    fc.assert(
      fc.property(validSpec, fc.boolean(), ({ expected, document }, asJson) => {
        const text = asJson ? JSON.stringify(document, null, 2) : stringify(document);
        const set = readText(text, asJson ? 'job.json' : 'job.yaml');
        expect(set.diagnostics).toEqual([]);
        const spec = set.specs[0]?.spec;
        expect(spec?.name).toBe(expected.name);
        expect(spec?.kind).toBe(expected.kind);
        expect(spec?.command).toEqual(expected.command);
        expect(spec?.resources.gpus).toBe(expected.shape.gpus);
        expect(spec?.resources.nodes).toBe(expected.shape.nodes);
        expect(spec?.duration).toBe(expected.duration.seconds);
        expect(spec?.maxDuration).toBe(expected.duration.seconds + expected.slack);
        expect(spec?.preemptible).toBe(expected.preemptible);
      }),
      { numRuns: 200 },
    );
  });

  it('random mutations of valid specs only ever give clean, positioned errors', () => {
    const junk = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.string({ maxLength: 12 }),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
      fc.constantFrom('__proto__', 'constructor', 'EU', 'any', '1h', '3.50 EUR', -1, 0, 0.5, 1e300),
    );
    const mutation = fc.record({
      pick: fc.nat(),
      action: fc.constantFrom('set', 'delete', 'rename', 'add'),
      junk,
      key: fc.string({ maxLength: 10 }),
    });
    fc.assert(
      fc.property(
        validSpec,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        ({ document }, mutations) => {
          const value = structuredClone(document) as Record<string, unknown>;
          for (const m of mutations) mutate(value, m);
          const text = stringify(value);
          let set: ReturnType<typeof readText> | undefined;
          expect(() => (set = readText(text))).not.toThrow();
          for (const d of set?.diagnostics ?? []) {
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.col).toBeGreaterThanOrEqual(1);
            expect(d.message.length).toBeGreaterThan(0);
            expect(d.message).not.toMatch(/\n\s+at |TypeError|undefined is not/);
          }
          expect((set?.diagnostics.length ?? 0) > 0 || set?.specs.length === 1).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('arbitrary text never makes the reader throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expect(() => readText(text)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

type Mutation = { pick: number; action: string; junk: unknown; key: string };

/** Applies one mutation at a node chosen among all maps of the document. */
function mutate(root: Record<string, unknown>, m: Mutation): void {
  const maps: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      maps.push(node as Record<string, unknown>);
      Object.values(node).forEach(walk);
    } else if (Array.isArray(node)) node.forEach(walk);
  };
  walk(root);
  const target = maps[m.pick % maps.length];
  if (!target) return;
  const keys = Object.keys(target);
  const key = keys[m.pick % Math.max(1, keys.length)];
  if (m.action === 'add' || key === undefined)
    Object.defineProperty(target, m.key, {
      value: m.junk,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  else if (m.action === 'set') target[key] = m.junk;
  else if (m.action === 'delete') delete target[key];
  else {
    const v = target[key];
    delete target[key];
    Object.defineProperty(target, `${key}${m.key.slice(0, 2)}`, {
      value: v,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
}
