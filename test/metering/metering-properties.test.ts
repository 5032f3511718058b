import { isSimulated } from '../../src/domain/metering/usage-record.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildInvoices, type InvoiceInput } from '../../src/domain/metering/build-invoice.js';
import {
  addAmounts,
  isEqualAmount,
  roundToMinorUnits,
  sumAmounts,
} from '../../src/domain/metering/exact-amount.js';
import { DEFAULT_BILLING, type BillingSettings } from '../../src/domain/metering/invoice.js';
import { rateRecord } from '../../src/domain/metering/rate-usage.js';
import { splitRecord, usageRecord, usageRecords } from './usage-arbitraries.js';

const input = (
  records: InvoiceInput['records'],
  settings: BillingSettings = DEFAULT_BILLING,
): InvoiceInput => ({
  tenantId: 'ten_a',
  month: '2026-11',
  records,
  settings,
  rates: undefined,
  status: 'draft',
});

const settingsWithTax: BillingSettings = {
  ...DEFAULT_BILLING,
  taxRate: { coefficient: 20n, scale: 2 },
  markups: new Map([['nlp', { coefficient: 25n, scale: 2 }]]),
};

describe('metering invariants', () => {
  it('rating is additive over any split of an interval', () => {
    fc.assert(
      fc.property(
        usageRecord(0),
        fc.array(fc.integer({ min: 0, max: 25 * 86_400_000 }), { maxLength: 6 }),
        (record, cuts) => {
          const month = Date.UTC(2026, 10, 1);
          const parts = splitRecord(
            record,
            cuts.map((c) => month + c),
          );
          const whole = rateRecord(record);
          const sum = parts.map(rateRecord).reduce(addAmounts);
          expect(isEqualAmount(sum, whole)).toBe(true);
          // and the invoice of the parts is the invoice of the whole (minimums included)
          expect(buildInvoices(input(parts, settingsWithTax))).toEqual(
            buildInvoices(input([record], settingsWithTax)),
          );
        },
      ),
    );
  });

  it('replaying any subset of records leaves invoices unchanged', () => {
    fc.assert(
      fc.property(
        usageRecords().chain((records) => fc.tuple(fc.constant(records), fc.subarray(records), fc.nat())),
        ([records, replayed, seed]) => {
          const once = buildInvoices(input(records, settingsWithTax));
          // replays land anywhere in the stream, in any order
          const stream = [...records, ...replayed].sort(
            (a, b) => (hash(a.key, seed) - hash(b.key, seed)) as number,
          );
          expect(buildInvoices(input(stream, settingsWithTax))).toEqual(once);
        },
      ),
    );
  });

  it('the sum of invoice lines equals the sum of rated records to the cent', () => {
    fc.assert(
      fc.property(usageRecords(), (records) => {
        // without minimums or commitments, every line is rated records only
        const plain = records.map((r) => ({
          ...r,
          minimumSeconds: null,
          offering: r.offering === 'committed' ? ('on-demand' as const) : r.offering,
        }));
        for (const invoice of buildInvoices(input(plain, settingsWithTax))) {
          const rated = sumAmounts(
            plain.filter((r) => r.pricePerGpuHour.currency === invoice.currency).map(rateRecord),
            invoice.currency,
          );
          const lines = invoice.lines.reduce((s, l) => s + l.amount.amount.coefficient, 0n);
          expect(lines).toBe(roundToMinorUnits(rated));
          expect(invoice.subtotal.amount.coefficient).toBe(lines);
          // each line within one minor unit of its exact amount
          for (const line of invoice.lines) {
            const exact = sumAmounts(
              plain
                .filter(
                  (r) =>
                    r.project === line.project &&
                    r.site === line.site &&
                    r.gpuModel === line.gpuModel &&
                    r.offering === line.offering &&
                    isSimulated(r) === line.simulated &&
                    r.pricePerGpuHour.currency === invoice.currency &&
                    r.pricePerGpuHour.amount.coefficient *
                      10n ** BigInt(6 - r.pricePerGpuHour.amount.scale) ===
                      line.unitPrice.amount.coefficient * 10n ** BigInt(6 - line.unitPrice.amount.scale),
                )
                .map(rateRecord),
              invoice.currency,
            );
            const diff = line.amount.amount.coefficient * exact.denominator - exact.numerator * 100n;
            expect(diff < 0n ? -diff : diff).toBeLessThan(exact.denominator);
          }
        }
      }),
    );
  });
});

function hash(key: string, seed: number): number {
  let h = seed | 0;
  for (const c of key) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}
