// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPassword } from '../../test-support/app.ts';
import { startZoomTestBed, type ZoomTestBed } from '../../test-support/zoom.ts';

// The guide's web flows, driven in Chromium against Callport on a real port and the Zoom emulator:
// sign in, manage users, "Réglages > Intégrations > Zoom > Connecter", language choice.
// Needs the built UI (`npm run build:web`; `npm test` builds it first).

const webRoot = fileURLToPath(new URL('../../../dist/web/index.html', import.meta.url));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('web UI', () => {
  let bed: ZoomTestBed;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    if (!fs.existsSync(webRoot))
      throw new Error(`The web UI is not built (${webRoot}): run npm run build:web`);
    bed = await startZoomTestBed();
    browser = await chromium.launch({ executablePath: chromiumPath });
    context = await browser.newContext({ locale: 'fr-FR', baseURL: bed.callportUrl });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await bed?.stop();
  });

  it('serves the app page for its routes, and a 404 for an asset that does not exist', async () => {
    const app = await page.request.get('/calls');
    expect(app.status()).toBe(200);
    expect(app.headers()['content-type']).toContain('text/html');
    // An older release's chunk, asked for by a page loaded before an upgrade.
    const missing = await page.request.get('/assets/index-0ld0ld.js');
    expect(missing.status()).toBe(404);
    expect(missing.headers()['content-type']).not.toContain('text/html');
  });

  it('sends a visitor to the sign-in page and back to where they were going', async () => {
    await page.goto('/settings/users');
    await page.waitForURL(/\/sign-in\?next=%2Fsettings%2Fusers/);
    await page.getByLabel('Adresse e-mail').fill(bed.admin.email);
    await page.getByLabel('Mot de passe').fill('not the password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => page.getByTestId('sign-in-error').innerText()).toContain('incorrect');

    await page.getByLabel('Mot de passe').fill(testPassword);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/settings\/users$/);
    await page.getByRole('heading', { level: 1, name: 'Utilisateurs' }).waitFor();
    expect(await page.getByTestId('organization-name').innerText()).toBe('Acme SAS');
  });

  it('adds, imports, deactivates and reactivates users', async () => {
    await page.getByRole('button', { name: 'Ajouter un utilisateur' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Adresse e-mail').fill('lea.roux@example.test');
    await dialog.getByLabel('Nom complet').fill('Léa Roux');
    await dialog.getByLabel(/Mot de passe initial/).fill('short');
    await dialog.getByRole('button', { name: "Ajouter l'utilisateur" }).click();
    await dialog.getByText('au moins 12 caractères').first().waitFor();
    await dialog.getByLabel(/Mot de passe initial/).fill('a long enough password');
    await dialog.getByRole('button', { name: "Ajouter l'utilisateur" }).click();
    await expect.poll(() => page.getByTestId('users-notice').innerText()).toContain('Léa Roux');
    const row = page.locator('[data-testid="user-row"][data-email="lea.roux@example.test"]');
    expect(await row.innerText()).toContain('Avec licence');

    await page.getByRole('button', { name: 'Importer un CSV' }).click();
    await page
      .getByLabel('Ou collez le contenu CSV')
      .fill(
        'email,name,role,licensed,language\nhugo.blanc@example.test,Hugo Blanc,member,true,fr\nnot-an-email,X,member,true,fr',
      );
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await page.getByTestId('import-result').waitFor();
    expect(await page.getByTestId('import-created').innerText()).toBe('1 utilisateur créé');
    expect(await page.getByTestId('import-errors-table').innerText()).toContain('3');
    await page.getByRole('dialog').getByRole('button', { name: 'Fermer' }).last().click();
    await page.locator('[data-testid="user-row"][data-email="hugo.blanc@example.test"]').waitFor();

    await page.getByRole('button', { name: 'Désactiver Léa Roux' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Désactiver' }).click();
    await page.getByRole('button', { name: 'Réactiver Léa Roux' }).click();
    await page.getByRole('button', { name: 'Désactiver Léa Roux' }).waitFor();
  });

  it('connects Zoom from Réglages > Intégrations and comes back to it', async () => {
    await page.getByRole('link', { name: 'Intégrations' }).click();
    const card = page.getByTestId('zoom-card');
    await expect.poll(() => card.getByTestId('zoom-status').innerText()).toBe('Non connecté');
    await card.getByRole('button', { name: 'Connecter' }).click();
    // The emulator's consent page stands in for Zoom's.
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/settings\/integrations\?zoom=connected/);
    expect(await page.getByTestId('zoom-banner').innerText()).toContain('Zoom est connecté');
    await expect.poll(() => card.getByTestId('zoom-status').innerText()).toBe('Connecté');
  });

  it('shows the OAuth error the server reports, in the user language', async () => {
    await page.goto('/settings/integrations?zoom=error&reason=access_denied');
    expect(await page.getByTestId('zoom-banner').innerText()).toContain(
      "L'autorisation a été annulée dans Zoom",
    );
  });

  it('remembers the language chosen in the header, on this browser and on the account', async () => {
    await page.getByTestId('language-switch').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
    await expect
      .poll(async () => (await bed.admin.request('GET', '/api/session')).json().user.language)
      .toBe('en');
    await page.reload();
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('gives members a read-only view', async () => {
    const member = await bed.app.createUserClient(bed.organizationId, 'member');
    await page.getByLabel('E-mail address').fill(member.email);
    await page.getByLabel('Password').fill(testPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A new member's saved language is French: it wins over this browser's choice.
    await page.getByRole('heading', { level: 1, name: 'Appels' }).waitFor();
    await page.goto('/settings/users');
    await page.getByTestId('users-read-only').waitFor();
    expect(await page.getByTestId('users-table').count()).toBe(0);
  });
});
