import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import en from '../web/src/locales/en.json' with { type: 'json' };
import fr from '../web/src/locales/fr.json' with { type: 'json' };
import { testPassword } from './app.ts';
import { startZoomTestBed, type ZoomTestBed } from './zoom.ts';

const webRoot = fileURLToPath(new URL('../../dist/web/index.html', import.meta.url));

/**
 * A new page of its own browser context, in `language`, signed in as `email` through the real sign-in
 * form; resolves on Appels, where sign-in lands.
 */
export async function signIn(
  browser: Browser,
  bed: ZoomTestBed,
  options: { email: string; language: 'fr' | 'en'; password?: string },
): Promise<Page> {
  const texts = options.language === 'fr' ? fr.signIn : en.signIn;
  const context = await browser.newContext({
    locale: options.language === 'fr' ? 'fr-FR' : 'en-US',
    baseURL: bed.callportUrl,
  });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel(texts.email).fill(options.email);
  await page.getByLabel(texts.password).fill(options.password ?? testPassword);
  await page.getByRole('button', { name: texts.submit }).click();
  await page.waitForURL(/\/calls$/);
  return page;
}

/**
 * Debian's Chromium (never a downloaded browser) on a French-speaking page, signed in as the test bed's
 * admin through the real sign-in form. Needs the built UI (`npm run build:web`; `npm test` builds it).
 */
export async function openSignedInPage(bed: ZoomTestBed): Promise<{ browser: Browser; page: Page }> {
  if (!fs.existsSync(webRoot)) throw new Error(`The web UI is not built (${webRoot}): run npm run build:web`);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const page = await signIn(browser, bed, { email: bed.admin.email, language: 'fr' });
  return { browser, page };
}

/** What `setUpSignedInPage` opens: read it inside hooks and tests (it is filled in before they run). */
export type SignedInPage = { bed: ZoomTestBed; browser: Browser; page: Page };

/**
 * For the enclosing describe block (or file): before its tests, a test bed started with `options.bed`
 * and readied by `prepare`, then the admin's signed-in page (openSignedInPage); after them, the browser
 * closed and the bed stopped.
 */
export function setUpSignedInPage(
  prepare: (bed: ZoomTestBed) => Promise<void> = async () => {},
  options: { bed?: Parameters<typeof startZoomTestBed>[0]; timeoutMs?: number } = {},
): SignedInPage {
  const opened = {} as SignedInPage;
  beforeAll(async () => {
    opened.bed = await startZoomTestBed(options.bed);
    await prepare(opened.bed);
    Object.assign(opened, await openSignedInPage(opened.bed));
  }, options.timeoutMs);
  afterAll(async () => {
    await opened.browser?.close();
    await opened.bed?.stop();
  });
  return opened;
}
