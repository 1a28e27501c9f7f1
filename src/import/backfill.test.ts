import { afterEach, describe, expect, it } from 'vitest';
import { completedRecordingTopics, startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';
import { listUserSweeps, saveUserSweep } from './queries.ts';
import { dateWindows, utcDate } from './sweep-connection.ts';

// The first import is per linked Zoom user, not per connection: whoever becomes linked, whenever, gets
// their last BACKFILL_DAYS (default) of cloud recordings, once. One user's failing listing stops nobody.

const emma = { email: 'emma.dubois@acme.example', name: 'Emma Dubois' };
const hugo = { email: 'hugo.thomas@acme.example', name: 'Hugo Thomas' };
const nathan = { email: 'nathan.durand@acme.example', name: 'Nathan Durand' };
const dayMs = 86_400_000;

let bed: ZoomTestBed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

type Overview = {
  lastSweep: { startedAt: string | null; finishedAt: string | null } | null;
  unmatchedHosts: Array<{ zoomUserId: string; email: string | null; recordings: number }>;
  recordings: Array<{
    topic: string;
    hostEmail: string | null;
    status: string;
    events: Array<{ status: string }>;
  }>;
};

async function callTopics(test: ZoomTestBed): Promise<string[]> {
  const body = (await test.admin.request('GET', '/api/calls?limit=200')).json() as {
    calls: Array<{ topic: string }>;
  };
  return body.calls.map((call) => call.topic).sort();
}

async function overview(test: ZoomTestBed): Promise<Overview> {
  return (await test.admin.request('GET', '/api/integrations/zoom/imports')).json() as Overview;
}

/** "Importer maintenant", then waits until that sweep has finished. */
async function sweepNow(test: ZoomTestBed): Promise<void> {
  const before = (await overview(test)).lastSweep?.startedAt ?? '';
  expect((await test.admin.request('POST', '/api/integrations/zoom/imports/sweep')).statusCode).toBe(202);
  await expect
    .poll(
      async () => {
        const sweep = (await overview(test)).lastSweep;
        return Boolean(sweep?.startedAt && sweep.startedAt > before && sweep.finishedAt === sweep.startedAt);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

/** Completed cloud recordings (not trashed) hosted by these e-mails, as the emulator holds them. */
function zoomTopicsOf(test: ZoomTestBed, emails: string[]): Promise<string[]> {
  return completedRecordingTopics(test.emulator, (recording) => emails.includes(recording.hostEmail));
}

describe('backfill per linked user', () => {
  it('imports the older recordings of a user created and linked a week after connecting, once', async () => {
    bed = await startZoomTestBed({ startClock: new Date(Date.now() - 7 * dayMs) });
    const test = bed;
    await test.connect();
    // The connect-time sweep runs with nobody linked: it imports nothing (what the account's users
    // recorded waits for their link) and counts for nobody's first import.
    await expect
      .poll(async () => (await overview(test)).lastSweep?.finishedAt ?? null, { timeout: 30_000 })
      .not.toBeNull();
    expect(await callTopics(test)).toEqual([]);

    // A week later (virtual clock; the still-processing recording finished meanwhile, its webhooks
    // stamped a week ahead of Callport's clock are refused as replays), Emma joins and is linked.
    await test.emulator.control.advanceClock(7 * 86_400);
    await test.admin.request('POST', '/api/users', emma);
    await test.linkZoomUsers();

    const expected = await zoomTopicsOf(test, [emma.email]);
    expect(expected).toEqual(['Demo: Initech', 'Discovery call: Globex', 'Follow-up: Globex']);
    await expect.poll(() => callTopics(test), { timeout: 60_000 }).toEqual(expected);

    // Unlink, link again, sweep: nothing is imported twice.
    expect(
      (await test.admin.request('PUT', '/api/integrations/zoom/users/links', { links: [] })).statusCode,
    ).toBe(204);
    await test.linkZoomUsers();
    await sweepNow(test);
    expect(await callTopics(test)).toEqual(expected);
    for (const recording of (await overview(test)).recordings.filter((r) => r.hostEmail === emma.email)) {
      expect(recording.events.filter((event) => event.status === 'imported')).toHaveLength(1);
    }
  }, 180_000);

  it('counts what each host not linked yet recorded, known from the sweep or the webhook, and imports it once linked', async () => {
    bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60' } });
    const test = bed;
    await test.admin.request('POST', '/api/users', emma);
    await test.connect();
    await test.linkZoomUsers();
    await test.waitForFirstImports();
    test.recordEverythingToCloud();
    // Nathan has no Callport account yet: Zoom's webhook announces his new meeting all the same.
    await test.recordMeeting({ hostEmail: nathan.email, topic: 'Support: Acme' });

    // What every host but Emma has in Zoom's cloud, as the emulator holds it. Their older recordings
    // (Nathan's escalation call among them) were made before Callport was connected: no webhook ever
    // announced them, only the sweep of the account's licensed users can know them.
    const emails = new Set(
      (
        await Promise.all(
          test.emulator.control.listMeetings().map((m) => test.emulator.control.getRecording(m.uuid)),
        )
      )
        .flatMap((recording) => (recording ? [recording.hostEmail] : []))
        .filter((email) => email !== emma.email),
    );
    const expected = [];
    for (const email of [...emails].sort())
      expected.push({ email, recordings: (await zoomTopicsOf(test, [email])).length });
    expect(expected).toEqual(
      expect.arrayContaining([
        { email: hugo.email, recordings: 2 },
        { email: nathan.email, recordings: 2 },
      ]),
    );
    const escalation = test.emulator.control
      .listMeetings()
      .find((meeting) => meeting.topic === 'Support escalation: Initech')!;
    expect(test.emulator.control.webhookLog().filter((d) => d.body.includes(escalation.uuid))).toEqual([]);

    const unmatched = async () =>
      (await overview(test)).unmatchedHosts
        .map(({ email, recordings }) => ({ email, recordings }))
        .sort((a, b) => String(a.email).localeCompare(String(b.email)));
    await expect.poll(unmatched, { timeout: 30_000 }).toEqual(expected);

    await test.admin.request('POST', '/api/users', nathan);
    await test.linkZoomUsers();
    // His meeting waiting for the link and his escalation call only the sweep knew: both imported.
    await expect
      .poll(async () => (await callTopics(test)).filter((topic) => topic.startsWith('Support')), {
        timeout: 60_000,
      })
      .toEqual(['Support escalation: Initech', 'Support: Acme']);
    const stillUnmatched = expected.filter((host) => host.email !== nathan.email);
    expect(await unmatched()).toEqual(stillUnmatched);

    // A host the admin sets aside ("Ignorer") is no longer listed by the sweep; the others still are.
    const hugoId = (await overview(test)).unmatchedHosts.find(
      (host) => host.email === hugo.email,
    )!.zoomUserId;
    const ignored = await test.admin.request(
      'POST',
      `/api/integrations/zoom/users/seen-hosts/${encodeURIComponent(hugoId)}/ignore`,
    );
    expect(ignored.statusCode).toBe(204);
    const listingsOf = (zoomUserId: string) =>
      test.callportRequests().filter((entry) => entry.path === `/v2/users/${zoomUserId}/recordings`).length;
    const others = stillUnmatched.filter((host) => host.email !== hugo.email);
    const otherIds = (await overview(test)).unmatchedHosts
      .filter((host) => others.some((other) => other.email === host.email))
      .map((host) => host.zoomUserId);
    expect(otherIds.length).toBe(others.length);
    const before = { hugo: listingsOf(hugoId), others: otherIds.map(listingsOf) };
    await sweepNow(test);
    expect(listingsOf(hugoId)).toBe(before.hugo);
    expect(otherIds.map((id, index) => listingsOf(id) > before.others[index]!)).toEqual(
      otherIds.map(() => true),
    );
  }, 180_000);

  it('imports a recording of the day two listing windows share with one import job', async () => {
    bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60' } });
    const test = bed;
    // Emma's demo of three days ago is on the day the backfill's two 28-day windows share.
    const demo = test.emulator.control.listMeetings().find((meeting) => meeting.topic === 'Demo: Initech')!;
    const [first] = dateWindows(utcDate(Date.now() - 30 * dayMs), utcDate(Date.now() + dayMs));
    expect(utcDate(Date.parse(demo.startTime))).toBe(first?.to);
    // Slow downloads: its import is still running when the second window lists it again.
    test.emulator.control.setFaults({
      slowResponses: [{ endpoint: 'GET /rec/download/:fileKey', delayMs: 1500 }],
    });
    await test.admin.request('POST', '/api/users', emma);
    await test.connect();
    // The connect-time sweep lists the account's licensed users linked to nobody once the user sync
    // it runs beside has found them: Emma's recordings then get a job that ends "skipped" (host not
    // linked), as it should. Counted: the jobs queued once she is linked, after that sweep.
    await expect
      .poll(async () => (await test.admin.request('GET', '/api/integrations/zoom/imports')).json(), {
        timeout: 60_000,
      })
      .toMatchObject({ lastSweep: { finishedAt: expect.any(String) } });
    const { rows: clock } = await test.app.database.executeSql('SELECT now() AS at');
    await test.linkZoomUsers();
    await test.waitForFirstImports();
    const { rows } = await test.app.database.executeSql(
      `SELECT state, output, created_on FROM pgboss.job WHERE name = 'import.import-recording'
        AND data->>'recordingId' = (SELECT id::text FROM recordings WHERE meeting_uuid = $1)
        AND created_on >= $2`,
      [demo.uuid, clock[0]?.at],
    );
    expect(rows, JSON.stringify(rows)).toHaveLength(1);
  }, 180_000);

  it('keeps the latest listing attempt when a sweep started before a link finishes after the backfill', async () => {
    bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60' } });
    await bed.connect();
    const { db, executeSql } = bed.app.database;
    const connectionId = String((await executeSql('SELECT id FROM zoom_connections')).rows[0]?.id);
    const key = { connectionId, zoomUserId: 'late-finisher' };
    const backfill = new Date();
    const olderSweep = new Date(backfill.getTime() - 5_000);
    const day = utcDate(backfill.getTime());
    await saveUserSweep(db, key, { ok: true, startedAt: backfill, from: day, found: 0 });
    await saveUserSweep(db, key, { ok: true, startedAt: olderSweep, from: day, found: 0 });
    await saveUserSweep(db, key, { ok: false, startedAt: olderSweep, code: 'zoom_unavailable', detail: '' });
    const [cursor] = (await listUserSweeps(db, connectionId)).filter(
      (row) => row.zoomUserId === key.zoomUserId,
    );
    expect(cursor?.lastAttemptAt?.getTime()).toBe(backfill.getTime());
  }, 120_000);

  it('queues `callport import --since` apart from a sweep already waiting, and the same request once', async () => {
    // No worker: every sweep asked for stays waiting in the queue, as behind a busy worker.
    bed = await startZoomTestBed({ roles: ['web'], env: { SWEEP_INTERVAL_MINUTES: '60' } });
    const test = bed;
    await test.connect();
    const connectionId = String(
      (await test.app.database.executeSql('SELECT id FROM zoom_connections', [])).rows[0]?.id,
    );
    const waiting = async () =>
      (
        await test.app.database.executeSql(
          "SELECT data FROM pgboss.job WHERE name = 'import.sweep-connection' AND state = 'created' ORDER BY created_on",
          [],
        )
      ).rows.map((row) => row.data);
    await expect.poll(waiting).toEqual([{ connectionId }]);
    // "Importer maintenant" joins the full sweep already waiting; an import since a day does not.
    expect((await test.admin.request('POST', '/api/integrations/zoom/imports/sweep')).statusCode).toBe(202);
    const since = utcDate(Date.now() - 60 * dayMs);
    await test.app.importer.requestSweep(connectionId, { since });
    await test.app.importer.requestSweep(connectionId, { since });
    await test.app.importer.requestSweep(connectionId, { since, userEmail: emma.email });
    expect(await waiting()).toEqual([
      { connectionId },
      { connectionId, since },
      { connectionId, since, userEmail: emma.email },
    ]);
  });

  it("goes on with every other user when one user's listing fails, and says why on that user's row", async () => {
    bed = await startZoomTestBed();
    const test = bed;
    for (const person of [emma, hugo, nathan]) await test.admin.request('POST', '/api/users', person);
    // Zoom refuses Hugo's listing: "not allowed to host" (code 3161), the shape Zoom sends.
    test.emulator.control.setFaults({
      userErrors: [
        { endpoint: 'GET /v2/users/:userId/recordings', user: hugo.email, status: 400, code: 3161 },
      ],
    });
    await test.connect();
    await test.linkZoomUsers();

    const others = await zoomTopicsOf(test, [emma.email, nathan.email]);
    expect(others.length).toBeGreaterThanOrEqual(3);
    await expect.poll(() => callTopics(test), { timeout: 60_000 }).toEqual(others);
    const hugoRow = async () => {
      const mapping = (await test.admin.request('GET', '/api/integrations/zoom/users')).json() as {
        users: Array<{ email: string; import: { errorCode: string | null; sweptAt: string | null } | null }>;
      };
      return mapping.users.find((user) => user.email === hugo.email)?.import;
    };
    await expect.poll(hugoRow).toMatchObject({ errorCode: 'zoom_user_not_licensed', sweptAt: null });

    // Zoom lets Hugo host again: the next sweep imports his recordings and clears the reason.
    test.emulator.control.setFaults({ userErrors: [] });
    await sweepNow(test);
    await expect
      .poll(() => callTopics(test), { timeout: 60_000 })
      .toEqual(await zoomTopicsOf(test, [emma.email, nathan.email, hugo.email]));
    expect(await hugoRow()).toMatchObject({ errorCode: null });
  }, 180_000);
});
