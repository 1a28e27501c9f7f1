import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { testPassword } from './app.ts';
import type { ZoomTestBed } from './zoom.ts';

const webRoot = fileURLToPath(new URL('../../dist/web/index.html', import.meta.url));

/**
 * Debian's Chromium (never a downloaded browser) on a French-speaking page, signed in as the test bed's
 * admin through the real sign-in form. Needs the built UI (`npm run build:web`; `npm test` builds it).
 */
export async function openSignedInPage(bed: ZoomTestBed): Promise<{ browser: Browser; page: Page }> {
  if (!fs.existsSync(webRoot)) throw new Error(`The web UI is not built (${webRoot}): run npm run build:web`);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const page = await (await browser.newContext({ locale: 'fr-FR', baseURL: bed.callportUrl })).newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Adresse e-mail').fill(bed.admin.email);
  await page.getByLabel('Mot de passe').fill(testPassword);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/calls$/);
  return { browser, page };
}
