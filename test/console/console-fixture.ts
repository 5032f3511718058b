import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from '../support/browser.js';
import { api, createOwner, startTestFactory } from '../server/factory-fixture.js';

export const SCREENSHOTS = 'docs/screenshots';

/** A real factory (embedded store, a local site run by its agent, a simulated one) and a real Chromium. */
export interface ConsoleWorld {
  readonly factory: Awaited<ReturnType<typeof startTestFactory>>;
  readonly browser: Browser;
  readonly call: ReturnType<typeof api>;
  /** Keys of the tenant `acme`: its owner's and a viewer's. */
  readonly ownerKey: string;
  readonly viewerKey: string;
  /** Where the console was built for this world. */
  readonly consoleDir: string;
  close(): Promise<void>;
}

/** The console built from the sources as they are (not whatever web/dist holds), into a fresh folder. */
export async function buildConsole(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'usine-console-'));
  await build({ configFile: 'web/vite.config.ts', build: { outDir }, logLevel: 'error' });
  return outDir;
}

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const consoleDir = await buildConsole();
  const factory = await startTestFactory({ consoleDir });
  const call = api(factory.url);
  const { tenantId, key: ownerKey } = await createOwner(call, factory.adminKey, 'acme');
  const viewer = await call('POST', `/v1/tenants/${tenantId}/keys`, {
    key: factory.adminKey,
    json: { role: 'viewer' },
  });
  const browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    factory,
    browser,
    call,
    ownerKey,
    viewerKey: viewer.body['key'] as string,
    consoleDir,
    close: async () => {
      await browser.close();
      await factory.close();
      rmSync(consoleDir, { recursive: true, force: true });
    },
  };
}

/** A new tab (its own session storage) in `locale`; every CSP violation it meets is kept. */
export async function openTab(
  world: ConsoleWorld,
  locale: 'en' | 'fr',
): Promise<{ page: Page; context: BrowserContext; cspViolations: string[] }> {
  const context = await world.browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
  });
  return { page, context, cspViolations };
}

export async function signIn(page: Page, world: ConsoleWorld, key: string, path = '/'): Promise<void> {
  await page.goto(new URL(path, world.factory.url).href);
  await page.locator('#api-key').fill(key);
  await page.locator('form button[type=submit]').click();
  await page.getByTestId('role').waitFor();
}

export const jobYaml = (name: string, command: string, extra = '') => `apiVersion: usine/v1
kind: Job
metadata: { name: ${name}, project: vision }
spec:
  workload: dev
  command: ${command}
  resources: { gpus: 0.5 }
  duration: 1m
  placement: { sites: [local] }
${extra}`;

export async function submitJob(world: ConsoleWorld, yaml: string, idempotencyKey: string): Promise<string> {
  const answer = await world.call('POST', '/v1/jobs', {
    key: world.ownerKey,
    body: yaml,
    headers: { 'content-type': 'application/yaml', 'idempotency-key': idempotencyKey },
  });
  if (answer.status !== 201) throw new Error(`submit: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body['id'] as string;
}
