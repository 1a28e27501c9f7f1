// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../../test-support/browser.ts';

// The guide's section 1 in Chromium: the audit shows the sandbox's off-policy settings, "Appliquer"
// fixes what Zoom's API allows, manual items keep their steps, and a change made in Zoom shows as drift.

describe('recording policy page', () => {
  const ui = setUpSignedInPage(async (bed) => {
    await bed.connect();
  });

  const row = (item: string) => ui.page.locator(`[data-testid="policy-row"][data-item="${item}"]`);

  it('audits, applies what the API allows, keeps manual steps, and shows drift', async () => {
    await ui.page.goto('/settings/integrations');
    await ui.page.getByTestId('zoom-card').getByRole('link', { name: "Règles d'enregistrement" }).click();
    await expect
      .poll(() => row('auto_recording').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('off_policy');
    expect(await row('display_participant_name').getAttribute('data-status')).toBe('off_policy');

    await ui.page.getByRole('button', { name: 'Appliquer et verrouiller' }).click();
    await ui.page
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
    expect(await ui.page.getByTestId('disclaimer').innerText()).toContain(
      'Cette réunion est enregistrée et annotée avec Callport.',
    );

    ui.bed.emulator.control.updateAccountSettings(
      { recording: { display_participant_name: false } },
      'louis.bernard@acme.example',
    );
    await ui.bed.emulator.control.flushWebhooks();
    // "Vérifier à nouveau" each second until Zoom's change shows.
    const recheckedDrift = <T>(read: (drift: Locator) => Promise<T>) =>
      expect.poll(
        async () => {
          await ui.page.getByRole('button', { name: 'Vérifier à nouveau' }).click();
          return read(ui.page.getByTestId('policy-drift'));
        },
        { timeout: 20_000, interval: 1000 },
      );
    await recheckedDrift((drift) => drift.count()).toBe(1);
    await recheckedDrift((drift) => drift.innerText()).toContain('louis.bernard@acme.example');
  });
});
