/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedInPage } from '../../test-support/browser.ts';
import { startZoomTestBed, type ZoomTestBed } from '../../test-support/zoom.ts';

// The guide end to end in Chromium: connect Zoom, "Associer automatiquement" then "Sauvegarder", a
// meeting recorded in the emulator becomes a call with playable media and its transcript, through the
// webhook and, with webhooks off, through the sweep ("Importer maintenant").

const team = [
  { email: 'emma.dubois@acme.example', name: 'Emma Dubois' },
  { email: 'jules.richard@acme.example', name: 'Jules Richard' },
  { email: 'ines.simon@acme.example', name: 'Inès Simon' },
];

describe('import, end to end', () => {
  let bed: ZoomTestBed;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60' } });
    for (const person of team) await bed.admin.request('POST', '/api/users', person);
    bed.emulator.control.updateAccountSettings({
      recording: { cloud_recording: true, auto_recording: 'cloud' },
    });
    ({ browser, page } = await openSignedInPage(bed));
  });

  afterAll(async () => {
    await browser?.close();
    await bed?.stop();
  });

  it('connects Zoom and links users by e-mail, saving only on Sauvegarder', async () => {
    await page.goto('/settings/integrations');
    await page.getByRole('button', { name: 'Connecter' }).click();
    await page.locator('#allow').click();
    await page.waitForURL(/\/settings\/integrations\?zoom=connected/);
    await page.getByTestId('zoom-card').getByRole('link', { name: 'Utilisateurs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Utilisateurs' }).waitFor();

    await page.getByRole('button', { name: 'Associer automatiquement' }).click();
    await page.getByTestId('unsaved-banner').waitFor();
    const row = (email: string) => page.locator(`[data-testid="zoom-user-row"][data-email="${email}"]`);
    expect(await row('jules.richard@acme.example').getByTestId('link-method').innerText()).toContain(
      'Automatique',
    );
    expect(await row('ines.simon@acme.example').getByTestId('link-method').innerText()).toBe('—');
    expect(await page.getByTestId('pending-users').innerText()).toContain('ines.simon@acme.example');

    await page.getByRole('button', { name: 'Sauvegarder' }).click();
    await expect.poll(() => page.getByTestId('zoom-users-notice').innerText()).toContain('sauvegardées');
    await page.reload();
    await row('emma.dubois@acme.example').waitFor();
    expect(await row('emma.dubois@acme.example').getByTestId('link-method').innerText()).toContain(
      'Automatique',
    );
    expect(await row('jules.richard@acme.example').getByTestId('link-method').innerText()).toContain(
      'Automatique',
    );
  });

  it('shows the call with playable media and its transcript seconds after Zoom finishes it', async () => {
    await bed.recordMeeting({ hostEmail: 'emma.dubois@acme.example', topic: 'Démo client' });
    await page.goto('/calls');
    await expect
      .poll(
        async () => {
          const listed = page.waitForResponse((response) => response.url().includes('/api/calls?'));
          await page.reload();
          await listed;
          await page.getByTestId('calls-table').or(page.getByTestId('calls-empty')).waitFor();
          return page.getByRole('link', { name: 'Démo client' }).count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    const overview = (await bed.admin.request('GET', '/api/integrations/zoom/imports')).json();
    const recording = overview.recordings.find((r: { topic: string }) => r.topic === 'Démo client');
    expect(recording.events[0].detail).toEqual({ code: 'discovered_via_webhook' });
    await page.getByRole('link', { name: 'Démo client' }).click();
    const player = page.getByTestId('call-player');
    await player.waitFor();
    await expect
      .poll(() => player.evaluate((element: HTMLMediaElement) => element.readyState), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await player.evaluate((element: HTMLMediaElement) => element.duration)).toBeGreaterThan(5);
    await expect
      .poll(() => page.getByTestId('transcript').innerText(), { timeout: 15_000 })
      .toContain('Emma Dubois');

    const lines = page.locator('.transcript-line');
    await lines.nth(1).click();
    await expect.poll(() => page.locator('li.is-current').count()).toBe(1);
    expect(await player.evaluate((element: HTMLMediaElement) => element.currentTime)).toBeGreaterThan(4);
  });

  it('with webhooks off, finds the next call at the sweep ("Importer maintenant")', async () => {
    bed.emulator.control.setWebhooks({ enabled: false });
    await bed.recordMeeting({ hostEmail: 'jules.richard@acme.example', topic: 'Point hebdo' });
    await page.goto('/settings/integrations/zoom/imports');
    await page.getByRole('button', { name: 'Importer maintenant' }).click();
    await expect
      .poll(async () => page.getByTestId('imports-table').innerText(), { timeout: 30_000, interval: 1000 })
      .toContain('Point hebdo');
    // The two new calls and Emma's two sandbox recordings, which came with her backfill.
    await expect
      .poll(async () => (await bed.admin.request('GET', '/api/calls')).json().total, { timeout: 30_000 })
      .toBe(4);
    // The oldest imported call: Emma's sandbox recording of three weeks ago, from her backfill.
    expect(await page.getByTestId('first-call').innerText()).toContain('Discovery call: Globex');
  });
});
