import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowserSkip } from '../support/browser.js';
import { checkAndShoot } from './check-and-shoot.js';
import {
  jobYaml,
  openTab,
  signIn,
  startConsoleWorld,
  submitJob,
  type ConsoleWorld,
} from './console-fixture.js';

const skip = findBrowserSkip();

describe.skipIf(skip !== undefined)('the console’s jobs, in a real Chromium against a real factory', () => {
  let world: ConsoleWorld;

  beforeAll(async () => {
    world = await startConsoleWorld();
  });

  afterAll(async () => {
    await world?.close();
  });

  it('serves its shell with a CSP at every page address, and the API’s 404 stays problem+json', async () => {
    const shell = await fetch(new URL('/jobs/job_x', world.factory.url), {
      headers: { accept: 'text/html' },
    });
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await shell.text()).toContain('<div id="root">');
    const missing = await fetch(new URL('/v1/nothing', world.factory.url), {
      headers: { accept: 'text/html' },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a wrong key with the server’s problem title, on the sign-in page', async () => {
    const { page, context } = await openTab(world, 'en');
    await page.goto(world.factory.url);
    await page.locator('#api-key').fill('usk_not_a_key');
    await page.locator('form button[type=submit]').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('A valid API key is required');
    await checkAndShoot(page, 'sign-in-en');
    await context.close();
  });

  it.each(['en', 'fr'] as const)(
    'shows an owner (%s) a job placed, run and finished with its logs, events and placement',
    async (locale) => {
      const id = await submitJob(
        world,
        jobYaml(`hello-${locale}`, `["node", "-e", "console.log('hello from the console')"]`),
        `hello-${locale}`,
      );
      const { page, context, cspViolations } = await openTab(world, locale);
      await signIn(page, world, world.ownerKey, '/jobs');
      await page.getByRole('link', { name: `hello-${locale}` }).waitFor();
      await checkAndShoot(page, `jobs-${locale}`);
      await page.getByRole('link', { name: `hello-${locale}` }).click();
      expect(new URL(page.url()).pathname).toBe(`/jobs/${id}`);
      await expect
        .poll(() => page.getByTestId('job-status').locator('[data-status]').getAttribute('data-status'), {
          timeout: 60_000,
        })
        .toBe('succeeded');
      await expect.poll(() => page.getByTestId('logs').textContent()).toContain('hello from the console');
      await expect.poll(() => page.locator('[data-testid=events] li').count()).toBeGreaterThanOrEqual(3);
      expect(await page.getByTestId('decision').textContent()).toContain('local');
      // finished: nothing to cancel
      expect(await page.locator('button.danger').count()).toBe(0);
      await checkAndShoot(page, `job-${locale}`);
      // a reload of the shared address opens the same page, still signed in (session storage)
      await page.reload();
      await page.getByTestId('decision').waitFor();
      expect(cspViolations).toEqual([]);
      await context.close();
    },
  );

  it.each(['en', 'fr'] as const)(
    'explains (%s) a job no site can take: every site with its reasons',
    async (locale) => {
      const id = await submitJob(
        world,
        `apiVersion: usine/v1
kind: Job
metadata: { name: needs-secnumcloud-${locale}, project: vision }
spec:
  command: ["true"]
  resources: { gpus: 1 }
  duration: 1h
  placement: { certifications: [SecNumCloud] }
`,
        `rejected-${locale}`,
      );
      const { page, context } = await openTab(world, locale);
      await signIn(page, world, world.ownerKey, `/jobs/${id}`);
      await page.getByTestId('no-decision').waitFor();
      const rejected = page.getByTestId('rejected');
      expect(await rejected.locator(':scope > li').count()).toBe(2);
      expect(await rejected.locator('[data-code=CERTIFICATION]').count()).toBe(2);
      expect(await rejected.textContent()).toContain('SecNumCloud');
      await checkAndShoot(page, `job-rejected-${locale}`);
      await context.close();
    },
  );

  it('filters the list by site from the form, the filter kept in the address', async () => {
    const { page, context } = await openTab(world, 'en');
    await signIn(page, world, world.ownerKey, '/jobs');
    await page.getByTestId('jobs').waitFor();
    await page.getByLabel('Site').fill('local');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\/jobs\?site=local$/);
    await expect
      .poll(() => page.getByTestId('jobs').locator('tbody tr td:nth-child(4)').allTextContents())
      .not.toContain('—');
    const sites = await page.getByTestId('jobs').locator('tbody tr td:nth-child(4)').allTextContents();
    expect(sites.length).toBeGreaterThan(0);
    expect(new Set(sites)).toEqual(new Set(['local']));
    const api = await world.call('GET', '/v1/jobs?site=sim-paris', { key: world.ownerKey });
    expect(api.body.items).toEqual([]);
    await context.close();
  });

  it('lets an owner cancel a running job, and shows a viewer no cancel button', async () => {
    const id = await submitJob(
      world,
      jobYaml('long-sleep', `["node", "-e", "setTimeout(() => {}, 120000)"]`),
      'long-sleep',
    );
    const viewer = await openTab(world, 'en');
    await signIn(viewer.page, world, world.viewerKey, `/jobs/${id}`);
    await viewer.page.getByTestId('job-status').waitFor();
    expect(await viewer.page.getByTestId('role').textContent()).toContain('viewer');
    expect(await viewer.page.getByRole('button', { name: 'Cancel this job' }).count()).toBe(0);
    // and the API refuses it too, whatever a page offers
    const refused = await world.call('POST', `/v1/jobs/${id}/cancel`, { key: world.viewerKey });
    expect(refused.status).toBe(403);

    const owner = await openTab(world, 'en');
    await signIn(owner.page, world, world.ownerKey, `/jobs/${id}`);
    await owner.page.getByRole('button', { name: 'Cancel this job' }).click();
    await expect
      .poll(() => owner.page.getByTestId('job-status').locator('[data-status]').getAttribute('data-status'), {
        timeout: 30_000,
      })
      .toBe('cancelled');
    await viewer.context.close();
    await owner.context.close();
  });
});
