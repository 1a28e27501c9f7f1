/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../../test-support/browser.ts';

// Réglages > Confidentialité in Chromium: erase a person by e-mail (their call leaves the library)
// and set the retention period, each behind a confirmation.
describe('privacy settings, end to end', () => {
  const emma = 'emma.dubois@acme.example';

  const ui = setUpSignedInPage(
    async (bed) => {
      await bed.followGuide([{ email: emma, name: 'Emma Dubois' }]);
      bed.recordEverythingToCloud();
      await bed.recordMeeting({ hostEmail: emma, topic: 'Appel à effacer' });
      // This call and Emma's two sandbox recordings, which her backfill brings.
      for (let attempt = 0; attempt < 300; attempt++) {
        const calls = (await bed.admin.request('GET', '/api/calls')).json() as { total: number };
        if (calls.total === 3) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    { bed: { env: { SWEEP_INTERVAL_MINUTES: '60' } } },
  );

  it('erases a person after confirmation, and their call leaves the library', async () => {
    await ui.page.getByRole('link', { name: 'Confidentialité' }).click();
    await ui.page.getByRole('heading', { level: 1, name: 'Confidentialité' }).waitFor();
    const card = ui.page.getByTestId('erase-person');
    await card.getByLabel('Adresse e-mail').fill(emma);
    await card.getByRole('button', { name: 'Effacer…' }).click();
    const dialog = ui.page.getByRole('dialog');
    expect(await dialog.innerText()).toContain(emma);
    await dialog.getByRole('button', { name: 'Effacer définitivement' }).click();
    await expect
      .poll(() => ui.page.getByTestId('erase-result').innerText())
      .toContain('Effacé : 3 appels animés');
    expect(await ui.page.getByTestId('erase-result').innerText()).toContain('Compte supprimé : oui');

    await ui.page.getByRole('link', { name: 'Appels' }).click();
    await ui.page.getByRole('heading', { level: 1, name: 'Appels' }).waitFor();
    expect(await ui.page.locator('main').innerText()).not.toContain('Appel à effacer');
  });

  it('saves a retention period only after confirming what it erases', async () => {
    await ui.page.goto('/settings/privacy');
    const card = ui.page.getByTestId('retention');
    await card.getByLabel('Conserver les appels').selectOption('90');
    await card.getByRole('button', { name: 'Enregistrer' }).click();
    const dialog = ui.page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('plus de 90 jours');
    await dialog.getByRole('button', { name: 'Effacer et enregistrer' }).click();
    await expect.poll(() => card.innerText()).toContain('Durée de conservation enregistrée.');
    expect((await ui.bed.admin.request('GET', '/api/settings/privacy')).json()).toEqual({
      retentionDays: 90,
    });
    await ui.page.reload();
    await expect.poll(() => card.getByLabel('Conserver les appels').inputValue()).toBe('90');
  });
});
