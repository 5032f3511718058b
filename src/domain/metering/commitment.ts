import type { Money } from '../money/money.js';
import type { Month } from './month.js';
import { milliGpuMs, type UsageRecord } from './usage-record.js';

/**
 * A tenant reserves `gpus` GPUs of a model on a site for a month at `pricePerGpuHour`
 * (paid whole, used or not). At any instant, usage up to `gpus` is covered; beyond it is
 * charged at `overagePricePerGpuHour` (the site's on-demand price).
 */
export interface Commitment {
  readonly month: Month;
  readonly site: string;
  readonly gpuModel: string;
  readonly gpus: number;
  readonly pricePerGpuHour: Money;
  readonly overagePricePerGpuHour: Money;
}

/**
 * Splits the committed usage of one site and model into what the commitment covers and
 * the overage, both in milli-GPU × ms. A sweep over the intervals: between two instants
 * where some record starts or ends, `min(concurrent, reserved)` is covered.
 */
export function splitCommittedUsage(
  records: readonly UsageRecord[],
  reservedGpus: number,
): { covered: bigint; overage: bigint } {
  const reserved = BigInt(reservedGpus) * 1000n;
  const edges: { at: number; delta: bigint }[] = [];
  for (const r of records) {
    if (milliGpuMs(r) === 0n) continue;
    edges.push({ at: Date.parse(r.start), delta: BigInt(r.milliGpus) });
    edges.push({ at: Date.parse(r.end), delta: -BigInt(r.milliGpus) });
  }
  edges.sort((a, b) => a.at - b.at);
  let covered = 0n;
  let overage = 0n;
  let concurrent = 0n;
  let last = edges[0]?.at ?? 0;
  for (const edge of edges) {
    const span = BigInt(edge.at - last);
    covered += (concurrent < reserved ? concurrent : reserved) * span;
    overage += (concurrent > reserved ? concurrent - reserved : 0n) * span;
    concurrent += edge.delta;
    last = edge.at;
  }
  return { covered, overage };
}
