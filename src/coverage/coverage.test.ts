import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageLine, CoverageView } from '../contract/index.ts';
import type { TestClient } from '../test-support/app.ts';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';

// Coverage: every meeting a linked user held, whether Zoom recorded it, whether Callport has it, and why
// not. The emulator decides what it records from its own settings, groups and hosts' behaviour.

const emma = { email: 'emma.dubois@acme.example', name: 'Emma Dubois' };
const hugo = { email: 'hugo.thomas@acme.example', name: 'hugo.thomas' };
const guest = { name: 'Paul Girard', email: 'paul.girard@globex.example' };
let bed: ZoomTestBed;
let hugoClient: TestClient;

async function coverage(client: TestClient = bed.admin): Promise<CoverageView> {
  const response = await client.request('GET', '/api/coverage');
  expect(response.statusCode).toBe(200);
  return response.json() as CoverageView;
}

/**
 * Waits until no reconciliation pass is running and one finished after `previous` (a pass's finish
 * time read before asking for it), and returns that finish time.
 */
async function passFinished(previous: string | null = null): Promise<string> {
  let finishedAt: string | null = null;
  await expect
    .poll(
      async () => {
        const pass = (await coverage()).pass;
        finishedAt = pass?.finishedAt ?? null;
        const idle = finishedAt !== null && (pass?.startedAt ?? '') <= finishedAt;
        return idle && finishedAt !== previous;
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return finishedAt!;
}

/** A one-minute meeting of `host` with the outside guest, which coverage counts as held. */
function meetGuest(host: { email: string }, topic: string) {
  return bed.recordMeeting({ hostEmail: host.email, topic, participants: [guest] });
}

async function lineOf(topic: string, client?: TestClient): Promise<CoverageLine | undefined> {
  return (await coverage(client)).meetings.find((line) => line.topic === topic);
}

beforeAll(async () => {
  bed = await startZoomTestBed();
  await bed.admin.request('POST', '/api/users', emma);
  // Hugo is a member (named after his e-mail by the test helper); Emma is created by the admin.
  hugoClient = await bed.app.createUserClient(bed.organizationId, 'member', hugo.email);
  await bed.connect();
  await bed.linkZoomUsers();
  await bed.waitForFirstImports();
}, 180_000);
afterAll(() => bed?.stop());

describe('coverage', () => {
  it('says a meeting of a linked user outside the recording group was held, not recorded, and why', async () => {
    expect(
      (await bed.admin.request('PATCH', '/api/integrations/zoom/policy', { scope: 'group' })).statusCode,
    ).toBe(200);
    expect((await bed.admin.request('POST', '/api/integrations/zoom/policy/apply')).statusCode).toBe(200);
    // A Zoom admin takes Hugo out of the group in Zoom's portal.
    bed.emulator.control.removeGroupMember('Callport recording', hugo.email);
    const meeting = await meetGuest(hugo, 'Hors groupe');
    expect(meeting.recorded).toBe(false);
    await expect
      .poll(async () => (await lineOf('Hors groupe'))?.reason, { timeout: 30_000 })
      .toBe('not_in_recording_group');
    const line = await lineOf('Hors groupe');
    expect(line).toMatchObject({
      state: 'not_recorded',
      action: 'add_to_recording_group',
      hostName: hugo.name,
    });
    expect(line?.participantCount).toBe(2);

    // The fix the line suggests: apply the policy again, which puts Hugo back; his next meeting is recorded.
    expect((await bed.admin.request('POST', '/api/integrations/zoom/policy/apply')).statusCode).toBe(200);
    const next = await meetGuest(hugo, 'Dans le groupe');
    expect(next.recorded).toBe(true);
    await expect
      .poll(async () => (await lineOf('Dans le groupe'))?.state, { timeout: 60_000 })
      .toBe('imported');
    expect((await lineOf('Dans le groupe'))?.callId).toBeTruthy();
  }, 180_000);

  it('says when the host stopped the recording', async () => {
    // The guide's policy lets hosts pause and stop the recording (an account-level setting).
    bed.emulator.control.setHostStopsRecording(hugo.email, true);
    const stopped = await meetGuest(hugo, 'Arrêté');
    bed.emulator.control.setHostStopsRecording(hugo.email, false);
    expect(stopped.recorded).toBe(false);
    await expect
      .poll(async () => (await lineOf('Arrêté'))?.reason, { timeout: 30_000 })
      .toBe('host_stopped_recording');
    expect((await lineOf('Arrêté'))?.action).toBe('keep_recording_on');
  }, 120_000);

  it('flags a user whose last two meetings were not recorded, on the view and in /metrics', async () => {
    // Hugo's last two meetings: "Dans le groupe" (imported) then "Arrêté" (stopped): not flagged yet.
    expect((await coverage()).users.find((user) => user.email === hugo.email)?.isFlagged).toBe(false);
    bed.emulator.control.setHostStopsRecording(hugo.email, true);
    await meetGuest(hugo, 'Arrêté encore');
    bed.emulator.control.setHostStopsRecording(hugo.email, false);
    await expect
      .poll(async () => (await coverage()).users.find((user) => user.email === hugo.email)?.isFlagged, {
        timeout: 30_000,
      })
      .toBe(true);
    const metrics = await bed.app.server!.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^callport_coverage_flagged_users 1$/m);
    const hugoRow = (await coverage()).users.find((user) => user.email === hugo.email);
    expect(hugoRow?.unrecorded.map((line) => line.topic)).toEqual(['Arrêté encore', 'Arrêté', 'Hors groupe']);
    const week = hugoRow?.weeks.at(-1);
    expect(week).toMatchObject({ held: 4, recorded: 1, imported: 1 });
  }, 120_000);

  it('lets a member see their own coverage only', async () => {
    const own = await coverage(hugoClient);
    expect(own.users.map((user) => user.email)).toEqual([hugo.email]);
    expect(own.meetings.every((line) => line.hostName === hugo.name)).toBe(true);
    expect(
      (
        await hugoClient.request('PUT', '/api/settings/coverage', {
          excludeInternal: true,
          internalDomains: [],
        })
      ).statusCode,
    ).toBe(403);
  });

  it('finds meetings no webhook announced with the reconciliation pass, within one report request per user', async () => {
    // The pass that linking Emma and Hugo started (their history) is over before this one is asked.
    const before = await passFinished();
    bed.emulator.control.setWebhooks({ enabled: false });
    const quiet = await meetGuest(emma, 'Sans webhook');
    bed.emulator.control.setWebhooks({ enabled: true });
    expect(await lineOf('Sans webhook')).toBeUndefined();
    bed.emulator.control.clearRequestLog();
    expect((await bed.admin.request('POST', '/api/integrations/zoom/coverage/reconcile')).statusCode).toBe(
      202,
    );
    await passFinished(before);
    expect((await lineOf('Sans webhook'))?.meetingUuid).toBe(quiet.uuid);
    const reports = bed.emulator.control
      .requestLog()
      .filter((entry) => entry.route === '/v2/report/users/:userId/meetings');
    const linked = (await coverage()).users.length;
    expect(reports.length).toBe(linked);
    expect(reports.every((entry) => entry.category === 'Heavy')).toBe(true);
  }, 120_000);

  it('knows the meetings a user held in the weeks before being linked, from their first pass', async () => {
    const lea = { email: 'lea.robert@acme.example', name: 'Léa Robert' };
    const daysAgo = (days: number) => new Date(bed.emulator.control.now().getTime() - days * 86_400_000);
    // Léa held these before anyone linked her: no webhook can have told Callport about them.
    bed.emulator.control.setWebhooks({ enabled: false });
    const threeWeeks = bed.emulator.control.simulateMeeting({
      hostEmail: lea.email,
      topic: 'Avant le lien, trois semaines',
      startTime: daysAgo(21),
      durationMinutes: 30,
      participants: [guest],
    });
    const sixWeeks = bed.emulator.control.simulateMeeting({
      hostEmail: lea.email,
      topic: 'Avant le lien, six semaines',
      startTime: daysAgo(42),
      durationMinutes: 30,
      participants: [guest],
    });
    bed.emulator.control.setWebhooks({ enabled: true });
    const before = await passFinished();
    bed.emulator.control.clearRequestLog();

    // Utilisateurs > Associer automatiquement > Sauvegarder links her: her first pass starts at once.
    await bed.admin.request('POST', '/api/users', lea);
    await bed.linkZoomUsers();
    const linkedPass = await passFinished(before);
    expect((await lineOf('Avant le lien, six semaines'))?.meetingUuid).toBe(sixWeeks.uuid);
    expect((await lineOf('Avant le lien, trois semaines'))?.meetingUuid).toBe(threeWeeks.uuid);
    const leaId = bed.emulator.control.listUsers().find((user) => user.email === lea.email)!.id;
    const reportsFor = (zoomUserId: string) =>
      bed.emulator.control
        .requestLog()
        .filter(
          (entry) => entry.route === '/v2/report/users/:userId/meetings' && entry.path.includes(zoomUserId),
        );
    // Her eight weeks in two windows of at most a month (Zoom's limit); Emma and Hugo, covered before,
    // were asked for their last two days only.
    expect(reportsFor(leaId)).toHaveLength(2);
    expect(
      bed.emulator.control
        .requestLog()
        .filter((entry) => entry.route === '/v2/report/users/:userId/meetings'),
    ).toHaveLength((await coverage()).users.length + 1);

    // The next pass asks her last two days only.
    bed.emulator.control.clearRequestLog();
    expect((await bed.admin.request('POST', '/api/integrations/zoom/coverage/reconcile')).statusCode).toBe(
      202,
    );
    await passFinished(linkedPass);
    expect(reportsFor(leaId)).toHaveLength(1);
  }, 120_000);

  it('leaves internal meetings out when the setting says so', async () => {
    const colleague = { name: emma.name, email: emma.email };
    await bed.recordMeeting({ hostEmail: hugo.email, topic: 'Réunion interne', participants: [colleague] });
    await expect
      .poll(async () => (await lineOf('Réunion interne'))?.isInternal, { timeout: 30_000 })
      .toBe(true);
    const saved = await bed.admin.request('PUT', '/api/settings/coverage', {
      excludeInternal: true,
      internalDomains: [],
    });
    expect(saved.statusCode).toBe(200);
    expect(await lineOf('Réunion interne')).toBeUndefined();
    expect(await lineOf('Arrêté')).toBeDefined();
    const bad = await bed.admin.request('PUT', '/api/settings/coverage', {
      excludeInternal: true,
      internalDomains: ['not a domain'],
    });
    expect(bad.statusCode).toBe(400);
  }, 120_000);
});
