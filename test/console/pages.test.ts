import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowserSkip } from '../support/browser.js';
import { checkAndShoot } from './check-and-shoot.js';
import { openTab, signIn, startConsoleWorld, submitJob, type ConsoleWorld } from './console-fixture.js';

const skip = findBrowserSkip();

/** The text of the element that has the keyboard focus (this file is compiled without the DOM's types). */
const focusedText = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } })
        .document.activeElement?.textContent ?? null,
  );

/** TypeBox tries `new Function` once to see whether it may compile validators; the CSP says no and it interprets them. */
const isTypeBoxProbe = (message: string) => message.includes("'unsafe-eval'");

const SIMULATED_JOB = (name: string) => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name}, project: vision }
spec:
  command: ["train"]
  resources: { gpus: 2, gpuModels: [H100] }
  duration: 2h
  placement: { sites: [sim-paris] }
`;

describe.skipIf(skip !== undefined)('the console’s pages, in English and French, in a real Chromium', () => {
  let world: ConsoleWorld;
  let trainId: string;

  beforeAll(async () => {
    world = await startConsoleWorld();
    await world.call('PUT', '/v1/budgets/tenant', { key: world.ownerKey, json: { limit: '1000 EUR' } });
    // two simulated hours (two seconds here) on two H100s: usage, a cost and an invoice line
    const id = await submitJob(world, SIMULATED_JOB('simulated-train'), 'simulated-train');
    trainId = id;
    // beforeAll has no expect.poll: wait for the end the plain way
    for (let status = ''; status !== 'succeeded'; await new Promise((r) => setTimeout(r, 250))) {
      status = (await world.call('GET', `/v1/jobs/${id}`, { key: world.ownerKey })).body['status'] as string;
      if (['failed', 'cancelled', 'unplaceable'].includes(status))
        throw new Error(`simulated-train ${status}`);
    }
  });

  afterAll(async () => {
    await world?.close();
  });

  it.each(['en', 'fr'] as const)(
    'checks a spec as it is typed (%s), at its line and field, then submits it and follows it to the end',
    async (locale) => {
      const { page, context, cspViolations } = await openTab(world, locale);
      await signIn(page, world, world.ownerKey, '/submit');
      const editor = page.locator('#spec-text');
      await editor.fill(
        `apiVersion: usine/v1\nkind: Job\nmetadata: { name: typed-${locale}, project: vision }\nspec:\n  command: ["node", "-e", "console.log('typed in the console')"]\n  resources: { gpus: -2 }\n  duration: 1m\n  placement: { sites: [local] }\n`,
      );
      const problem = page.getByTestId('validation').locator('[data-path="spec.resources.gpus"]');
      await problem.waitFor();
      expect(await problem.getAttribute('data-line')).toBe('6');
      expect(await page.locator('form.submit button[type=submit]').isDisabled()).toBe(true);
      await checkAndShoot(page, `submit-invalid-${locale}`);
      await editor.fill((await editor.inputValue()).replace('gpus: -2', 'gpus: 0.5'));
      await page.getByTestId('validation').locator('.valid').waitFor();
      // the dry run: where it would go, nothing submitted
      await page
        .getByRole('button', {
          name: locale === 'fr' ? 'Essai à blanc : où irait-elle ?' : 'Dry run: where would it go?',
        })
        .click();
      const preview = page.getByTestId('preview');
      await preview.waitFor();
      expect(await preview.getAttribute('data-status')).toBe('placed');
      expect(await preview.getByTestId('decision').textContent()).toContain('local');
      await checkAndShoot(page, `submit-dry-run-${locale}`);
      await page.locator('form.submit button[type=submit]').click();
      await page.waitForURL(/\/jobs\/job_/);
      await expect
        .poll(() => page.getByTestId('job-status').locator('[data-status]').getAttribute('data-status'), {
          timeout: 60_000,
        })
        .toBe('succeeded');
      await expect.poll(() => page.getByTestId('logs').textContent()).toContain('typed in the console');
      expect(cspViolations.filter((m) => !isTypeBoxProbe(m))).toEqual([]);
      await context.close();
    },
  );

  it.each(['en', 'fr'] as const)(
    'serves a Service from the Submit page and shows its replicas and endpoint (%s)',
    async (locale) => {
      const { page, context } = await openTab(world, locale);
      await signIn(page, world, world.ownerKey, '/submit');
      await page
        .locator('#spec-text')
        .fill(
          `apiVersion: usine/v1\nkind: Service\nmetadata: { name: chat-${locale}, project: vision }\nspec:\n  command: ["serve"]\n  resources: { gpus: 1 }\n  placement: { sites: [sim-paris] }\n`,
        );
      await page.getByTestId('validation').locator('.valid').waitFor();
      await page.locator('form.submit button[type=submit]').click();
      await page.waitForURL(/\/services$/);
      const service = page.getByTestId('service').filter({ hasText: `chat-${locale}` });
      await service.waitFor();
      expect(await service.textContent()).toContain(`chat-${locale}`);
      await checkAndShoot(page, `services-${locale}`);
      await context.close();
    },
  );

  it.each(['en', 'fr'] as const)(
    'shows the sites, the queue and the budget on the overview (%s)',
    async (locale) => {
      const { page, context } = await openTab(world, locale);
      await signIn(page, world, world.ownerKey, '/');
      await page.getByTestId('sites').waitFor();
      expect(await page.getByTestId('sites').locator('tbody tr').count()).toBe(2);
      expect(await page.getByTestId('sites').textContent()).toContain('sim-paris');
      await page.getByTestId('budgets').waitFor();
      await page.getByTestId('queue').waitFor();
      await checkAndShoot(page, `overview-${locale}`);
      await context.close();
    },
  );

  it.each(['en', 'fr'] as const)(
    'charts the usage and renders the invoice with its downloads (%s)',
    async (locale) => {
      const { page, context } = await openTab(world, locale);
      await signIn(page, world, world.ownerKey, '/costs');
      await page.getByTestId('invoice').first().waitFor();
      await page.getByTestId('usage-chart').locator('canvas').waitFor();
      expect(await page.getByTestId('budgets').textContent()).toContain('tenant');
      expect(await page.getByTestId('usage').textContent()).toContain('vision');
      const total = await page.getByTestId('invoice-total').first().textContent();
      expect(total).toMatch(locale === 'fr' ? /\d,\d\d\s€/ : /€\d+\.\d\d/);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page
          .getByRole('button', { name: locale === 'fr' ? 'Télécharger en CSV' : 'Download CSV' })
          .first()
          .click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^inv_.*\.csv$/);
      const [archive] = await Promise.all([
        page.waitForEvent('download'),
        page
          .getByRole('button', {
            name: locale === 'fr' ? 'Télécharger l’export (tar)' : 'Download the export (tar)',
          })
          .click(),
      ]);
      expect(archive.suggestedFilename()).toBe('usine-export.tar');
      await checkAndShoot(page, `costs-${locale}`);
      await context.close();
    },
  );

  it.each(['en', 'fr'] as const)(
    'verifies the audit chain from the page and lists its entries (%s)',
    async (locale) => {
      const { page, context } = await openTab(world, locale);
      await signIn(page, world, world.ownerKey, '/audit');
      await page.getByTestId('audit-entries').waitFor();
      await page
        .getByRole('button', { name: locale === 'fr' ? 'Vérifier la chaîne' : 'Verify the chain' })
        .click();
      expect(await page.getByTestId('verification').getAttribute('data-ok')).toBe('true');
      // and again here: the entries hashed anew and the checkpoints' signatures checked in Chromium
      await page
        .getByRole('button', {
          name: locale === 'fr' ? 'Vérifier dans ce navigateur' : 'Verify in this browser',
        })
        .click();
      const here = page.getByTestId('browser-verification');
      await here.waitFor();
      expect(await here.getAttribute('data-ok')).toBe('true');
      expect(await page.getByTestId('audit-entries').locator('tbody tr').count()).toBeGreaterThan(0);
      // filtered by the server, the filter in the address
      await page.getByLabel(locale === 'fr' ? 'Action' : 'Action').fill('job.submit');
      await page.getByRole('button', { name: locale === 'fr' ? 'Appliquer' : 'Apply' }).click();
      await page.waitForURL(/\/audit\?action=job.submit$/);
      await expect
        .poll(
          async () =>
            new Set(
              await page.getByTestId('audit-entries').locator('tbody td:nth-child(4)').allTextContents(),
            ),
        )
        .toEqual(new Set(['job.submit']));
      await checkAndShoot(page, `audit-${locale}`);
      await context.close();
    },
  );

  it('verifies the whole chain in the browser with the operator’s key', async () => {
    const { page, context } = await openTab(world, 'en');
    await signIn(page, world, world.factory.adminKey, '/audit');
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    const here = page.getByTestId('browser-verification');
    await here.waitFor({ timeout: 60_000 });
    expect(await here.getAttribute('data-ok')).toBe('true');
    expect(await here.textContent()).toMatch(/Verified in this browser: [\d,]+ entries/);
    // an entry edited on its way to the browser (a server that lies, a proxy): found, at its number
    await page.route(/\/v1\/audit\?/, async (route) => {
      const response = await route.fetch();
      const page = (await response.json()) as { items: { seq: number; subject: string }[] };
      for (const entry of page.items) if (entry.seq === 3) entry.subject = 'ten_someone_else';
      await route.fulfill({ response, json: page });
    });
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await expect.poll(() => here.getAttribute('data-ok')).toBe('false');
    expect(await here.textContent()).toContain('Broken at entry 3');
    await context.close();
  });

  it.each(['en', 'fr'] as const)(
    'lets the operator (%s) create a tenant and a key, revoke it, and see the nodes',
    async (locale) => {
      const { page, context } = await openTab(world, locale);
      await signIn(page, world, world.factory.adminKey, '/operator');
      await page.getByTestId('tenants').waitFor();
      await page
        .getByLabel(locale === 'fr' ? 'Nom du nouveau locataire' : 'New tenant’s name')
        .fill(`beta-${locale}`);
      await page
        .getByRole('button', { name: locale === 'fr' ? 'Créer le locataire' : 'Create the tenant' })
        .click();
      await page.getByRole('button', { name: locale === 'fr' ? 'Créer une clé' : 'Create a key' }).click();
      const secret = await page.getByTestId('new-secret').textContent();
      expect(secret).toMatch(/^usk_/);
      const keys = page.getByTestId('keys').first();
      await keys.locator('tbody tr').first().waitFor();
      await keys
        .getByRole('button', { name: new RegExp(locale === 'fr' ? '^Révoquer' : '^Revoke') })
        .first()
        .click();
      await expect
        .poll(() => keys.locator('tbody tr').first().textContent())
        .toContain(locale === 'fr' ? 'révoquée' : 'revoked');
      // the revoked key is refused by the API
      const refused = await world.call('GET', '/v1/whoami', { key: secret ?? '' });
      expect(refused.status).toBe(401);
      await page.getByTestId('nodes').waitFor();
      expect(await page.getByTestId('nodes').textContent()).toContain('local');
      await checkAndShoot(page, `operator-${locale}`);
      // every tenant's jobs, with whose each one is
      await page.getByRole('link', { name: locale === 'fr' ? 'Tâches' : 'Jobs' }).click();
      const jobs = page.getByTestId('jobs');
      await jobs.waitFor();
      expect(await jobs.locator('thead').textContent()).toContain(locale === 'fr' ? 'Locataire' : 'Tenant');
      expect(await jobs.textContent()).toContain('simulated-train');
      // whose each job is, by name
      expect(await jobs.locator('tbody').textContent()).toContain('acme');
      await checkAndShoot(page, `operator-jobs-${locale}`);
      await context.close();
    },
  );

  it.each(['en', 'fr'] as const)(
    'compares the providers’ dossiers and downloads the questionnaire (%s)',
    async (locale) => {
      const { page, context } = await openTab(world, locale);
      await signIn(page, world, world.ownerKey, '/providers');
      const card = page.getByTestId('scorecard');
      await card.waitFor();
      expect(await card.locator('tbody tr').count()).toBe(7);
      // the test catalog's provider has no dossier: every criterion is open
      expect(await card.locator('td[data-status=open]').count()).toBe(6);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Questionnaire (français)' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('rfp-self-fr.md');
      await checkAndShoot(page, `providers-${locale}`);
      await context.close();
    },
  );

  it.each(['en', 'fr'] as const)('shows a finished job’s usage and its cost (%s)', async (locale) => {
    const { page, context } = await openTab(world, locale);
    await signIn(page, world, world.ownerKey, `/jobs/${trainId}`);
    const usage = page.getByTestId('job-usage');
    await usage.waitFor();
    // 2 H100 × 2 simulated hours at 2.50 EUR
    expect(await usage.textContent()).toMatch(locale === 'fr' ? /10,00\s€/ : /€10\.00/);
    await checkAndShoot(page, `job-simulated-${locale}`);
    await context.close();
  });

  it('can be used with the keyboard alone: sign in, skip to the content, follow the menu', async () => {
    const { page, context } = await openTab(world, 'en');
    await page.goto(world.factory.url);
    await page.locator('#api-key').waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Skip to the content');
    await page.locator('#api-key').focus();
    await page.keyboard.type(world.ownerKey);
    await page.keyboard.press('Enter');
    await page.getByTestId('role').waitFor();
    for (let i = 0; i < 10 && (await focusedText(page)) !== 'Jobs'; i++) await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Jobs');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/jobs$/);
    await page.getByTestId('jobs').waitFor();
    await context.close();
  });

  it('offers a viewer only the pages its role may use', async () => {
    const { page, context } = await openTab(world, 'en');
    await signIn(page, world, world.viewerKey, '/');
    const menu = await page.getByRole('navigation', { name: 'Pages' }).textContent();
    expect(menu).toContain('Jobs');
    for (const hidden of ['Submit', 'Costs', 'Audit', 'Operator']) expect(menu).not.toContain(hidden);
    await page.goto(new URL('/submit', world.factory.url).href);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('may not use this page');
    await context.close();
  });

  it('switches language on the page, and keeps the choice through a reload', async () => {
    const { page, context } = await openTab(world, 'en');
    await signIn(page, world, world.ownerKey, '/jobs');
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'Tâches', level: 1 }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.reload();
    await page.getByRole('heading', { name: 'Tâches', level: 1 }).waitFor();
    await context.close();
  });

  it('shows the sign-in page in French to a French browser', async () => {
    const { page, context } = await openTab(world, 'fr');
    await page.goto(world.factory.url);
    await page.getByRole('heading', { name: 'Se connecter à Usine' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await checkAndShoot(page, 'sign-in-fr');
    await context.close();
  });
});
