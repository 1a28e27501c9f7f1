// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedInPage } from '../../test-support/browser.ts';
import { startZoomTestBed, type ZoomTestBed } from '../../test-support/zoom.ts';

// The guide's "Relier Zoom" and section 4 in Chromium: connect through the emulator's consent page,
// see Connected and the prerequisite results, disconnect, and reconnect.

describe('connect, disconnect and reconnect Zoom', () => {
  let bed: ZoomTestBed;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bed = await startZoomTestBed();
    ({ browser, page } = await openSignedInPage(bed));
  });

  afterAll(async () => {
    await browser?.close();
    await bed?.stop();
  });

  const connect = async () => {
    await page.goto('/settings/integrations');
    await page.getByTestId('zoom-card').getByRole('button', { name: 'Connecter' }).click();
    await page.locator('#allow').click();
    await page.waitForURL(/\/settings\/integrations\?zoom=connected/);
    await expect.poll(() => page.getByTestId('zoom-status').getAttribute('data-status')).toBe('connected');
  };

  it('connects and shows every prerequisite passing', async () => {
    await connect();
    const checks = page.getByTestId('prerequisites').locator('li');
    expect(await checks.count()).toBe(5);
    expect(await page.getByTestId('prerequisites').locator('li[data-status="pass"]').count()).toBe(5);
    expect(await page.getByTestId('prerequisites').innerText()).toContain('propriétaire ou administrateur');
  });

  it('disconnects after confirmation, then reconnects', async () => {
    await page.getByTestId('zoom-connection').getByRole('button', { name: 'Déconnecter' }).click();
    await page.getByTestId('disconnect-dialog').getByRole('button', { name: 'Déconnecter' }).click();
    await expect
      .poll(() => page.getByTestId('zoom-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('disconnected');
    const revoked = bed.emulator.control.listAccessTokensIssued().filter((token) => token.revoked);
    expect(revoked.length).toBeGreaterThan(0);
    await connect();
    expect(await page.getByTestId('zoom-connection').innerText()).toContain('Conditions préalables');
  });
});
