/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../../test-support/browser.ts';
import { connectZoom } from './steps.ts';

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
  const ui = setUpSignedInPage(async (bed) => {
    for (const person of team) await bed.admin.request('POST', '/api/users', person);
  });

  /** Completed cloud recordings in Zoom whose host is linked to an active Callport user. */
  async function expectedTopics(): Promise<string[]> {
    const mapping = (await ui.bed.admin.request('GET', '/api/integrations/zoom/users')).json() as {
      users: Array<{ isActive: boolean; isLicensed: boolean; link: { zoomUserId: string } | null }>;
    };
    const linked = new Set(
      mapping.users.filter((u) => u.link && u.isActive && u.isLicensed).map((u) => u.link!.zoomUserId),
    );
    const topics: string[] = [];
    for (const meeting of ui.bed.emulator.control.listMeetings()) {
      const recording = await ui.bed.emulator.control.getRecording(meeting.uuid);
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
    const listed = ui.page.waitForResponse((response) => response.url().includes('/api/calls?'));
    await ui.page.goto('/calls');
    await listed;
    await ui.page.getByTestId('calls-table').or(ui.page.getByTestId('calls-empty')).waitFor();
    const topics = await ui.page.getByTestId('call-row').locator('td:first-child > a').allInnerTexts();
    return topics.map((topic) => topic.trim()).sort();
  }

  it('imports every completed recording of the linked hosts, older than the link', async () => {
    await connectZoom(ui.page);

    await ui.page.getByTestId('zoom-card').getByRole('link', { name: "Règles d'enregistrement" }).click();
    await ui.page.getByRole('button', { name: 'Appliquer et verrouiller' }).click();
    await ui.page
      .getByTestId('apply-confirm')
      .getByRole('button', { name: /^Appliquer \d+ changements$/ })
      .click();
    const autoRecording = ui.page.locator('[data-testid="policy-row"][data-item="auto_recording"]');
    await expect.poll(() => autoRecording.getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');

    await ui.page.goto('/settings/integrations');
    await ui.page.getByTestId('zoom-card').getByRole('link', { name: 'Utilisateurs' }).click();
    await ui.page.getByRole('button', { name: 'Associer automatiquement' }).click();
    await ui.page.getByTestId('unsaved-banner').waitFor();
    await ui.page.getByRole('button', { name: 'Sauvegarder' }).click();
    await expect.poll(() => ui.page.getByTestId('zoom-users-notice').innerText()).toContain('sauvegardées');

    // Each linked user's row says where their first import stands.
    const emmaRow = ui.page.locator('[data-testid="zoom-user-row"][data-email="emma.dubois@acme.example"]');
    await expect
      .poll(
        async () => {
          await ui.page.reload();
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
    await ui.bed.emulator.control.advanceClock(3600);
    await ui.page.goto('/settings/integrations/zoom/imports');
    expect(await ui.page.getByTestId('first-import').innerText()).toContain(
      'Le premier import se fait par utilisateur',
    );
    await ui.page.getByRole('button', { name: 'Importer maintenant' }).click();
    await expect
      .poll(async () => (await listedTopics()).includes('Follow-up: Globex'), {
        timeout: 120_000,
        interval: 2000,
      })
      .toBe(true);
    expect(await listedTopics()).toEqual(await expectedTopics());
  }, 180_000);
});
