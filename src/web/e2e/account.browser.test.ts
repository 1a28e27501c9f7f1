import { describe, expect, it } from 'vitest';
import { testPassword } from '../../test-support/app.ts';
import { setUpSignedInPage } from '../../test-support/browser.ts';

// "Votre compte": a person changes their own password from the header, in French.

const ui = setUpSignedInPage();

describe('your account', () => {
  it('changes the password with the current one, and ends the other sessions', async () => {
    expect((await ui.bed.admin.request('GET', '/api/session')).statusCode).toBe(200);
    await ui.page.getByTestId('current-user').click();
    const dialog = ui.page.getByRole('dialog', { name: 'Votre compte' });
    await dialog.getByLabel('Mot de passe actuel').fill('pas le bon mot de passe');
    await dialog.getByLabel('Nouveau mot de passe', { exact: true }).fill('une nouvelle phrase secrète');
    await dialog.getByLabel('Nouveau mot de passe, à nouveau').fill('une autre phrase secrète');
    await dialog.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await dialog.getByText('Les deux nouveaux mots de passe diffèrent.').waitFor();

    await dialog.getByLabel('Nouveau mot de passe, à nouveau').fill('une nouvelle phrase secrète');
    await dialog.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await dialog.getByText('Le mot de passe actuel est incorrect.').waitFor();

    await dialog.getByLabel('Mot de passe actuel').fill(testPassword);
    await dialog.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await dialog.getByText('Votre mot de passe est changé.', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Fermer' }).last().click();

    // This browser stays signed in; the admin's other session has ended; the new password works.
    await ui.page.reload();
    await ui.page.getByTestId('current-user').waitFor();
    expect((await ui.bed.admin.request('GET', '/api/session')).statusCode).toBe(401);
    const signIn = (password: string) =>
      ui.bed.app.anonymous.request('POST', '/api/session', { email: ui.bed.admin.email, password });
    expect((await signIn(testPassword)).statusCode).toBe(401);
    expect((await signIn('une nouvelle phrase secrète')).statusCode).toBe(200);
  });
});
