import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocuments } from '../../src/domain/documents/parse-documents.js';
import { readScenario } from '../../src/sim/read-scenario.js';
import { runScenario } from '../../src/sim/run-scenario.js';

function load(text: string) {
  return readScenario(parseDocuments(text, 'scenario.yaml').documents[0]!);
}

const small = readFileSync(new URL('../../examples/scenarios/small.yaml', import.meta.url), 'utf8');

describe('scenario documents', () => {
  it('reads the small example', () => {
    const result = load(small);
    expect(result.ok).toBe(true);
  });

  it('rejects an unknown field with a suggestion and its place in the file', () => {
    const result = load(small.replace('targetLoad:', 'targetLod:'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        path: 'spec.workload.targetLod',
        message: 'unknown field; did you mean targetLoad?',
        line: 14,
        col: 5,
      }),
    );
  });

  it('rejects a quota for a GPU model the cluster does not have', () => {
    const result = load(small.replace('quota: { H100: 16 }', 'quota: { H10: 16 }'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]?.message).toContain('did you mean H100?');
  });

  it('rejects shares that name no tenant or priority', () => {
    const result = load(
      small.replace('startup: 0.2 }', 'startpu: 0.2 }').replace('high: 0.1', 'urgent: 0.1'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => d.path)).toEqual(
      expect.arrayContaining(['spec.workload.tenantShare.startpu', 'spec.workload.priorityShare.urgent']),
    );
  });
});

describe('scenario simulation', () => {
  const scenario = (() => {
    const result = load(small.replace('jobs: 2000', 'jobs: 400'));
    if (!result.ok) throw new Error('the small example must be valid');
    return result.scenario;
  })();

  it('gives a byte-identical result for the same seed', () => {
    expect(JSON.stringify(runScenario(scenario))).toBe(JSON.stringify(runScenario(scenario)));
  });

  it('finds no partial gang and no quota violation in its event log', () => {
    const outcome = runScenario(scenario);
    expect(outcome.jobs).toBe(400);
    expect(outcome.partialGangs).toBe(0);
    expect(outcome.quotaViolations).toBe(0);
    expect(outcome.overAllocations).toBe(0);
  });

  it('the independent checker counts a start on too few nodes as a partial gang', async () => {
    const { createEventLogChecker } = await import('../../src/sim/event-log-checker.js');
    const checker = createEventLogChecker(scenario);
    checker.observe({
      kind: 'start',
      job: 1,
      tenant: 0,
      model: 'H100',
      isPreemptible: false,
      nodes: 2,
      gpusPerNode: 8,
      gpuMilli: 1000,
      placements: [{ node: 0, gpus: [0, 1, 2, 3, 4, 5, 6, 7] }],
    });
    checker.observe({
      kind: 'start',
      job: 2,
      tenant: 2,
      model: 'H100',
      isPreemptible: false,
      nodes: 3,
      gpusPerNode: 8,
      gpuMilli: 1000,
      placements: [1, 2, 3].map((node) => ({ node, gpus: [0, 1, 2, 3, 4, 5, 6, 7] })),
    });
    expect(checker.counts.partialGangs).toBe(1);
    expect(checker.counts.quotaViolations).toBe(1);
  });
});
