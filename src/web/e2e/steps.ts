import type { Page } from 'playwright-core';

/** Connects Zoom from Réglages > Intégrations through the emulator's consent page (French UI). */
export async function connectZoom(page: Page): Promise<void> {
  await page.goto('/settings/integrations');
  await page.getByTestId('zoom-card').getByRole('button', { name: 'Connecter' }).click();
  await page.locator('#allow').click();
  await page.waitForURL(/\/settings\/integrations\?zoom=connected/);
}
