/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../../test-support/browser.ts';

// Links proposed by "Associer automatiquement" are only a draft until "Sauvegarder": the browser's own
// Back and Forward buttons ask before dropping it, as in-app links do, and leave once confirmed.

describe('unsaved user links', () => {
  const ui = setUpSignedInPage(async (bed) => {
    await bed.admin.request('POST', '/api/users', {
      email: 'jules.richard@acme.example',
      name: 'Jules Richard',
    });
    await bed.connect();
  });

  const savedLinks = async () =>
    (
      (await ui.bed.admin.request('GET', '/api/integrations/zoom/users')).json() as {
        users: Array<{ email: string; link: unknown }>;
      }
    ).users.filter((user) => user.link);
  const leaveDialog = () => ui.page.getByRole('dialog', { name: 'Quitter cette page ?' });
  // The router answers a blocked Back by going forward again, and shows its dialog before the browser
  // has got there: a second Back pressed in between would be taken for that return. Wait for it.
  const historyEntry = () =>
    ui.page.evaluate(() => (window.history.state as { idx?: number } | null)?.idx ?? null);

  it('asks before Back drops the draft, stays on "Rester", leaves on "Quitter sans sauvegarder"', async () => {
    await ui.page.goto('/settings/integrations');
    await ui.page.getByTestId('zoom-card').getByRole('link', { name: 'Utilisateurs' }).click();
    await ui.page.getByRole('heading', { level: 1, name: 'Utilisateurs' }).waitFor();
    await ui.page.getByRole('button', { name: 'Associer automatiquement' }).click();
    await ui.page.getByTestId('unsaved-banner').waitFor();
    const usersEntry = await historyEntry();

    await ui.page.goBack();
    await leaveDialog().waitFor();
    await expect.poll(historyEntry).toBe(usersEntry);
    expect(await leaveDialog().innerText()).toContain('Quitter sans sauvegarder ?');
    expect(new URL(ui.page.url()).pathname).toBe('/settings/integrations/zoom/users');
    await leaveDialog().getByRole('button', { name: 'Rester sur la page' }).click();
    await leaveDialog().waitFor({ state: 'hidden' });
    expect(new URL(ui.page.url()).pathname).toBe('/settings/integrations/zoom/users');
    expect(await ui.page.getByTestId('unsaved-banner').isVisible()).toBe(true);

    await ui.page.goBack();
    await leaveDialog().getByRole('button', { name: 'Quitter sans sauvegarder' }).click();
    await ui.page.getByRole('heading', { level: 1, name: 'Intégrations' }).waitFor();
    expect(new URL(ui.page.url()).pathname).toBe('/settings/integrations');
    expect(await savedLinks()).toEqual([]);
  });

  it('lets Back and Forward through at once when nothing is left unsaved', async () => {
    await ui.page.goForward();
    await ui.page.getByRole('heading', { level: 1, name: 'Utilisateurs' }).waitFor();
    expect(await ui.page.getByTestId('unsaved-banner').count()).toBe(0);
    await ui.page.getByRole('button', { name: 'Associer automatiquement' }).click();
    await ui.page.getByTestId('unsaved-banner').waitFor();
    await ui.page.getByRole('button', { name: 'Sauvegarder' }).click();
    await expect.poll(() => ui.page.getByTestId('zoom-users-notice').innerText()).toContain('sauvegardées');
    expect((await savedLinks()).map((user) => user.email)).toContain('jules.richard@acme.example');

    await ui.page.goBack();
    await ui.page.getByRole('heading', { level: 1, name: 'Intégrations' }).waitFor();
    expect(await leaveDialog().count()).toBe(0);
  });
});
