import type { GpuDevice } from '../../app/ports/executor.js';
import type { CapacityRow } from '../../domain/catalog/catalog.js';
import { normaliseGpuModel } from '../../domain/scheduling/resources.js';

/**
 * The catalog declares a site's expected shape; its agents report what is there. Undefined
 * when they agree (GPUs by model), else a sentence naming both, e.g.
 * `site local: the catalog expects 2 × L40S, its agents report 1 × H100 (what agents report is used)`.
 * A catalog that declares nothing expects nothing.
 */
export function describeCapacityMismatch(
  site: string,
  expected: readonly CapacityRow[],
  devices: readonly GpuDevice[],
): string | undefined {
  if (expected.length === 0) return undefined;
  const want = new Map<string, number>();
  for (const row of expected) {
    const model = normaliseGpuModel(row.gpuModel);
    want.set(model, (want.get(model) ?? 0) + row.gpusPerNode * row.nodes);
  }
  const have = new Map<string, number>();
  for (const device of devices) {
    const model = normaliseGpuModel(device.model);
    have.set(model, (have.get(model) ?? 0) + 1);
  }
  const same = want.size === have.size && [...want].every(([model, n]) => have.get(model) === n);
  if (same) return undefined;
  return (
    `site ${site}: the catalog expects ${describeCounts(want)}, its agents report ${describeCounts(have)} ` +
    '(what agents report is used)'
  );
}

function describeCounts(counts: ReadonlyMap<string, number>): string {
  if (counts.size === 0) return 'no GPUs';
  return [...counts].map(([model, n]) => `${n} × ${model}`).join(', ');
}
