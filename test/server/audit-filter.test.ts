import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUsine } from '../support/run-cli.js';
import { api, createOwner, JOB_YAML, startTestFactory } from './factory-fixture.js';

describe('GET /v1/audit filtered by actor and action', () => {
  let factory: Awaited<ReturnType<typeof startTestFactory>>;
  let call: ReturnType<typeof api>;
  let owner: string;

  beforeAll(async () => {
    factory = await startTestFactory();
    call = api(factory.url);
    owner = (await createOwner(call, factory.adminKey, 'audited')).key;
    for (const name of ['one', 'two'])
      await call('POST', '/v1/jobs', {
        key: owner,
        body: JOB_YAML(name),
        headers: { 'content-type': 'application/yaml', 'idempotency-key': name },
      });
  });

  afterAll(async () => {
    await factory?.close();
  });

  const entries = async (query: string, key = factory.adminKey) =>
    ((await call('GET', `/v1/audit?${query}`, { key })).body.items ?? []) as {
      action: string;
      actor: string;
    }[];

  it('keeps the entries whose action starts with the prefix, for the operator and for a tenant', async () => {
    const submits = await entries('action=job.submit');
    expect(submits.map((e) => e.action)).toEqual(['job.submit', 'job.submit']);
    const jobActions = await entries('action=job.', owner);
    expect(jobActions.length).toBeGreaterThanOrEqual(2);
    expect(jobActions.every((e) => e.action.startsWith('job.'))).toBe(true);
  });

  it('keeps one actor’s entries', async () => {
    const [submit] = await entries('action=job.submit');
    const mine = await entries(`actor=${encodeURIComponent(submit?.actor ?? '')}`);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(new Set(mine.map((e) => e.actor))).toEqual(new Set([submit?.actor]));
  });

  it('takes % and _ as themselves, not as patterns', async () => {
    expect(await entries('action=%25')).toEqual([]);
    expect(await entries('action=job_submit')).toEqual([]);
  });

  it('is what usine audit list --action asks for', async () => {
    const listed = await runUsine(['audit', 'list', '--action', 'job.submit', '--json'], {
      env: { USINE_URL: factory.url, USINE_API_KEY: factory.adminKey },
    });
    expect(listed.code).toBe(0);
    const page = JSON.parse(listed.stdout) as { items: { action: string }[] };
    expect(page.items.map((e) => e.action)).toEqual(['job.submit', 'job.submit']);
  });
});
