// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../../test-support/browser.ts';
import { connectZoom } from './steps.ts';

// The guide's "Relier Zoom" and section 4 in Chromium: connect through the emulator's consent page,
// see Connected and the prerequisite results, disconnect, and reconnect.

describe('connect, disconnect and reconnect Zoom', () => {
  const ui = setUpSignedInPage();

  const connect = async () => {
    await connectZoom(ui.page);
    await expect.poll(() => ui.page.getByTestId('zoom-status').getAttribute('data-status')).toBe('connected');
  };

  it('connects and shows every prerequisite passing', async () => {
    await connect();
    const checks = ui.page.getByTestId('prerequisites').locator('li');
    expect(await checks.count()).toBe(5);
    expect(await ui.page.getByTestId('prerequisites').locator('li[data-status="pass"]').count()).toBe(5);
    expect(await ui.page.getByTestId('prerequisites').innerText()).toContain(
      'propriétaire ou administrateur',
    );
  });

  it('disconnects after confirmation, then reconnects', async () => {
    await ui.page.getByTestId('zoom-connection').getByRole('button', { name: 'Déconnecter' }).click();
    await ui.page.getByTestId('disconnect-dialog').getByRole('button', { name: 'Déconnecter' }).click();
    await expect
      .poll(() => ui.page.getByTestId('zoom-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('disconnected');
    const revoked = ui.bed.emulator.control.listAccessTokensIssued().filter((token) => token.revoked);
    expect(revoked.length).toBeGreaterThan(0);
    await connect();
    expect(await ui.page.getByTestId('zoom-connection').innerText()).toContain('Conditions préalables');
  });
});
