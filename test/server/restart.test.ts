import { describe, expect, it } from 'vitest';
import { openPgliteDatabase } from '../../src/store/pglite-database.js';
import { runUsine } from '../support/run-cli.js';
import { api, createOwner, JOB_YAML, startTestFactory } from './factory-fixture.js';

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, tries = 100): Promise<T> {
  let value = await probe();
  for (let i = 0; i < tries && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

describe('restarts', () => {
  it('adopts a job still running after a restart and records its end once', async () => {
    const first = await startTestFactory();
    const call = api(first.url);
    const key = (await createOwner(call, first.adminKey, 'acme')).key;
    const command = JSON.stringify([process.execPath, '-e', "setTimeout(() => console.log('done'), 1500)"]);
    const submitted = await call('POST', '/v1/jobs', {
      key,
      body: JOB_YAML('long', command),
      headers: { 'content-type': 'application/yaml', 'idempotency-key': 'long-1' },
    });
    const id = submitted.body['id'] as string;
    await waitFor(
      () => call('GET', `/v1/jobs/${id}`, { key }),
      (r) => r.body['status'] === 'running',
    );
    await first.close();

    const second = await startTestFactory({ dataDir: first.dataDir });
    const again = api(second.url);
    const job = await waitFor(
      () => again('GET', `/v1/jobs/${id}`, { key }),
      (r) => r.body['status'] === 'succeeded',
      60,
    );
    expect(job.body).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const audit = await again('GET', '/v1/audit?limit=1000', { key: second.adminKey });
    const launches = (audit.body.items as { action: string; subject: string }[]).filter(
      (e) => e.subject === id && e.action === 'job.launch',
    );
    expect(launches).toHaveLength(1);
    await second.close();
  }, 60_000);

  it('finds an audit entry edited in the database with `usine audit verify`', async () => {
    const factory = await startTestFactory();
    const call = api(factory.url);
    await call('POST', '/v1/tenants', { key: factory.adminKey, json: { name: 'acme' } });
    await call('POST', '/v1/tenants', { key: factory.adminKey, json: { name: 'globex' } });
    const env = { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey };
    expect((await runUsine(['audit', 'verify'], { env })).code).toBe(0);
    await factory.close();

    const db = await openPgliteDatabase(`${factory.dataDir}/db`);
    await db.transaction(async (sql) => {
      await sql.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await sql.query(`UPDATE audit_log SET data = '{"name": "evil"}' WHERE seq = 2`);
      await sql.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    await db.close();

    const reopened = await startTestFactory({ dataDir: factory.dataDir });
    const verify = await runUsine(['audit', 'verify'], {
      env: { USINE_URL: reopened.url, USINE_API_KEY: reopened.adminKey },
    });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('TAMPERED: entry 2 was edited');
    await reopened.close();
  }, 60_000);
});
