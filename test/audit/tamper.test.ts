import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditVerifier } from '../../src/app/audit/audit-verifier.js';
import { eventOf, type AuditEntry } from '../../src/domain/audit/chain.js';
import { dropTestSchemas, STORE_BACKENDS } from '../store/store-backends.js';
import { auditEvent, openAuditSubject, relink, type AuditSubject } from './audit-fixture.js';

afterAll(dropTestSchemas);

/**
 * The seven attacks of issue 14, each by someone who can write the database but holds
 * neither the audit key nor the witness file: 35 entries, a checkpoint signed at 30 (the
 * witness holds it), then each attack; the running verifier and one started afresh (a
 * restart) must both name the first bad entry and how it failed.
 */
describe.each(STORE_BACKENDS)('tampering with the audit chain on $name', (backend) => {
  let subject: AuditSubject;
  let running: AuditVerifier;
  beforeAll(async () => {
    if (!backend.skip) subject = await openAuditSubject(backend);
  });
  afterAll(async () => {
    await subject?.store.close();
  });
  beforeEach(async () => {
    if (backend.skip) return;
    await subject.reset();
    await subject.append(1, 30);
    running = subject.newVerifier();
    const started = await running.start();
    expect(started.checkpoint).toMatchObject({ count: 30 });
    await subject.append(31, 5);
    expect((await running.verify()).verified.seq).toBe(35);
  });

  async function expectDetected(seq: number, kind: string): Promise<void> {
    expect((await running.verify()).failure).toMatchObject({ seq, kind });
    expect((await subject.newVerifier().start()).failure).toMatchObject({ seq, kind });
  }

  it.skipIf(backend.skip)('leaves an untouched chain verified, and signs the next checkpoint', async () => {
    await subject.append(36, 10);
    const state = await running.verify();
    expect(state.failure).toBeUndefined();
    expect(state.checkpoint).toMatchObject({ count: 45 });
    expect((await subject.newVerifier().start()).failure).toBeUndefined();
  });

  it.skipIf(backend.skip)('detects the last 10 entries deleted', async () => {
    await subject.tamper((sql) => sql.query('DELETE FROM audit_log WHERE seq > 25').then(() => undefined));
    await expectDetected(26, 'truncated');
  });

  it.skipIf(backend.skip)('detects every entry deleted', async () => {
    await subject.tamper((sql) => sql.query('DELETE FROM audit_log').then(() => undefined));
    await expectDetected(1, 'truncated');
  });

  it.skipIf(backend.skip)('detects an entry edited and every later hash recomputed', async () => {
    const chain = await subject.readChain();
    const edited = chain.slice(11).map((e, i) => (i === 0 ? { ...eventOf(e), data: { i: -1 } } : eventOf(e)));
    await subject.rewriteFrom(relink(chain, 11, edited));
    await expectDetected(12, 'rewritten');
  });

  it.skipIf(backend.skip)('detects a forged entry inserted in the middle, the rest renumbered', async () => {
    const chain = await subject.readChain();
    const events = [auditEvent(999), ...chain.slice(19).map(eventOf)];
    await subject.rewriteFrom(relink(chain, 19, events));
    await expectDetected(20, 'rewritten');
  });

  it.skipIf(backend.skip)('detects a forged entry appended after the last checkpoint', async () => {
    const chain = await subject.readChain();
    await subject.rewriteFrom(relink(chain, 35, [auditEvent(999)]).map((e) => ({ ...e, mac: null })));
    await expectDetected(36, 'unauthenticated');
  });

  it.skipIf(backend.skip)('detects an entry deleted in the middle, the rest renumbered', async () => {
    const chain = await subject.readChain();
    await subject.rewriteFrom(relink(chain, 14, chain.slice(15).map(eventOf)));
    await expectDetected(15, 'rewritten');
  });

  it.skipIf(backend.skip)(
    'refuses a row inserted into the queue: it is sealed as a rejection, never as itself',
    async () => {
      for (const mac of [null, 'f'.repeat(64)])
        await subject.query(
          `INSERT INTO audit_pending (at, actor, tenant_id, action, subject, data, mac)
         VALUES ('2026-12-01T09:00:00Z', 'admin', NULL, 'tenant.create', 'ten_forged', '{}', $1)`,
          [mac],
        );
      const state = await running.verify();
      expect(state.failure).toBeUndefined();
      const chain = await subject.readChain();
      expect(chain.some((e) => e.subject === 'ten_forged')).toBe(false);
      const rejected = chain.filter((e) => e.action === 'audit.reject');
      expect(rejected.map((e) => e.seq)).toEqual(state.rejections);
      expect(rejected.map((e) => (e.data as { reason: string }).reason)).toEqual(['no MAC', 'wrong MAC']);
      expect((rejected[0]?.data as { queued: { subject: string } }).queued.subject).toBe('ten_forged');
    },
  );

  it.skipIf(backend.skip)('finds an old entry edited in place with a full verification', async () => {
    await subject.tamper((sql) =>
      sql.query(`UPDATE audit_log SET data = '{"i": 99}' WHERE seq = 7`).then(() => undefined),
    );
    expect(await running.verifyFromStart()).toMatchObject({ seq: 7, kind: 'edited' });
    expect(running.failure).toMatchObject({ seq: 7 });
  });

  it.skipIf(backend.skip)('finds a checkpoint row forged in the database', async () => {
    const chain: AuditEntry[] = await subject.readChain();
    await subject.query(
      `INSERT INTO audit_checkpoints (count, head_hash, at, key_id, signature) VALUES (35, $1, now(), $2, 'AAAA')`,
      [chain[34]?.hash, subject.keys.keyId],
    );
    expect((await subject.newVerifier().start()).failure).toMatchObject({ seq: 35, kind: 'bad-checkpoint' });
  });
});
