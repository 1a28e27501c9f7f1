/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openSignedInPage, signIn } from '../test-support/browser.ts';
import { startEmptyAccountBed, type ZoomTestBed } from '../test-support/zoom.ts';

// The call library as a sales team uses it, in French (the admin) and in English (a member): search
// a word said in a call, typed without its accent, and land on that moment of the recording.

const emmaEmail = 'emma.dubois@acme.example';
const hugoEmail = 'hugo.thomas@acme.example';
const leaEmail = 'lea.robert@acme.example';

/** A transcript from [speaker, text, end] cues, each starting where the one before ended (the first at 0). */
function transcriptOf(...cues: Array<[speaker: string, text: string, endMs: number]>) {
  return cues.map(([speaker, text, endMs], index) => ({
    speaker,
    text,
    startMs: index === 0 ? 0 : cues[index - 1]![2],
    endMs,
  }));
}

describe('call library in the browser', () => {
  let bed: ZoomTestBed;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // BACKFILL_DAYS at its default, on a Zoom account with no past recordings: the library holds
    // exactly the two calls recorded here.
    bed = await startEmptyAccountBed({
      zoomUsers: [
        { email: emmaEmail, firstName: 'Emma', lastName: 'Dubois' },
        { email: hugoEmail, firstName: 'Hugo', lastName: 'Thomas' },
        { email: leaEmail, firstName: 'Léa', lastName: 'Robert' },
      ],
      addUsers: async (bed) => {
        await bed.admin.request('POST', '/api/users', { email: emmaEmail, name: 'Emma Dubois' });
        const hugo = await bed.app.createUserClient(bed.organizationId, 'member', hugoEmail);
        await hugo.request('PATCH', '/api/me', { language: 'en' });
        const lea = await bed.app.createUserClient(bed.organizationId, 'manager', leaEmail);
        await lea.request('PATCH', '/api/me', { language: 'en' });
      },
    });
    await bed.recordMeeting({
      hostEmail: emmaEmail,
      topic: 'Découverte Globex',
      participants: [{ name: 'Paul Girard', email: 'paul.girard@globex.example' }],
      transcript: transcriptOf(
        ['Emma Dubois', 'Bonjour Paul, merci de votre temps.', 4000],
        ['Paul Girard', 'Parlons du calendrier de déploiement.', 8000],
        ['Emma Dubois', 'La négociation commence la semaine prochaine.', 13_000],
        ['Paul Girard', 'Très bien, envoyez la proposition.', 17_000],
      ),
    });
    await bed.recordMeeting({
      hostEmail: hugoEmail,
      topic: 'Renewal call',
      transcript: transcriptOf(
        ['Hugo Thomas', 'Thanks for joining the renewal call.', 5000],
        ['Sam Carter', 'Our café chain wants the same pricing.', 11_000],
        ['Hugo Thomas', 'Pricing stays as it is until June.', 16_000],
      ),
    });
    await vi.waitFor(
      async () =>
        expect((await bed.admin.request('GET', '/api/calls?hasTranscript=true')).json().total).toBe(2),
      { timeout: 60_000, interval: 250 },
    );
    ({ browser, page } = await openSignedInPage(bed));
  });

  afterAll(async () => {
    await browser?.close();
    await bed?.stop();
  });

  it('finds "negociation" in what was said and opens the call at that moment (French)', async () => {
    await page.getByLabel('Rechercher dans ce qui a été dit').fill('negociation');
    const match = page.getByTestId('search-match');
    await match.first().waitFor();
    expect(await match.count()).toBe(1);
    expect(await match.locator('mark').innerText()).toBe('négociation');
    expect(page.url()).toContain('q=negociation');

    await match.click();
    await page.waitForURL(/\/calls\/[^?]+\?t=8&q=negociation/);
    const current = page.locator('[data-line][aria-current="true"]');
    await expect.poll(() => current.innerText()).toContain('La négociation commence');
    await expect.poll(() => page.getByTestId('find-count').innerText()).toBe('1 sur 1');
    await expect
      .poll(() => page.getByTestId('call-player').evaluate((player: HTMLMediaElement) => player.currentTime))
      .toBeGreaterThanOrEqual(8);
    expect(await page.getByTestId('talk-time').innerText()).toContain('Emma Dubois');
    expect(await page.getByTestId('people').innerText()).toMatch(/Paul Girard\s*externe/);
    expect(await page.locator('video track[kind="captions"]').count()).toBe(1);

    // Back keeps the search; so does a reload.
    await page.goBack();
    await page.waitForURL(/\/calls\?q=negociation/);
    expect(await page.getByLabel('Rechercher dans ce qui a été dit').inputValue()).toBe('negociation');
    await page.reload();
    await match.first().waitFor();
    expect(await match.count()).toBe(1);
  });

  it('searches within the transcript with next and previous (English, a member)', async () => {
    const memberPage = await signIn(browser, bed, { email: hugoEmail, language: 'en' });
    try {
      // "cafe" without its accent; a member sees only the calls they hosted.
      await memberPage.getByLabel('Search what was said').fill('cafe');
      await memberPage.getByTestId('search-match').first().waitFor();
      expect(await memberPage.getByTestId('call-row').count()).toBe(1);
      await memberPage.getByTestId('search-match').click();
      await memberPage.waitForURL(/\?t=5&q=cafe/);
      await expect
        .poll(() => memberPage.locator('[data-line][aria-current="true"]').innerText())
        .toContain('café chain');

      const find = memberPage.getByLabel('Search the transcript');
      await find.fill('pricing');
      await expect.poll(() => memberPage.getByTestId('find-count').innerText()).toBe('1 of 2');
      await memberPage.getByRole('button', { name: 'Next' }).click();
      await expect.poll(() => memberPage.getByTestId('find-count').innerText()).toBe('2 of 2');
      await expect
        .poll(() => memberPage.locator('[data-line][aria-current="true"]').innerText())
        .toContain('Pricing stays');
      await memberPage.getByRole('button', { name: 'Previous' }).click();
      await expect.poll(() => memberPage.getByTestId('find-count').innerText()).toBe('1 of 2');

      await memberPage.goto('/calls?q=negociation');
      await memberPage.getByText('No call matches these filters.').waitFor();
    } finally {
      await memberPage.context().close();
    }
  });

  it('adds a highlight and a comment, shares a public link, opens it signed out, revokes it (French)', async () => {
    await page.goto('/calls?q=negociation');
    await page.getByTestId('search-match').click();
    await page.waitForURL(/\?t=8/);
    await page.getByLabel('Titre du point fort').fill('Début de la négociation');
    await page.getByLabel('Début (m:ss)').fill('0:08');
    await page.getByLabel('Fin (m:ss)').fill('0:13');
    await page.getByRole('button', { name: 'Ajouter le point fort' }).click();
    await expect.poll(() => page.getByTestId('highlights').innerText()).toContain('Début de la négociation');
    await page.getByLabel('Votre commentaire').fill('Proposer une remise de 5 %');
    await page.getByRole('button', { name: /Commenter à/ }).click();
    await expect.poll(() => page.getByTestId('comments').innerText()).toContain('Proposer une remise de 5 %');

    // The highlight plays on its own: from 0:08, pausing at 0:13.
    await page
      .getByTestId('highlights')
      .getByRole('button', { name: /0:08–0:13/ })
      .click();
    await expect
      .poll(
        () =>
          page
            .getByTestId('call-player')
            .evaluate((player: HTMLMediaElement) => player.paused && player.currentTime),
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThanOrEqual(13);

    // The comment is found by search, like what was said.
    await page.goto('/calls?q=remise');
    await expect.poll(() => page.getByTestId('search-match').innerText()).toContain('Commentaire');

    await page.goBack();
    await page.getByLabel('Que partager').selectOption({ label: 'Point fort : Début de la négociation' });
    await page.getByRole('button', { name: 'Créer un lien public' }).click();
    const link = await page.getByTestId('public-link').inputValue();
    expect(link).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);

    const visitor = await browser.newContext({ locale: 'fr-FR' });
    const visitorPage = await visitor.newPage();
    try {
      await visitorPage.goto(link);
      await visitorPage.getByTestId('shared-call').waitFor();
      expect(await visitorPage.getByRole('heading', { level: 1 }).innerText()).toBe(
        'Début de la négociation',
      );
      expect(await visitorPage.getByTestId('shared-transcript').innerText()).toContain(
        'La négociation commence',
      );
      expect(await visitorPage.getByTestId('shared-transcript').innerText()).not.toContain('Bonjour Paul');
      // The link streams the highlight's own clip, 0:08–0:13 of the call: Chromium plays it to its end,
      // 5 s long (the video from the call's key frame at 0:10, the audio over the whole range).
      const player = visitorPage.getByTestId('shared-player');
      await expect
        .poll(() => player.evaluate((media: HTMLMediaElement) => media.duration), { timeout: 20_000 })
        .toBeGreaterThan(4.9);
      expect(await player.evaluate((media: HTMLMediaElement) => media.duration)).toBeLessThanOrEqual(5.01);
      await player.evaluate((media: HTMLMediaElement) => {
        media.muted = true;
        return media.play();
      });
      await expect
        .poll(() => player.evaluate((media: HTMLMediaElement) => media.ended && media.currentTime), {
          timeout: 20_000,
        })
        .toBeGreaterThan(4.9);
      expect(await player.evaluate((media: HTMLMediaElement) => media.error)).toBeNull();
      expect(await player.evaluate((media: HTMLVideoElement) => media.videoWidth)).toBeGreaterThan(0);
      const source = await player.evaluate((media: HTMLMediaElement) => media.currentSrc);
      const clip = await visitorPage.request.get(source);
      const clipSize = (await clip.body()).length;
      const past = await visitorPage.request.get(source, {
        headers: { range: `bytes=${clipSize}-${clipSize + 100_000}` },
      });
      expect(past.status()).toBe(416);

      await page.getByTestId('shares').getByRole('button', { name: 'Révoquer' }).click();
      await expect.poll(() => page.getByTestId('shares').count()).toBe(0);
      await visitorPage.reload();
      await visitorPage.getByTestId('shared-gone').waitFor();
      expect(await visitorPage.getByTestId('shared-gone').innerText()).toContain(
        'Ce lien ne fonctionne plus',
      );
    } finally {
      await visitor.close();
    }
  });

  it('a manager sees their team’s calls, a member does not (teams set up in French, seen in English)', async () => {
    await page.goto('/settings/teams');
    await page.getByLabel('Nom de l’équipe').fill('Ventes');
    await page.getByRole('button', { name: 'Créer l’équipe' }).click();
    const team = page.getByTestId('team').filter({ hasText: 'Ventes' });
    await team.getByLabel('lea.robert').check();
    await expect.poll(() => team.getByLabel('lea.robert').isChecked()).toBe(true);
    await team.getByLabel('Emma Dubois').check();
    await expect.poll(() => team.getByLabel('Emma Dubois').isChecked()).toBe(true);

    const manager = await signIn(browser, bed, { email: leaEmail, language: 'en' });
    const member = await signIn(browser, bed, { email: hugoEmail, language: 'en' });
    try {
      await manager.getByTestId('call-row').first().waitFor();
      expect(await manager.getByTestId('call-row').allInnerTexts()).toEqual([
        expect.stringContaining('Découverte Globex'),
      ]);
      await member.getByTestId('call-row').first().waitFor();
      expect(await member.getByTestId('call-row').allInnerTexts()).toEqual([
        expect.stringContaining('Renewal call'),
      ]);
    } finally {
      await manager.context().close();
      await member.context().close();
    }
  });
});
