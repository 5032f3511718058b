import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { findSeriousViolations } from '../support/browser.js';
import { SCREENSHOTS } from './console-fixture.js';

/** The page as it is: no serious or critical axe violation, then its screenshot for the README. */
export async function checkAndShoot(page: Page, name: string): Promise<void> {
  expect(await findSeriousViolations(page)).toEqual([]);
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}
