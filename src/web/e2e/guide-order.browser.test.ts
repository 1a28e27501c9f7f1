/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedInPage } from '../../test-support/browser.ts';
import { startZoomTestBed, type ZoomTestBed } from '../../test-support/zoom.ts';

// The guide in its own order, on the sandbox whose recordings all predate the link, BACKFILL_DAYS at its
// default: Connecter, Règles d'enregistrement > Appliquer, Utilisateurs > Associer automatiquement >
// Sauvegarder. Every completed recording of a linked, active host then becomes a call in Appels.

// The sandbox organisation's people (src/sandbox/seed-sandbox.ts): hosts with Zoom recordings among them.
const team = [
  { email: 'emma.dubois@acme.example', name: 'Emma Dubois' },
  { email: 'hugo.thomas@acme.example', name: 'Hugo Thomas' },
  { email: 'lea.robert@acme.example', name: 'Léa Robert' },
  { email: 'jules.richard@acme.example', name: 'Jules Richard' },
  { email: 'chloe.petit@acme.example', name: 'Chloé Petit' },
  { email: 'ines.simon@acme.example', name: 'Inès Simon' },
];

describe('the guide in its order, on recordings made before the link', () => {
  let bed: ZoomTestBed;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    bed = await startZoomTestBed();
    for (const person of team) await bed.admin.request('POST', '/api/users', person);
    ({ browser, page } = await openSignedInPage(bed));
  });

  afterAll(async () => {
    await browser?.close();
    await bed?.stop();
  });

  /** Completed cloud recordings in Zoom whose host is linked to an active Callport user. */
  async function expectedTopics(): Promise<string[]> {
    const mapping = (await bed.admin.request('GET', '/api/integrations/zoom/users')).json() as {
      users: Array<{ isActive: boolean; isLicensed: boolean; link: { zoomUserId: string } | null }>;
    };
    const linked = new Set(
      mapping.users.filter((u) => u.link && u.isActive && u.isLicensed).map((u) => u.link!.zoomUserId),
    );
    const topics: string[] = [];
    for (const meeting of bed.emulator.control.listMeetings()) {
      const recording = await bed.emulator.control.getRecording(meeting.uuid);
      if (
        recording?.status === 'completed' &&
        recording.location === 'active' &&
        linked.has(recording.hostId)
      )
        topics.push(recording.topic);
    }
    return topics.sort();
  }

  /** The calls the Appels page lists, as a person sees them. */
  async function listedTopics(): Promise<string[]> {
    const listed = page.waitForResponse((response) => response.url().includes('/api/calls?'));
    await page.goto('/calls');
    await listed;
    await page.getByTestId('calls-table').or(page.getByTestId('calls-empty')).waitFor();
    const topics = await page.getByTestId('call-row').locator('td:first-child > a').allInnerTexts();
    return topics.map((topic) => topic.trim()).sort();
  }

  it('imports every completed recording of the linked hosts, older than the link', async () => {
    await page.goto('/settings/integrations');
    await page.getByRole('button', { name: 'Connecter' }).click();
    await page.locator('#allow').click();
    await page.waitForURL(/\/settings\/integrations\?zoom=connected/);

    await page.getByTestId('zoom-card').getByRole('link', { name: "Règles d'enregistrement" }).click();
    await page.getByRole('button', { name: 'Appliquer et verrouiller' }).click();
    await page
      .getByTestId('apply-confirm')
      .getByRole('button', { name: /^Appliquer \d+ changements$/ })
      .click();
    const autoRecording = page.locator('[data-testid="policy-row"][data-item="auto_recording"]');
    await expect.poll(() => autoRecording.getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');

    await page.goto('/settings/integrations');
    await page.getByTestId('zoom-card').getByRole('link', { name: 'Utilisateurs' }).click();
    await page.getByRole('button', { name: 'Associer automatiquement' }).click();
    await page.getByTestId('unsaved-banner').waitFor();
    await page.getByRole('button', { name: 'Sauvegarder' }).click();
    await expect.poll(() => page.getByTestId('zoom-users-notice').innerText()).toContain('sauvegardées');

    // Each linked user's row says where their first import stands.
    const emmaRow = page.locator('[data-testid="zoom-user-row"][data-email="emma.dubois@acme.example"]');
    await expect
      .poll(
        async () => {
          await page.reload();
          return emmaRow.getByTestId('user-import-state').innerText();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toContain('Importé depuis le');

    const expected = await expectedTopics();
    // Emma's two and Hugo's two sandbox recordings, from three weeks to three days before the link.
    expect(expected).toEqual([
      'Demo: Initech',
      'Discovery call: Globex',
      'Weekly pipeline review',
      'Weekly pipeline review',
    ]);
    await expect.poll(listedTopics, { timeout: 60_000, interval: 2000 }).toEqual(expected);
  }, 180_000);

  it('imports the one Zoom was still processing once it is finished', async () => {
    // The sandbox's "Follow-up: Globex" completes an hour after the start (virtual clock).
    await bed.emulator.control.advanceClock(3600);
    await page.goto('/settings/integrations/zoom/imports');
    expect(await page.getByTestId('first-import').innerText()).toContain(
      'Le premier import se fait par utilisateur',
    );
    await page.getByRole('button', { name: 'Importer maintenant' }).click();
    await expect
      .poll(async () => (await listedTopics()).includes('Follow-up: Globex'), {
        timeout: 120_000,
        interval: 2000,
      })
      .toBe(true);
    expect(await listedTopics()).toEqual(await expectedTopics());
  }, 180_000);
});
