import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../test-support/browser.ts';

const ui = setUpSignedInPage(async (bed) => {
  for (const person of [
    { email: 'emma.dubois@acme.example', name: 'Emma Dubois' },
    { email: 'jules.richard@acme.example', name: 'Jules Richard' },
    { email: 'ines.simon@acme.example', name: 'Inès Simon' },
  ]) {
    await bed.admin.request('POST', '/api/users', person);
  }
  await bed.connect();
  await bed.admin.request('POST', '/api/integrations/zoom/users/sync');
});

describe('Zoom Users tab', () => {
  it('warns before leaving with unsaved links (in-app link and beforeunload)', async () => {
    await ui.page.goto('/settings/integrations/zoom/users');
    await ui.page.getByRole('button', { name: 'Associer automatiquement' }).click();
    await ui.page.getByTestId('unsaved-banner').waitFor();
    expect(await ui.page.getByTestId('pending-users').textContent()).toContain('ines.simon@acme.example');

    const prevented = await ui.page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
    expect(prevented).toBe(true);

    // An in-app link opens Callport's own dialog (the data router's blocker); "Rester" keeps the draft.
    await ui.page.locator('nav a[href]').first().click();
    const leaveDialog = ui.page.getByRole('dialog', { name: 'Quitter cette page ?' });
    await leaveDialog.waitFor();
    await leaveDialog.getByRole('button', { name: 'Rester' }).click();
    await leaveDialog.waitFor({ state: 'detached' });
    expect(ui.page.url()).toContain('/settings/integrations/zoom/users');
    await ui.page.getByTestId('unsaved-banner').waitFor();
  });
});
