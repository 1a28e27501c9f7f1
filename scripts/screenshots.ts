/**
 * Screenshots of every page, in French and English, on a laptop (1366×768) and a phone (390×844), as
 * an admin and as a member: the look pass before a release. Run against a running Callport (e.g.
 * `npm start`, sandbox mode):
 *
 *   node bin/run-ts.js scripts/screenshots.ts --url http://localhost:3000 --email camille.martin@acme.example \
 *     --password … [--connect] [--member-email … --member-password …] [--out screenshots]
 *
 * Uses Debian's Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium) through playwright-core. Full-page
 * PNGs go to `--out` (default `./screenshots`, git-ignored), named `<who>-<language>-<width>-<page>.png`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Browser, chromium } from 'playwright-core';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    email: { type: 'string' },
    password: { type: 'string' },
    'member-email': { type: 'string' },
    'member-password': { type: 'string' },
    out: { type: 'string', default: 'screenshots' },
    /** Connect Zoom first (sandbox: the emulator's consent page), so the pages have data. */
    connect: { type: 'boolean', default: false },
  },
});

const adminPages = [
  'calls',
  'coverage',
  'settings/integrations',
  'settings/integrations/zoom/users',
  'settings/integrations/zoom/imports',
  'settings/integrations/zoom/policy',
  'settings/users',
  'settings/privacy',
  'settings/teams',
];
const memberPages = ['calls', 'coverage', 'settings/integrations'];
const viewports = [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
];

async function shoot(browser: Browser, who: string, email: string, password: string, pages: string[]) {
  for (const language of ['fr', 'en'] as const) {
    for (const viewport of viewports) {
      const context = await browser.newContext({ baseURL: values.url, viewport, locale: language });
      const page = await context.newPage();
      await page.goto('/sign-in');
      await page.locator('input[type="email"]').fill(email);
      await page.locator('input[type="password"]').fill(password);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(/\/calls/);
      // The signed-in person's saved language wins over the browser's: switch it in the header.
      await page.locator('select.language-select').selectOption(language);
      if (values.connect && who === 'admin') {
        values.connect = false;
        await page.goto('/settings/integrations');
        await page.getByTestId('zoom-card').locator('button').first().click();
        await page.locator('#allow').click();
        await page.waitForURL(/zoom=connected/);
        // The guide's next step: Utilisateurs > Associer automatiquement > Sauvegarder (imports start).
        await page.goto('/settings/integrations/zoom/users');
        await page.getByRole('button', { name: /Associer automatiquement|Auto-associate/ }).click();
        await page.getByRole('button', { name: /^(Sauvegarder|Save)$/ }).click();
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(15_000); // a tool, not a test: give the first imports time to land
      }
      const shots = [...pages];
      // The first call of the list, if there is one.
      await page.goto('/calls');
      await page.waitForLoadState('networkidle');
      const firstCall = await page
        .locator('a[href^="/calls/"]')
        .first()
        .getAttribute('href', { timeout: 5000 })
        .catch(() => null);
      if (firstCall) shots.push(firstCall.slice(1));
      for (const route of shots) {
        await page.goto(`/${route}`);
        await page.waitForLoadState('networkidle');
        const name = `${who}-${language}-${viewport.width}-${route.replaceAll('/', '_').replace(/^calls_.+/, 'call')}.png`;
        await page.screenshot({ path: path.join(values.out, name), fullPage: true });
        console.log(name);
      }
      await context.close();
    }
  }
}

if (!values.email || !values.password) {
  console.error(
    'Usage: node bin/run-ts.js scripts/screenshots.ts --url URL --email E --password P [--member-email E --member-password P]',
  );
  process.exit(2);
}
await fs.mkdir(values.out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  await shoot(browser, 'admin', values.email, values.password, adminPages);
  if (values['member-email'] && values['member-password'])
    await shoot(browser, 'member', values['member-email'], values['member-password'], memberPages);
} finally {
  await browser.close();
}
