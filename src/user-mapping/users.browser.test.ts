import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedInPage } from '../test-support/browser.ts';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';

let bed: ZoomTestBed;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  bed = await startZoomTestBed();
  for (const person of [
    { email: 'emma.dubois@acme.example', name: 'Emma Dubois' },
    { email: 'jules.richard@acme.example', name: 'Jules Richard' },
    { email: 'ines.simon@acme.example', name: 'Inès Simon' },
  ]) {
    await bed.admin.request('POST', '/api/users', person);
  }
  await bed.connect();
  await bed.admin.request('POST', '/api/integrations/zoom/users/sync');
  ({ browser, page } = await openSignedInPage(bed));
});
afterAll(async () => {
  await browser?.close();
  await bed?.stop();
});

describe('Zoom Users tab', () => {
  it('warns before leaving with unsaved links (in-app link and beforeunload)', async () => {
    await page.goto('/settings/integrations/zoom/users');
    await page.getByRole('button', { name: 'Associer automatiquement' }).click();
    await page.getByTestId('unsaved-banner').waitFor();
    expect(await page.getByTestId('pending-users').textContent()).toContain('ines.simon@acme.example');

    const prevented = await page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
    expect(prevented).toBe(true);

    // An in-app link opens Callport's own dialog (the data router's blocker); "Rester" keeps the draft.
    await page.locator('nav a[href]').first().click();
    const leaveDialog = page.getByRole('dialog', { name: 'Quitter cette page ?' });
    await leaveDialog.waitFor();
    await leaveDialog.getByRole('button', { name: 'Rester' }).click();
    await leaveDialog.waitFor({ state: 'detached' });
    expect(page.url()).toContain('/settings/integrations/zoom/users');
    await page.getByTestId('unsaved-banner').waitFor();
  });
});
