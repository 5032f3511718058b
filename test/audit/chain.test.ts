import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/domain/audit/canonical-json.js';
import {
  canonicalEntryJson,
  chainEntry,
  verifyChain,
  type AuditEntry,
  type AuditEvent,
} from '../../src/domain/audit/chain.js';
import { sha256Hex } from '../../src/domain/audit/sha256.js';
import { nativeSha256 } from '../../src/app/audit/native-sha256.js';

const event = (i: number): AuditEvent => ({
  at: `2026-11-27T10:00:${String(i % 60).padStart(2, '0')}Z`,
  actor: 'key:k1',
  tenantId: 'ten_1',
  action: 'job.submit',
  subject: `job_${i}`,
  data: { i, labels: { b: '2', a: '1' } },
});

function buildChain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) entries.push(chainEntry(entries[entries.length - 1], event(i)));
  return entries;
}

describe('sha256', () => {
  it('equals node:crypto on any text, and so does the native one the store seals with', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
        expect(nativeSha256(text)).toBe(sha256Hex(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('canonical JSON', () => {
  it('of an entry, written field by field, is canonicalJson of the entry and its seq', () => {
    fc.assert(
      fc.property(
        fc.record({
          at: fc.string(),
          actor: fc.string(),
          tenantId: fc.option(fc.string(), { nil: null }),
          action: fc.string(),
          subject: fc.string(),
          data: fc.option(fc.jsonValue(), { nil: undefined }),
        }),
        fc.nat(),
        (entry, seq) => {
          expect(canonicalEntryJson(entry, seq)).toBe(canonicalJson({ ...entry, seq }));
        },
      ),
    );
  });

  it('sorts keys at every level and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"z":1}]},"b":1}',
    );
  });
});

describe('the audit chain', () => {
  it('verifies an untouched chain', () => {
    expect(verifyChain(buildChain(20))).toEqual({ ok: true, entries: 20 });
  });

  it('detects any edit of any field of any entry', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom('actor', 'action', 'subject', 'at', 'data'),
        (i, field) => {
          const chain = buildChain(10);
          const entry = chain[i] as AuditEntry;
          chain[i] = {
            ...entry,
            [field]: field === 'data' ? { i: -1 } : `${String(entry[field as 'actor'])}x`,
          };
          const result = verifyChain(chain);
          expect(result.ok).toBe(false);
          expect(result.firstBadEntry).toBe(i + 1);
        },
      ),
    );
  });

  it('detects a deleted entry in the middle', () => {
    const chain = buildChain(10);
    chain.splice(4, 1);
    expect(verifyChain(chain)).toMatchObject({ ok: false, firstBadEntry: 6 });
  });

  it('detects two entries swapped', () => {
    const chain = buildChain(10);
    [chain[3], chain[4]] = [chain[4] as AuditEntry, chain[3] as AuditEntry];
    expect(verifyChain(chain)).toMatchObject({ ok: false, firstBadEntry: 5 });
  });

  it('detects an entry re-hashed after an edit, at the next entry', () => {
    const chain = buildChain(10);
    const edited = chainEntry(chain[2], { ...event(3), subject: 'job_forged' });
    chain[3] = edited;
    expect(verifyChain(chain)).toMatchObject({ ok: false, firstBadEntry: 5 });
  });
});
