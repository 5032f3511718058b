import fc from 'fast-check';
import type { UsageRecord } from '../../src/domain/metering/usage-record.js';

const MONTH_START = Date.UTC(2026, 10, 1);
const PROJECTS = ['vision', 'nlp', 'rag'];
const SITES = ['paris', 'lyon'];
const MODELS = ['H100', 'L40S'];
const PRICES = ['2.50', '1.10', '0.97', '3.333', '0.01'];

/** A record of November 2026 with a price fixed at admission; keys unique by index. */
export const usageRecord = (index: number): fc.Arbitrary<UsageRecord> =>
  fc
    .record({
      project: fc.constantFrom(...PROJECTS),
      site: fc.constantFrom(...SITES),
      gpuModel: fc.constantFrom(...MODELS),
      offering: fc.constantFrom('on-demand' as const, 'spot' as const, 'committed' as const),
      milliGpus: fc.oneof(fc.constantFrom(250, 500, 1000, 2000, 8000), fc.integer({ min: 1, max: 16000 })),
      startMs: fc.integer({ min: 0, max: 20 * 86_400_000 }),
      lengthMs: fc.integer({ min: 0, max: 3 * 86_400_000 }),
      price: fc.constantFrom(...PRICES),
      currency: fc.constantFrom('EUR', 'EUR', 'USD'),
      minimumSeconds: fc.option(fc.constantFrom(60, 600, 3600), { nil: null }),
      isFinal: fc.boolean(),
      timeScale: fc.constantFrom(1, 1, 1, 60, 3600),
    })
    .map((r) => ({
      key: `job_${index}#1`,
      tenantId: 'ten_a',
      project: r.project,
      jobId: `job_${index}`,
      site: r.site,
      gpuModel: r.gpuModel,
      offering: r.offering,
      milliGpus: r.milliGpus,
      start: new Date(MONTH_START + r.startMs).toISOString(),
      end: new Date(MONTH_START + r.startMs + r.lengthMs).toISOString(),
      energyWh: { coefficient: 0n, scale: 0 },
      pricePerGpuHour: { amount: decimal(r.price), currency: r.currency },
      minimumSeconds: r.minimumSeconds,
      isFinal: r.isFinal,
      timeScale: r.timeScale,
      invoiceMonth: null,
      correction: null,
    }));

export const usageRecords = (max = 12): fc.Arbitrary<UsageRecord[]> =>
  fc.integer({ min: 0, max }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => usageRecord(i))));

function decimal(text: string) {
  const [whole = '0', fraction = ''] = text.split('.');
  return { coefficient: BigInt(whole + fraction), scale: fraction.length };
}

/** Cuts a record at the given instants (inside its interval) into consecutive records. */
export function splitRecord(record: UsageRecord, cutsMs: readonly number[]): UsageRecord[] {
  const start = Date.parse(record.start);
  const end = Date.parse(record.end);
  const points = [...new Set(cutsMs.filter((c) => c > start && c < end))].sort((a, b) => a - b);
  const edges = [start, ...points, end];
  return edges.slice(1).map((to, i) => ({
    ...record,
    key: `${record.key}/${i}`,
    start: new Date(edges[i] ?? start).toISOString(),
    end: new Date(to).toISOString(),
    isFinal: record.isFinal && i === edges.length - 2,
  }));
}
