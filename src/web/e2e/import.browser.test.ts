/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../../test-support/browser.ts';
import { connectZoom } from './steps.ts';

// The guide end to end in Chromium: connect Zoom, "Associer automatiquement" then "Sauvegarder", a
// meeting recorded in the emulator becomes a call with playable media and its transcript, through the
// webhook and, with webhooks off, through the sweep ("Importer maintenant").

const team = [
  { email: 'emma.dubois@acme.example', name: 'Emma Dubois' },
  { email: 'jules.richard@acme.example', name: 'Jules Richard' },
  { email: 'ines.simon@acme.example', name: 'Inès Simon' },
];

describe('import, end to end', () => {
  const ui = setUpSignedInPage(
    async (bed) => {
      for (const person of team) await bed.admin.request('POST', '/api/users', person);
      bed.emulator.control.updateAccountSettings({
        recording: { cloud_recording: true, auto_recording: 'cloud' },
      });
    },
    { bed: { env: { SWEEP_INTERVAL_MINUTES: '60' } } },
  );

  it('connects Zoom and links users by e-mail, saving only on Sauvegarder', async () => {
    await connectZoom(ui.page);
    await ui.page.getByTestId('zoom-card').getByRole('link', { name: 'Utilisateurs' }).click();
    await ui.page.getByRole('heading', { level: 1, name: 'Utilisateurs' }).waitFor();

    await ui.page.getByRole('button', { name: 'Associer automatiquement' }).click();
    await ui.page.getByTestId('unsaved-banner').waitFor();
    const row = (email: string) => ui.page.locator(`[data-testid="zoom-user-row"][data-email="${email}"]`);
    expect(await row('jules.richard@acme.example').getByTestId('link-method').innerText()).toContain(
      'Automatique',
    );
    expect(await row('ines.simon@acme.example').getByTestId('link-method').innerText()).toBe('—');
    expect(await ui.page.getByTestId('pending-users').innerText()).toContain('ines.simon@acme.example');

    await ui.page.getByRole('button', { name: 'Sauvegarder' }).click();
    await expect.poll(() => ui.page.getByTestId('zoom-users-notice').innerText()).toContain('sauvegardées');
    await ui.page.reload();
    await row('emma.dubois@acme.example').waitFor();
    expect(await row('emma.dubois@acme.example').getByTestId('link-method').innerText()).toContain(
      'Automatique',
    );
    expect(await row('jules.richard@acme.example').getByTestId('link-method').innerText()).toContain(
      'Automatique',
    );
  });

  it('shows the call with playable media and its transcript seconds after Zoom finishes it', async () => {
    await ui.bed.recordMeeting({ hostEmail: 'emma.dubois@acme.example', topic: 'Démo client' });
    await ui.page.goto('/calls');
    await expect
      .poll(
        async () => {
          const listed = ui.page.waitForResponse((response) => response.url().includes('/api/calls?'));
          await ui.page.reload();
          await listed;
          await ui.page.getByTestId('calls-table').or(ui.page.getByTestId('calls-empty')).waitFor();
          return ui.page.getByRole('link', { name: 'Démo client' }).count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    const overview = (await ui.bed.admin.request('GET', '/api/integrations/zoom/imports')).json();
    const recording = overview.recordings.find((r: { topic: string }) => r.topic === 'Démo client');
    expect(recording.events[0].detail).toEqual({ code: 'discovered_via_webhook' });
    await ui.page.getByRole('link', { name: 'Démo client' }).click();
    const player = ui.page.getByTestId('call-player');
    await player.waitFor();
    await expect
      .poll(() => player.evaluate((element: HTMLMediaElement) => element.readyState), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await player.evaluate((element: HTMLMediaElement) => element.duration)).toBeGreaterThan(5);
    await expect
      .poll(() => ui.page.getByTestId('transcript').innerText(), { timeout: 15_000 })
      .toContain('Emma Dubois');

    const lines = ui.page.locator('.transcript-line');
    await lines.nth(1).click();
    await expect.poll(() => ui.page.locator('li.is-current').count()).toBe(1);
    expect(await player.evaluate((element: HTMLMediaElement) => element.currentTime)).toBeGreaterThan(4);
  });

  it('with webhooks off, finds the next call at the sweep ("Importer maintenant")', async () => {
    ui.bed.emulator.control.setWebhooks({ enabled: false });
    await ui.bed.recordMeeting({ hostEmail: 'jules.richard@acme.example', topic: 'Point hebdo' });
    await ui.page.goto('/settings/integrations/zoom/imports');
    await ui.page.getByRole('button', { name: 'Importer maintenant' }).click();
    await expect
      .poll(async () => ui.page.getByTestId('imports-table').innerText(), { timeout: 30_000, interval: 1000 })
      .toContain('Point hebdo');
    // The two new calls and Emma's two sandbox recordings, which came with her backfill.
    await expect
      .poll(async () => (await ui.bed.admin.request('GET', '/api/calls')).json().total, { timeout: 30_000 })
      .toBe(4);
    // The oldest imported call: Emma's sandbox recording of three weeks ago, from her backfill.
    expect(await ui.page.getByTestId('first-call').innerText()).toContain('Discovery call: Globex');
  });
});
