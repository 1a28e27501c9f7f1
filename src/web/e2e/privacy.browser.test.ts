/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedInPage } from '../../test-support/browser.ts';
import { startZoomTestBed, type ZoomTestBed } from '../../test-support/zoom.ts';

// Réglages > Confidentialité in Chromium: erase a person by e-mail (their call leaves the library)
// and set the retention period, each behind a confirmation.
describe('privacy settings, end to end', () => {
  let bed: ZoomTestBed;
  let browser: Browser;
  let page: Page;
  const emma = 'emma.dubois@acme.example';

  beforeAll(async () => {
    bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60' } });
    await bed.admin.request('POST', '/api/users', { email: emma, name: 'Emma Dubois' });
    await bed.connect();
    await bed.linkZoomUsers();
    bed.recordEverythingToCloud();
    await bed.recordMeeting({ hostEmail: emma, topic: 'Appel à effacer' });
    // This call and Emma's two sandbox recordings, which her backfill brings.
    for (let attempt = 0; attempt < 300; attempt++) {
      const calls = (await bed.admin.request('GET', '/api/calls')).json() as { total: number };
      if (calls.total === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    ({ browser, page } = await openSignedInPage(bed));
  });

  afterAll(async () => {
    await browser?.close();
    await bed?.stop();
  });

  it('erases a person after confirmation, and their call leaves the library', async () => {
    await page.getByRole('link', { name: 'Confidentialité' }).click();
    await page.getByRole('heading', { level: 1, name: 'Confidentialité' }).waitFor();
    const card = page.getByTestId('erase-person');
    await card.getByLabel('Adresse e-mail').fill(emma);
    await card.getByRole('button', { name: 'Effacer…' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain(emma);
    await dialog.getByRole('button', { name: 'Effacer définitivement' }).click();
    await expect
      .poll(() => page.getByTestId('erase-result').innerText())
      .toContain('Effacé : 3 appels animés');
    expect(await page.getByTestId('erase-result').innerText()).toContain('Compte supprimé : oui');

    await page.getByRole('link', { name: 'Appels' }).click();
    await page.getByRole('heading', { level: 1, name: 'Appels' }).waitFor();
    expect(await page.locator('main').innerText()).not.toContain('Appel à effacer');
  });

  it('saves a retention period only after confirming what it erases', async () => {
    await page.goto('/settings/privacy');
    const card = page.getByTestId('retention');
    await card.getByLabel('Conserver les appels').selectOption('90');
    await card.getByRole('button', { name: 'Enregistrer' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('plus de 90 jours');
    await dialog.getByRole('button', { name: 'Effacer et enregistrer' }).click();
    await expect.poll(() => card.innerText()).toContain('Durée de conservation enregistrée.');
    expect((await bed.admin.request('GET', '/api/settings/privacy')).json()).toEqual({ retentionDays: 90 });
    await page.reload();
    await expect.poll(() => card.getByLabel('Conserver les appels').inputValue()).toBe('90');
  });
});
