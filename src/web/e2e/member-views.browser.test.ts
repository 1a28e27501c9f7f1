// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPassword } from '../../test-support/app.ts';
import { openSignedInPage, signIn } from '../../test-support/browser.ts';
import { startEmptyAccountBed, type ZoomTestBed } from '../../test-support/zoom.ts';
import en from '../src/locales/en.json' with { type: 'json' };
import fr from '../src/locales/fr.json' with { type: 'json' };

// Each page shows what is true for the person looking, in their language: once Zoom is connected, a
// member's Intégrations has no admin checks or buttons and their empty Appels does not ask for Zoom to
// be connected; the admin's empty Appels no longer says "connect Zoom"; a colleague's call says so and
// links back.

describe.each([
  ['fr', fr],
  ['en', en],
] as const)('what a member and an admin see once Zoom is connected (%s)', (language, texts) => {
  let bed: ZoomTestBed;
  let browser: Browser;
  let admin: Page;
  let member: Page;
  let colleagueCallId: string;
  const memberEmail = 'hugo.thomas@acme.example';

  beforeAll(async () => {
    // BACKFILL_DAYS at its default, on a Zoom account with no past recordings: Appels is empty once
    // the linked users' first imports are done.
    bed = await startEmptyAccountBed({
      env: { SWEEP_INTERVAL_MINUTES: '60' },
      zoomUsers: [
        { email: memberEmail, firstName: 'Hugo', lastName: 'Thomas' },
        { email: 'emma.dubois@acme.example', firstName: 'Emma', lastName: 'Dubois' },
      ],
      addUsers: async (bed) => {
        await bed.admin.request('PATCH', '/api/me', { language });
        await bed.admin.request('POST', '/api/users', {
          email: memberEmail,
          name: 'Hugo Thomas',
          role: 'member',
          language,
          password: testPassword,
        });
        await bed.admin.request('POST', '/api/users', {
          email: 'emma.dubois@acme.example',
          name: 'Emma Dubois',
        });
      },
    });
    ({ browser, page: admin } = await openSignedInPage(bed));
    member = await signIn(browser, bed, { email: memberEmail, language });
  });

  afterAll(async () => {
    await browser?.close();
    await bed?.stop();
  });

  /** `page`'s empty Appels, once it says `text`. */
  async function emptyCallsSaying(page: Page, text: string): Promise<Locator> {
    await page.goto('/calls');
    const empty = page.getByTestId('calls-empty');
    await expect.poll(() => empty.innerText(), { timeout: 10_000 }).toContain(text);
    return empty;
  }

  it("shows the admin's empty Appels as waiting for calls, not as Zoom to connect", async () => {
    const empty = await emptyCallsSaying(admin, texts.calls.emptyConnectedAdmin);
    expect(await empty.innerText()).not.toContain(texts.calls.emptyAdminAction);
    await empty.getByRole('link', { name: texts.calls.emptyConnectedAdminAction }).click();
    await admin.waitForURL(/\/settings\/integrations\/zoom\/imports$/);
  });

  it("shows a member's Intégrations without the admin's checks and buttons", async () => {
    await member.goto('/settings/integrations');
    await member.getByTestId('zoom-member').waitFor();
    // The admins' settings pages are not offered to a member; Intégrations is.
    const nav = member.getByRole('navigation', { name: texts.nav.label });
    expect(await nav.getByRole('link', { name: texts.nav.integrations }).count()).toBe(1);
    for (const adminPage of [texts.nav.users, texts.teams.nav, texts.nav.privacy])
      expect(await nav.getByRole('link', { name: adminPage }).count()).toBe(0);
    expect(
      await admin
        .getByRole('navigation', { name: texts.nav.label })
        .getByRole('link', { name: texts.nav.users })
        .count(),
    ).toBe(1);
    const text = await member.locator('main').innerText();
    expect(text).toContain(texts.integrations.member.connected);
    for (const adminText of [
      texts.zoomConnection.checks.callport_admin.pass,
      texts.zoomConnection.prerequisites,
      texts.zoomConnection.health,
      texts.zoomConnection.never,
      texts.integrations.zoom.askAdmin,
      texts.errors.forbidden,
    ]) {
      expect(text).not.toContain(adminText);
    }
    for (const button of [texts.zoomConnection.checkAgain, texts.zoomConnection.disconnect]) {
      expect(await member.getByRole('button', { name: button }).count()).toBe(0);
    }
    await member.getByRole('link', { name: texts.integrations.member.openCalls }).click();
    await member.waitForURL(/\/calls$/);
  });

  it("shows a member's empty Appels as waiting for their calls, not asking to connect Zoom", async () => {
    const empty = await emptyCallsSaying(member, texts.calls.emptyConnectedMember);
    expect(await empty.innerText()).not.toContain(texts.calls.emptyMemberHint);
  });

  it("says a colleague's call is not theirs and links back to their calls", async () => {
    await bed.recordMeeting({ hostEmail: 'emma.dubois@acme.example', topic: 'Démo Emma' });
    await expect
      .poll(async () => (await bed.admin.request('GET', '/api/calls')).json().calls?.[0]?.id, {
        timeout: 30_000,
      })
      .toBeTruthy();
    colleagueCallId = (await bed.admin.request('GET', '/api/calls')).json().calls[0].id;
    await member.goto(`/calls/${colleagueCallId}`);
    await member.getByTestId('call-error').waitFor();
    expect(await member.getByTestId('call-error').innerText()).toContain(texts.server.call_not_found);
    await member.getByRole('link', { name: texts.calls.backToList }).click();
    await member.waitForURL(/\/calls$/);
  });
});
