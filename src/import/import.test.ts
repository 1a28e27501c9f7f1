import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';

let bed: ZoomTestBed;
const emma = 'emma.dubois@acme.example';

/** GET /meetings/{uuid}/recordings requests for one meeting (Zoom encodes `/` in a UUID twice). */
function meetingReads(uuid: string) {
  const encoded = encodeURIComponent(encodeURIComponent(uuid));
  return bed.emulator.control
    .requestLog()
    .filter(
      (entry) =>
        entry.route === '/v2/meetings/:meetingId/recordings' &&
        entry.method === 'GET' &&
        [uuid, encodeURIComponent(uuid), encoded].some((form) =>
          entry.path.endsWith(`/meetings/${form}/recordings`),
        ),
    ).length;
}

async function calls() {
  return (await bed.admin.request('GET', '/api/calls')).json() as {
    calls: Array<{ id: string; topic: string; hasTranscript: boolean }>;
  };
}

beforeAll(async () => {
  bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60' } });
  await bed.followGuide([{ email: emma, name: 'Emma Dubois' }]);
  // Emma's backfill must be over: a sweep still listing her recordings would import the next meeting
  // from its listing (no instance read), which is not the webhook path the first test follows.
  await bed.waitForFirstImports();
  bed.recordEverythingToCloud();
});
afterAll(() => bed?.stop());

describe('import', () => {
  it('imports a call through the webhook, with playable media and its transcript', async () => {
    const meeting = await bed.recordMeeting({ hostEmail: emma, topic: 'Démo Acme' });
    expect(meeting.recorded).toBe(true);
    await expect
      .poll(async () => (await calls()).calls.find((c) => c.topic === 'Démo Acme')?.hasTranscript, {
        timeout: 30_000,
      })
      .toBe(true);

    const call = (await calls()).calls.find((c) => c.topic === 'Démo Acme')!;
    const detail = (await bed.admin.request('GET', `/api/calls/${call.id}`)).json();
    expect(detail.transcript[0]).toMatchObject({ speaker: 'Emma Dubois', startMs: 0 });
    const video = detail.media.find((m: { kind: string }) => m.kind === 'video');
    expect(video.size).toBeGreaterThan(10_000);

    const ranged = await bed.admin.request('GET', video.url, undefined, { range: 'bytes=0-99' });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.rawPayload.length).toBe(100);
    expect(ranged.headers['content-range']).toBe(`bytes 0-99/${video.size}`);

    const full = await bed.admin.request('GET', video.url);
    const zoomFile = (await bed.emulator.control.getRecording(meeting.uuid))!.files.find(
      (f) => f.fileType === 'MP4',
    )!;
    expect(createHash('sha256').update(full.rawPayload).digest('hex')).toBe(zoomFile.sha256);

    // A webhook's file list may be incomplete (docs/zoom-platform.md §7): the import asked Zoom for the instance.
    expect(meetingReads(meeting.uuid)).toBeGreaterThanOrEqual(1);

    const metrics = await (await fetch(`${bed.callportUrl}/metrics`)).text();
    expect(metrics).toMatch(/callport_imports_total\{outcome="imported"\} [1-9]/);
    expect(metrics).toMatch(/callport_import_latency_seconds_count [1-9]/);

    const outsider = await bed.app.createOrganization('Outsider');
    expect((await outsider.admin.request('GET', `/api/calls/${call.id}`)).statusCode).toBe(404);
    expect((await outsider.admin.request('GET', video.url)).statusCode).toBe(404);
  });

  it('finds a recording after the next sweep when webhooks are off, and never duplicates a call', async () => {
    bed.emulator.control.setWebhooks({ enabled: false });
    const meeting = await bed.recordMeeting({ hostEmail: emma, topic: 'Sans webhook' });
    expect((await calls()).calls.some((c) => c.topic === 'Sans webhook')).toBe(false);
    expect((await bed.admin.request('POST', '/api/integrations/zoom/imports/sweep')).statusCode).toBe(202);
    await expect
      .poll(async () => (await calls()).calls.filter((c) => c.topic === 'Sans webhook').length, {
        timeout: 30_000,
      })
      .toBe(1);
    // Another sweep lists the same recordings again: once it is over, still one call each.
    await bed.sweepNow();
    const topics = (await calls()).calls.map((c) => c.topic).sort();
    // Emma's sandbox recordings came with her backfill (BACKFILL_DAYS at its default), each once.
    expect(topics).toEqual(['Demo: Initech', 'Discovery call: Globex', 'Démo Acme', 'Sans webhook']);
    // The sweep's listing gave every file: the import did not ask Zoom for the instance again.
    expect(meetingReads(meeting.uuid)).toBe(0);
    bed.emulator.control.setWebhooks({ enabled: true });
  });

  it('explains why a meeting was not imported', async () => {
    const notLinked = await bed.recordMeeting({ hostEmail: 'nathan.durand@acme.example', topic: 'Support' });
    const diagnose = async (meeting: string) =>
      (await bed.admin.request('POST', '/api/import/diagnose', { meeting })).json();
    await expect
      .poll(async () => (await diagnose(String(notLinked.meetingId))).verdict, {
        timeout: 20_000,
        interval: 500,
      })
      .toBe('host_not_linked');
    expect((await diagnose('999 999 9999')).verdict).toBe('not_recorded_in_cloud');
    const imported = (await calls()).calls.find((c) => c.topic === 'Démo Acme')!;
    const overview = (await bed.admin.request('GET', '/api/integrations/zoom/imports')).json();
    const row = overview.recordings.find((r: { topic: string }) => r.topic === 'Démo Acme');
    expect((await diagnose(String(row.meetingId))).callId).toBe(imported.id);
    expect(row.events.map((e: { status: string }) => e.status)).toEqual(
      expect.arrayContaining(['discovered', 'importing', 'imported']),
    );
  });

  it('answers a member about their own meetings only, and limits how often they ask', async () => {
    const hugo = await bed.app.createUserClient(bed.organizationId, 'member', 'hugo.thomas@acme.example');
    const own = await bed.recordMeeting({ hostEmail: 'hugo.thomas@acme.example', topic: 'Appel de Hugo' });
    const diagnose = async (meeting: string) =>
      (await hugo.request('POST', '/api/import/diagnose', { meeting })).json();
    expect((await diagnose(String(own.meetingId))).verdict).not.toBe('not_found');

    const overview = (await bed.admin.request('GET', '/api/integrations/zoom/imports')).json();
    const emmas = overview.recordings.find((r: { topic: string }) => r.topic === 'Démo Acme');
    const unknownAtZoom = await diagnose('999 999 9998');
    const someoneElses = await diagnose(String(emmas.meetingId));
    expect(someoneElses).toEqual(unknownAtZoom);
    expect(someoneElses).toMatchObject({ verdict: 'not_found', callId: null });
    // Another host's meeting Callport has not seen yet: not looked up for them, not queued either.
    bed.emulator.control.setWebhooks({ enabled: false });
    const unseen = await bed.recordMeeting({ hostEmail: 'lea.robert@acme.example', topic: 'Appel de Léa' });
    expect(await diagnose(String(unseen.meetingId))).toEqual(unknownAtZoom);
    const queued = await bed.app.database.executeSql('SELECT 1 FROM recordings WHERE meeting_id = $1', [
      unseen.meetingId,
    ]);
    expect(queued.rows).toEqual([]);
    bed.emulator.control.setWebhooks({ enabled: true });
    // An admin still gets the answer.
    expect(
      (await bed.admin.request('POST', '/api/import/diagnose', { meeting: String(emmas.meetingId) })).json(),
    ).toMatchObject({ verdict: 'imported' });

    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push(
        (await hugo.request('POST', '/api/import/diagnose', { meeting: '999 999 9997' })).statusCode,
      );
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 200).length).toBe(20 - 4);
  });

  it('adds a transcript Zoom finishes later to the imported call, and says "imported" once', async () => {
    const meeting = await bed.recordMeeting({
      hostEmail: emma,
      topic: 'Transcript tardif',
      transcriptSeconds: 60,
    });
    const imported = async () => (await calls()).calls.find((c) => c.topic === 'Transcript tardif');
    await expect.poll(async () => (await imported())?.hasTranscript, { timeout: 30_000 }).toBe(false);
    await bed.emulator.control.advanceClock(60);
    await bed.emulator.control.flushWebhooks();
    await expect.poll(async () => (await imported())?.hasTranscript, { timeout: 30_000 }).toBe(true);

    const history = (
      await bed.app.database.executeSql(
        `SELECT e.status FROM recording_events e JOIN recordings r ON r.id = e.recording_id
         WHERE r.meeting_uuid = $1 ORDER BY e.at`,
        [meeting.uuid],
      )
    ).rows.map((row) => String(row.status));
    expect(history.filter((status) => status === 'imported')).toEqual(['imported']);
  });

  it('adds a transcript whose webhook was lost at the next sweep', async () => {
    await bed.recordMeeting({ hostEmail: emma, topic: 'Transcript perdu', transcriptSeconds: 60 });
    const imported = async () => (await calls()).calls.find((c) => c.topic === 'Transcript perdu');
    await expect.poll(async () => (await imported())?.hasTranscript, { timeout: 30_000 }).toBe(false);
    bed.emulator.control.setWebhooks({ enabled: false });
    await bed.emulator.control.advanceClock(60);
    expect((await bed.admin.request('POST', '/api/integrations/zoom/imports/sweep')).statusCode).toBe(202);
    await expect.poll(async () => (await imported())?.hasTranscript, { timeout: 30_000 }).toBe(true);
    bed.emulator.control.setWebhooks({ enabled: true });
  });

  // Cut with Content-Length (the HTTP client notices) and cut as a complete chunked body (only the size
  // Zoom listed shows it: the import's size check).
  for (const chunked of [false, true]) {
    const topic = chunked ? 'Téléchargement coupé (chunked)' : 'Téléchargement coupé';
    it(`never keeps a file Zoom cut short (truncateDownloadsAfterBytes${chunked ? ', chunked' : ''}): it retries until the file is whole`, async () => {
      bed.emulator.control.setFaults({
        truncateDownloadsAfterBytes: 4096,
        truncatedDownloadsChunked: chunked,
      });
      const meeting = await bed.recordMeeting({ hostEmail: emma, topic });
      const row = async () =>
        (
          await bed.app.database.executeSql(
            'SELECT status, status_reason FROM recordings WHERE meeting_uuid = $1',
            [meeting.uuid],
          )
        ).rows[0] as { status: string; status_reason: string | null } | undefined;
      await expect
        .poll(async () => (await row())?.status_reason ?? '', { timeout: 30_000 })
        .toMatch(/retrying/);
      expect((await row())?.status).not.toBe('imported');
      expect((await calls()).calls.some((c) => c.topic === topic)).toBe(false);
      bed.emulator.control.resetFaults();
      await expect
        .poll(async () => (await calls()).calls.find((c) => c.topic === topic), { timeout: 90_000 })
        .toBeDefined();
      const call = (await calls()).calls.find((c) => c.topic === topic)!;
      const detail = (await bed.admin.request('GET', `/api/calls/${call.id}`)).json();
      const zoomFiles = (await bed.emulator.control.getRecording(meeting.uuid))!.files;
      for (const kind of ['video', 'audio'] as const) {
        const media = detail.media.find((m: { kind: string }) => m.kind === kind);
        const zoomFile = zoomFiles.find((f) => f.fileType === (kind === 'video' ? 'MP4' : 'M4A'))!;
        expect(media.size, kind).toBe(zoomFile.size);
        const body = (await bed.admin.request('GET', media.url)).rawPayload;
        expect(createHash('sha256').update(body).digest('hex'), kind).toBe(zoomFile.sha256);
      }
    }, 120_000);
  }
});
