// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedInPage } from '../../test-support/browser.ts';
import { startZoomTestBed, type ZoomTestBed } from '../../test-support/zoom.ts';

// The guide's section 1 in Chromium: the audit shows the sandbox's off-policy settings, "Appliquer"
// fixes what Zoom's API allows, manual items keep their steps, and a change made in Zoom shows as drift.

describe('recording policy page', () => {
  let bed: ZoomTestBed;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bed = await startZoomTestBed();
    await bed.connect();
    ({ browser, page } = await openSignedInPage(bed));
  });

  afterAll(async () => {
    await browser?.close();
    await bed?.stop();
  });

  const row = (item: string) => page.locator(`[data-testid="policy-row"][data-item="${item}"]`);

  it('audits, applies what the API allows, keeps manual steps, and shows drift', async () => {
    await page.goto('/settings/integrations');
    await page.getByTestId('zoom-card').getByRole('link', { name: "Règles d'enregistrement" }).click();
    await expect
      .poll(() => row('auto_recording').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('off_policy');
    expect(await row('display_participant_name').getAttribute('data-status')).toBe('off_policy');

    await page.getByRole('button', { name: 'Appliquer et verrouiller' }).click();
    await page
      .getByTestId('apply-confirm')
      .getByRole('button', { name: /^Appliquer \d+ changements$/ })
      .click();
    await expect
      .poll(() => row('auto_recording').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('ok');
    expect(await row('auto_recording').innerText()).toContain('verrouillé');
    expect(await row('sign_out_after_time').getAttribute('data-status')).toBe('manual');
    expect(await row('custom_disclaimer').innerText()).toContain('Non vérifiable');
    await row('custom_disclaimer').getByText('Étapes dans Zoom').click();
    expect(await row('custom_disclaimer').innerText()).toContain('Customize Disclaimer');
    expect(await page.getByTestId('disclaimer').innerText()).toContain(
      'Cette réunion est enregistrée et annotée avec Callport.',
    );

    bed.emulator.control.updateAccountSettings(
      { recording: { display_participant_name: false } },
      'louis.bernard@acme.example',
    );
    await bed.emulator.control.flushWebhooks();
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Vérifier à nouveau' }).click();
          return page.getByTestId('policy-drift').count();
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBe(1);
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Vérifier à nouveau' }).click();
          return page.getByTestId('policy-drift').innerText();
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toContain('louis.bernard@acme.example');
  });
});
