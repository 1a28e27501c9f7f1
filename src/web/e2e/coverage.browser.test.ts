import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../../test-support/browser.ts';

// Coverage in Chromium, on the sandbox, in group mode: a linked user outside the recording group holds
// a meeting; the Imports tab says it was held and not recorded, and why; once he is back in the group his
// next meeting is recorded and imported; a recording the host stopped says so.

const hugo = { email: 'hugo.thomas@acme.example', name: 'Hugo Thomas' };
const guest = { name: 'Paul Girard', email: 'paul.girard@globex.example' };

describe('coverage view', () => {
  const ui = setUpSignedInPage(
    async (bed) => {
      await bed.admin.request('POST', '/api/users', hugo);
      await bed.connect();
      await bed.linkZoomUsers();
      await bed.waitForFirstImports();
      await bed.admin.request('PATCH', '/api/integrations/zoom/policy', { scope: 'group' });
      await bed.admin.request('POST', '/api/integrations/zoom/policy/apply');
    },
    { timeoutMs: 180_000 },
  );

  const line = (topic: string) =>
    ui.page
      .getByTestId('coverage-user')
      .filter({ hasText: hugo.email })
      .locator('li')
      .filter({ hasText: topic });
  const meetingLine = async (topic: string) => {
    // The imports overview lists every meeting; the user's row lists the unrecorded ones.
    const view = (await ui.bed.admin.request('GET', '/api/coverage')).json() as {
      meetings: Array<{ topic: string; state: string }>;
    };
    return view.meetings.find((meeting) => meeting.topic === topic)?.state;
  };

  it('shows a meeting held outside the recording group as not recorded, then the next one imported', async () => {
    // A Zoom admin takes Hugo out of the recording group in Zoom's portal.
    ui.bed.emulator.control.removeGroupMember('Callport recording', hugo.email);
    await ui.bed.recordMeeting({ hostEmail: hugo.email, topic: 'Démo Globex', participants: [guest] });

    await ui.page.goto('/settings/integrations');
    await ui.page.getByTestId('zoom-card').getByRole('link', { name: 'Imports' }).click();
    await ui.page.getByTestId('coverage').waitFor();
    await expect.poll(async () => (await line('Démo Globex').count()) > 0, { timeout: 30_000 }).toBe(true);
    const text = await line('Démo Globex').innerText();
    expect(text).toContain('Tenue, non enregistrée');
    expect(text).toContain("hors du groupe d'enregistrement");
    expect(text).toContain("À faire : ajouter cet utilisateur au groupe d'enregistrement");

    // The fix: Hugo is back in the group; his next meeting is recorded by Zoom and imported.
    ui.bed.emulator.control.addGroupMembers('Callport recording', [hugo.email]);
    await ui.bed.recordMeeting({ hostEmail: hugo.email, topic: 'Démo Initech', participants: [guest] });
    await expect.poll(() => meetingLine('Démo Initech'), { timeout: 60_000 }).toBe('imported');
    await ui.page.reload();
    const numbers = ui.page
      .getByTestId('coverage-user')
      .filter({ hasText: hugo.email })
      .getByTestId('coverage-numbers');
    // Each number agrees with its word, in French singular for 0 and 1.
    await expect
      .poll(() => numbers.innerText(), { timeout: 15_000 })
      .toBe('2 tenues · 1 enregistrée · 1 importée');
    expect(await line('Démo Initech').count()).toBe(0);
  }, 180_000);

  it('says why when the host stopped the recording, and flags the user on Intégrations', async () => {
    ui.bed.emulator.control.setHostStopsRecording(hugo.email, true);
    await ui.bed.recordMeeting({ hostEmail: hugo.email, topic: 'Point Umbrella', participants: [guest] });
    await ui.bed.recordMeeting({ hostEmail: hugo.email, topic: 'Point Acme', participants: [guest] });
    ui.bed.emulator.control.setHostStopsRecording(hugo.email, false);
    await ui.page.reload();
    await expect.poll(async () => (await line('Point Umbrella').count()) > 0, { timeout: 30_000 }).toBe(true);
    expect(await line('Point Umbrella').innerText()).toContain("l'organisateur a arrêté l'enregistrement");
    await ui.page.goto('/settings/integrations');
    await ui.page.getByTestId('coverage-alert').waitFor({ timeout: 30_000 });
    expect(await ui.page.getByTestId('coverage-alert').innerText()).toContain(hugo.name);
  }, 120_000);
});
