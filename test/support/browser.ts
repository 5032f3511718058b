import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): the tests never download a browser. */
export const CHROMIUM_PATH = process.env.USINE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or undefined when they can. CI sets
 * USINE_BROWSER_REQUIRED=1 (.ci/run installs Chromium), where a missing browser is a failure.
 */
export function findBrowserSkip(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  if (process.env.USINE_BROWSER_REQUIRED === '1')
    throw new Error(`USINE_BROWSER_REQUIRED=1 but there is no Chromium at ${CHROMIUM_PATH}`);
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set USINE_CHROMIUM)`;
  console.warn(
    ['#'.repeat(90), `### THE CONSOLE'S BROWSER TESTS ARE SKIPPED: ${reason}`, '#'.repeat(90)].join('\n'),
  );
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. axe is evaluated
 * through the DevTools protocol, so the page's own CSP (which forbids inline scripts) stays on.
 */
export async function findSeriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    }[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
}
