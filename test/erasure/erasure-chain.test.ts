import { describe, expect, it } from 'vitest';
import { ChainScan } from '../../src/domain/audit/chain-scan.js';
import {
  chainEntry,
  GENESIS_POSITION,
  type AuditEntry,
  type AuditEvent,
} from '../../src/domain/audit/chain.js';
import {
  dataCommitment,
  erasedData,
  erasureCommitment,
  ERASURE_ACTION,
  listErasedEntries,
  type ErasedEntry,
} from '../../src/domain/audit/erasure.js';

const event = (i: number, data: unknown, action = 'job.submit'): AuditEvent => ({
  at: '2026-12-01T09:00:00.000Z',
  actor: 'key:key_1',
  tenantId: 'ten_a',
  action,
  subject: `job_${i}`,
  data,
});

/** Entries 1–4 name jobs; entry 5 is the erasure of 2 and 3; then 2 and 3 are erased. */
function erasedChain() {
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= 4; i++) entries.push(chainEntry(entries.at(-1), event(i, { name: `alice-${i}` })));
  const listed: ErasedEntry[] = [2, 3].map((seq) => ({
    seq,
    erasureId: 'era_1',
    hash: entries[seq - 1]?.hash ?? '',
    dataSha256: dataCommitment(entries[seq - 1]?.data),
  }));
  entries.push(
    chainEntry(
      entries.at(-1),
      event(5, { erasure: 'era_1', commitment: erasureCommitment(listed) }, ERASURE_ACTION),
    ),
  );
  const erased = entries.map((e) =>
    e.seq === 2 || e.seq === 3 ? { ...e, data: erasedData('era_1', dataCommitment(e.data)) } : e,
  );
  return { erased, listed: new Map(listed.map((l) => [l.seq, l])) };
}

const scan = (entries: readonly AuditEntry[], erasures: ReadonlyMap<number, ErasedEntry>) => {
  const s = new ChainScan(GENESIS_POSITION, {
    checkpoints: new Map(),
    authenticateAfter: Infinity,
    isAuthentic: () => true,
    erasures,
  });
  s.add(entries);
  return s.finish();
};

describe('erasure keeps the chain verifiable', () => {
  it('verifies a chain whose erased entries its sealed erasure lists', () => {
    const { erased, listed } = erasedChain();
    expect(scan(erased, listed)).toBeUndefined();
    expect(JSON.stringify(erased)).not.toContain('alice-2');
  });

  it('finds an entry marked erased that no erasure lists', () => {
    const { erased, listed } = erasedChain();
    const forged = erased.map((e) =>
      e.seq === 4 ? { ...e, data: erasedData('era_1', dataCommitment(e.data)) } : e,
    );
    expect(scan(forged, listed)).toMatchObject({ seq: 4, kind: 'edited' });
  });

  it('finds an entry added to an erasure’s list after it was sealed', () => {
    const { erased, listed } = erasedChain();
    const entry4 = erased[3] as AuditEntry;
    const more = new Map(listed).set(4, {
      seq: 4,
      erasureId: 'era_1',
      hash: entry4.hash,
      dataSha256: dataCommitment(entry4.data),
    });
    const forged = erased.map((e) =>
      e.seq === 4 ? { ...e, data: erasedData('era_1', dataCommitment(e.data)) } : e,
    );
    expect(scan(forged, more)).toMatchObject({ seq: 5, kind: 'edited' });
  });

  it('finds erased data whose commitment is not the one listed', () => {
    const { erased, listed } = erasedChain();
    const edited = erased.map((e) => (e.seq === 2 ? { ...e, data: erasedData('era_1', '0'.repeat(64)) } : e));
    expect(scan(edited, listed)).toMatchObject({ seq: 2, kind: 'edited' });
  });

  it('finds an erasure whose own entry is missing from the chain', () => {
    const { erased, listed } = erasedChain();
    expect(scan(erased.slice(0, 4), listed)).toMatchObject({ seq: 2, kind: 'edited' });
  });

  it('needs no registry for one who holds every entry from the first: the markers list themselves', () => {
    const { erased } = erasedChain();
    expect(scan(erased, listErasedEntries(erased))).toBeUndefined();
    const forged = erased.map((e) =>
      e.seq === 4 ? { ...e, data: erasedData('era_1', dataCommitment(e.data)) } : e,
    );
    expect(scan(forged, listErasedEntries(forged))).toMatchObject({ seq: 5, kind: 'edited' });
  });
});
