// Audit verification benchmark: a chain of BENCH_ENTRIES entries (default 1,000,000) built
// directly in a PostgreSQL schema (hashed here with the store's own chainEntry, inserted by
// unnest batches: building it is not what is measured), one checkpoint signed over it and
// written to the witness file only (so a starting verifier cannot resume from the database's
// copy and must read everything). Then, timed:
// 1. from scratch: a verifier starts and verifies all entries against the witnessed checkpoint;
// 2. a full verification again (`usine audit verify --full`), the chain now warm in the cache;
// 3. incrementally: BENCH_NEW entries (default 1,000) queued and sealed through the store as
//    the server does, then one verification run (it reads only those, and checks the entry
//    verified last is still there), and one run with nothing new.
// The last line is one JSON object: {"entries", "fromScratchMs", "fullMs", "incrementalMs", …}.
// Env: DATABASE_URL (default: the local usine_test database), BENCH_ENTRIES, BENCH_NEW.
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { generateAuditPrivateKey, readAuditKeys } from '../src/app/audit/audit-keys.js';
import { AuditVerifier } from '../src/app/audit/audit-verifier.js';
import { nativeSha256 } from '../src/app/audit/native-sha256.js';
import { chainEntry, type AuditEntry } from '../src/domain/audit/chain.js';
import { encodeCheckpoint } from '../src/domain/audit/checkpoint.js';
import { openAuditWitnessFile } from '../src/server/audit-witness-file.js';
import { openStore } from '../src/store/open-store.js';

const url = process.env['DATABASE_URL'] ?? 'postgresql://postgres:postgres@127.0.0.1:5432/usine_test';
const total = Number(process.env['BENCH_ENTRIES'] ?? 1_000_000);
const fresh = Number(process.env['BENCH_NEW'] ?? 1000);
const BATCH = 20_000;
const TENANTS = 50;

function eventOf(i: number) {
  return {
    at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    actor: `key:key_${i % 97}`,
    tenantId: i % 10 === 0 ? null : `ten_${i % TENANTS}`,
    action: i % 3 === 0 ? 'job.place' : 'job.submit',
    subject: `job_${i}`,
    data: { name: `job-${i}`, gpus: (i % 8) + 1, site: `site-${i % 16}`, labels: { team: 'vision' } },
  };
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  const keys = readAuditKeys(generateAuditPrivateKey());
  const store = await openStore({ databaseUrl: scoped.toString(), auditMac: keys.mac });
  try {
    const built = performance.now();
    const writer = new pg.Client({ connectionString: scoped.toString() });
    await writer.connect();
    let previous: AuditEntry | undefined;
    for (let from = 0; from < total; from += BATCH) {
      const rows: AuditEntry[] = [];
      for (let i = from; i < Math.min(total, from + BATCH); i++) {
        previous = chainEntry(previous, eventOf(i), nativeSha256);
        rows.push(previous);
      }
      await writer.query(
        `INSERT INTO audit_log (seq, at, actor, tenant_id, action, subject, data, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                              $7::jsonb[], $8::text[], $9::text[])`,
        [
          rows.map((e) => e.seq),
          rows.map((e) => e.at),
          rows.map((e) => e.actor),
          rows.map((e) => e.tenantId),
          rows.map((e) => e.action),
          rows.map((e) => e.subject),
          rows.map((e) => JSON.stringify(e.data)),
          rows.map((e) => e.prevHash),
          rows.map((e) => e.hash),
        ],
      );
    }
    await writer.query('ANALYZE audit_log');
    await writer.end();
    const head = previous as AuditEntry;
    console.error(`built ${total} entries in ${((performance.now() - built) / 1000).toFixed(1)} s`);

    const witnessFile = join(mkdtempSync(join(tmpdir(), 'usine-bench-witness-')), 'audit.jsonl');
    const witness = openAuditWitnessFile(witnessFile);
    const body = { count: head.seq, headHash: head.hash, at: new Date().toISOString() };
    witness.append({ ...body, keyId: keys.keyId, signature: keys.sign(encodeCheckpoint(body)) });
    const verifier = new AuditVerifier({
      store,
      clock: { now: () => new Date() },
      keys,
      witness,
      checkpointEvery: 1000,
      checkpointIntervalMs: 60_000,
    });

    let t = performance.now();
    const started = await verifier.start();
    const fromScratchMs = performance.now() - t;
    if (started.failure || started.verified.seq !== total)
      throw new Error(`verification failed: ${JSON.stringify(started)}`);
    console.log(`from scratch: ${total} entries verified in ${fromScratchMs.toFixed(0)} ms`);

    t = performance.now();
    const full = await verifier.verifyFromStart();
    const fullMs = performance.now() - t;
    if (full) throw new Error(`full verification failed: ${JSON.stringify(full)}`);
    console.log(`full again (--full): ${fullMs.toFixed(0)} ms`);

    await store.transaction(async (tx) => {
      for (let i = 0; i < fresh; i++) await tx.appendAudit(eventOf(total + i));
    });
    await store.sealAudit();
    t = performance.now();
    const after = await verifier.verify();
    const incrementalMs = performance.now() - t;
    if (after.failure || after.verified.seq !== total + fresh)
      throw new Error(`incremental failed: ${JSON.stringify(after)}`);
    console.log(
      `incremental: ${fresh} new entries verified (and a checkpoint signed) in ${incrementalMs.toFixed(1)} ms`,
    );

    t = performance.now();
    await verifier.verify();
    const idleMs = performance.now() - t;
    console.log(`incremental, nothing new: ${idleMs.toFixed(1)} ms`);

    console.log(
      JSON.stringify({
        entries: total,
        fromScratchMs: Math.round(fromScratchMs),
        fromScratchEntriesPerSecond: Math.round(total / (fromScratchMs / 1000)),
        fullMs: Math.round(fullMs),
        newEntries: fresh,
        incrementalMs: Number(incrementalMs.toFixed(1)),
        idleMs: Number(idleMs.toFixed(1)),
      }),
    );
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

await main();
