/**
 * Callport against what real Zoom sends (docs/zoom-platform.md §2.3, §4.2, §4.3, §7): shapes seen in public
 * captures, through the real emulator (which reproduces them) or as signed webhooks posted to Callport.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmePerson, startGuideBed, type ZoomTestBed } from '../test-support/zoom.ts';
import { sandboxServerToServerApp, signWebhookBody } from '../zoom-emulator/index.ts';
import { bundledMediaMs } from '../zoom-emulator/media.ts';

let bed: ZoomTestBed;
const emma = 'emma.dubois@acme.example';
const hugo = 'hugo.thomas@acme.example';
type Call = { id: string; topic: string; startedAt: string; hasTranscript: boolean };

async function callNamed(topic: string): Promise<Call | undefined> {
  const { calls } = (await bed.admin.request('GET', '/api/calls?limit=200')).json() as { calls: Call[] };
  return calls.find((call) => call.topic === topic);
}

async function recordingRow(uuid: string) {
  const { rows } = await bed.app.database.executeSql(
    'SELECT id, status, status_reason, start_time FROM recordings WHERE meeting_uuid = $1',
    [uuid],
  );
  return rows[0] as
    | { id: string; status: string; status_reason: string | null; start_time: Date }
    | undefined;
}

/** What Zoom would answer for a meeting, read with the sandbox's Server-to-Server app (Callport's grant stays). */
async function zoomMeeting(uuid: string) {
  const { clientId, clientSecret } = sandboxServerToServerApp;
  const token = (await (
    await fetch(
      `${bed.emulator.oauthUrl}/oauth/token?grant_type=account_credentials&account_id=acme-sandbox-account`,
      {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      },
    )
  ).json()) as { access_token: string };
  const response = await fetch(
    `${bed.emulator.apiUrl}/meetings/${encodeURIComponent(encodeURIComponent(uuid))}/recordings`,
    { headers: { authorization: `Bearer ${token.access_token}` } },
  );
  return (await response.json()) as Record<string, unknown> & { recording_files: Record<string, unknown>[] };
}

/** Posts a body to Callport's webhook endpoint signed as Zoom signs (docs/zoom-platform.md §4.1). */
async function postSigned(body: unknown) {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  return fetch(`${bed.callportUrl}/webhooks/zoom`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-zm-request-timestamp': String(timestamp),
      'x-zm-signature': signWebhookBody(bed.zoomApp.webhookSecretToken ?? '', timestamp, raw),
    },
    body: raw,
  });
}

type SimulateMeetingOptions = Parameters<ZoomTestBed['emulator']['control']['simulateMeeting']>[0];

/**
 * Zoom holds a meeting (one minute unless `durationMinutes` says otherwise), then 5 s pass and the
 * webhooks due by then are delivered, if webhooks are on; other timings are the emulator's own defaults.
 */
async function holdMeeting(
  options: Omit<SimulateMeetingOptions, 'durationMinutes'> & { durationMinutes?: number },
) {
  const meeting = bed.emulator.control.simulateMeeting({ durationMinutes: 1, ...options });
  await bed.emulator.control.advanceClock(5);
  await bed.emulator.control.flushWebhooks();
  return meeting;
}

beforeAll(async () => {
  // BACKFILL_DAYS at its default: the sandbox's older recordings arrive with the linked users' first
  // imports, which are done before each test records and looks up its own meetings.
  bed = await startGuideBed(['Emma Dubois', 'Hugo Thomas'].map(acmePerson), {
    env: { SWEEP_INTERVAL_MINUTES: '60' },
  });
  await bed.waitForFirstImports();
  bed.recordEverythingToCloud();
});
afterAll(() => bed?.stop());

describe('Callport reads Zoom as Zoom sends it', () => {
  it('dates a recurring meeting’s call from its files, not from the series’ start_time', async () => {
    const meetingId = 86_000_000_017;
    const now = bed.emulator.control.now();
    bed.emulator.control.simulateMeeting({
      hostEmail: hugo,
      topic: 'Point hebdo (première)',
      meetingId,
      type: 8,
      durationMinutes: 1,
      startTime: new Date(new Date(now).getTime() - 13 * 86_400_000),
      processingSeconds: 1,
    });
    const second = await bed.recordMeeting({ hostEmail: hugo, topic: 'Point hebdo', meetingId, type: 8 });
    const zoom = await zoomMeeting(second.uuid);
    const filesStart = Date.parse(String(zoom.recording_files[0]?.recording_start));
    // The emulator reproduces the capture: start_time is the series' (13 days earlier).
    expect(filesStart - Date.parse(String(zoom.start_time))).toBeGreaterThan(12 * 86_400_000);
    await expect
      .poll(async () => (await callNamed('Point hebdo'))?.startedAt, { timeout: 30_000 })
      .toBeTruthy();
    const call = (await callNamed('Point hebdo'))!;
    expect(Date.parse(call.startedAt)).toBe(filesStart);
    expect(new Date((await recordingRow(second.uuid))!.start_time).getTime()).toBe(filesStart);
  });

  it('makes a call as long as its recording plays, not as the meeting’s minutes', async () => {
    // A 32-minute meeting recorded with the bundled ~21 s sample call (the sandbox's calls).
    const meeting = await holdMeeting({
      hostEmail: emma,
      topic: 'Réunion de 32 minutes',
      durationMinutes: 32,
      processingSeconds: 1,
      transcriptSeconds: 1,
    });
    const zoom = await zoomMeeting(meeting.uuid);
    // Zoom's `duration` is the meeting's minutes; the files' times are what was recorded.
    expect(zoom.duration).toBe(32);
    const video = zoom.recording_files.find((file) => file.file_type === 'MP4')!;
    const playsMs = Date.parse(String(video.recording_end)) - Date.parse(String(video.recording_start));
    // Zoom's times are whole seconds: the file says 20 or 21 s for the 20.8 s it plays.
    expect(Math.abs(playsMs - bundledMediaMs)).toBeLessThan(1000);
    await expect
      .poll(async () => (await callNamed('Réunion de 32 minutes'))?.id, { timeout: 30_000 })
      .toBeTruthy();
    const { calls } = (await bed.admin.request('GET', '/api/calls?limit=200')).json() as {
      calls: Array<Call & { durationSeconds: number }>;
    };
    expect(calls.find((call) => call.topic === 'Réunion de 32 minutes')?.durationSeconds).toBe(
      Math.round(playsMs / 1000),
    );
  });

  it('keeps every segment’s transcript and chat, in order, on the call’s clock', async () => {
    const meeting = await holdMeeting({
      hostEmail: emma,
      topic: 'Appel en deux parties',
      durationMinutes: 6,
      segments: [
        { startMinute: 0, endMinute: 2 },
        { startMinute: 4, endMinute: 6 },
      ],
      transcript: [
        { speaker: 'Emma Dubois', text: 'Bonjour, première partie.' },
        { speaker: 'Client', text: 'Très bien.' },
        { speaker: 'Emma Dubois', text: 'Reprenons, deuxième partie.' },
        { speaker: 'Client', text: 'Parfait, merci.' },
      ],
      chat: [
        { sender: 'Client', text: 'lien 1' },
        { sender: 'Emma Dubois', text: 'lien 2' },
      ],
      processingSeconds: 1,
      transcriptSeconds: 1,
    });
    const zoom = await zoomMeeting(meeting.uuid);
    expect(zoom.recording_files.filter((f) => f.file_type === 'TRANSCRIPT')).toHaveLength(2);
    expect(zoom.recording_files.filter((f) => f.file_type === 'CHAT')).toHaveLength(2);
    await expect
      .poll(async () => (await callNamed('Appel en deux parties'))?.hasTranscript, { timeout: 30_000 })
      .toBe(true);
    const call = (await callNamed('Appel en deux parties'))!;
    const detail = (await bed.admin.request('GET', `/api/calls/${call.id}`)).json() as {
      transcript: Array<{ text: string; startMs: number }>;
      chat: Array<{ text: string; at: string }>;
    };
    expect(detail.transcript.map((line) => line.text)).toEqual([
      'Bonjour, première partie.',
      'Très bien.',
      'Reprenons, deuxième partie.',
      'Parfait, merci.',
    ]);
    // The second segment starts 4 minutes into the call.
    expect(detail.transcript[2]?.startMs).toBeGreaterThanOrEqual(4 * 60_000);
    expect(detail.chat.map((message) => message.text)).toEqual(['lien 1', 'lien 2']);
  });

  it('waits on a video still processing without a type, then imports it', async () => {
    bed.emulator.control.setWebhooks({ enabled: false });
    try {
      // Processing is short: the virtual clock must stay within Callport's 5-minute webhook window for the
      // next tests.
      const meeting = await holdMeeting({
        hostEmail: emma,
        topic: 'Vidéo en traitement',
        processingSeconds: 60,
      });
      const zoom = await zoomMeeting(meeting.uuid);
      expect(zoom.recording_files.some((f) => f.file_type === '' && f.recording_end === '')).toBe(true);
      expect((await bed.admin.request('POST', '/api/integrations/zoom/imports/sweep')).statusCode).toBe(202);
      await expect
        .poll(async () => (await recordingRow(meeting.uuid))?.status_reason, { timeout: 30_000 })
        .toMatch(/^zoom_processing_files /);
      const row = (await recordingRow(meeting.uuid))!;
      // The untyped file is counted, not written as "?": the UI names it in the reader's language.
      const params = JSON.parse(String(row.status_reason).replace(/^\S+ /, '')) as {
        files: string;
        untyped: number;
      };
      expect(params.untyped).toBe(1);
      expect(params.files.split(', ').sort()).toEqual(['M4A', 'TIMELINE']);
      expect(row.status).toBe('waiting');
      // The untyped video is known (it holds the import) rather than dropped as an unwanted type.
      const untyped = await bed.app.database.executeSql(
        "SELECT zoom_status FROM recording_files WHERE recording_id = $1 AND file_type = ''",
        [row.id],
      );
      expect(untyped.rows.map((r) => r.zoom_status)).toEqual(['processing']);
      await bed.emulator.control.advanceClock(60);
      expect((await bed.admin.request('POST', '/api/integrations/zoom/imports/sweep')).statusCode).toBe(202);
      // The next listing types the file: the untyped entry is replaced, nothing is left waiting on it.
      const fileTypes = async () =>
        (
          await bed.app.database.executeSql(
            "SELECT file_type FROM recording_files WHERE recording_id = $1 AND file_type IN ('', 'MP4')",
            [row.id],
          )
        ).rows.map((r) => r.file_type);
      await expect.poll(fileTypes, { timeout: 30_000 }).toEqual(['MP4']);
    } finally {
      bed.emulator.control.setWebhooks({ enabled: true });
    }
  });

  it('imports a webhook with nulls and a string meeting id (once refused as "no meeting object")', async () => {
    bed.emulator.control.setWebhooks({ enabled: false });
    const meeting = await holdMeeting({ hostEmail: emma, topic: 'Champs nuls', processingSeconds: 1 });
    bed.emulator.control.setWebhooks({ enabled: true });
    const object = await zoomMeeting(meeting.uuid);
    const odd = {
      ...object,
      id: String(object.id),
      host_email: null,
      timezone: null,
      recording_play_passcode: null,
      password: null,
      recording_files: object.recording_files.map((file) =>
        file.file_type === 'TIMELINE' ? { ...file, recording_type: null, file_size: null } : file,
      ),
    };
    const response = await postSigned({
      event: 'recording.completed',
      event_ts: Date.now(),
      payload: { account_id: 'acme-sandbox-account', object: odd },
    });
    expect(response.status).toBeLessThan(300);
    // The webhook itself was read (not "ignored"): it queued the import.
    const outcome = async () =>
      (
        await bed.app.database.executeSql(
          "SELECT outcome FROM webhook_events WHERE event = 'recording.completed' AND outcome LIKE $1",
          [`%${meeting.uuid}%`],
        )
      ).rows.map((r) => String(r.outcome));
    await expect.poll(outcome, { timeout: 30_000 }).toEqual([`import queued for ${meeting.uuid}`]);
    await expect
      .poll(async () => (await recordingRow(meeting.uuid))?.status, { timeout: 30_000 })
      .toBe('imported');
  });

  it('skips one meeting of a listing it cannot read, says which, and imports the rest of the page', async () => {
    bed.emulator.control.setWebhooks({ enabled: false });
    try {
      const odd = await bed.recordMeeting({ hostEmail: emma, topic: 'Illisible' });
      const fine = await bed.recordMeeting({ hostEmail: emma, topic: 'Lisible' });
      bed.emulator.control.setFaults({ malformedListedRecordings: [odd.uuid] });
      expect((await bed.admin.request('POST', '/api/integrations/zoom/imports/sweep')).statusCode).toBe(202);
      await expect
        .poll(async () => (await recordingRow(fine.uuid))?.status, { timeout: 30_000 })
        .toBe('imported');
      expect(await recordingRow(odd.uuid)).toBeUndefined();
      const overview = async () =>
        (
          (await bed.admin.request('GET', '/api/integrations/zoom/imports')).json() as {
            lastSweep: {
              error: { code: string; params?: Record<string, string | number> } | null;
              finishedAt: string | null;
            } | null;
          }
        ).lastSweep;
      // A code and its params, never an English sentence: the UI says it in the reader's language.
      await expect
        .poll(async () => (await overview())?.error?.code, { timeout: 30_000 })
        .toBe('sweep_meetings_unreadable');
      const { error } = (await overview())!;
      expect(error?.params?.count).toBe(1);
      expect(String(error?.params?.detail)).toContain(odd.uuid);
      expect((await overview())?.finishedAt).toBeTruthy();
    } finally {
      bed.emulator.control.resetFaults();
      bed.emulator.control.setWebhooks({ enabled: true });
    }
  });

  it('downloads with the webhook’s download_token while valid, the OAuth token otherwise', async () => {
    bed.emulator.control.clearRequestLog();
    const meeting = await bed.recordMeeting({ hostEmail: emma, topic: 'Jeton de téléchargement' });
    await expect
      .poll(async () => (await recordingRow(meeting.uuid))?.status, { timeout: 30_000 })
      .toBe('imported');
    const downloads = () =>
      bed.emulator.control
        .requestLog()
        .filter(
          (entry) =>
            entry.route.startsWith('/rec/download') || entry.route.startsWith('/rec/webhook_download'),
        );
    expect(downloads().length).toBeGreaterThan(0);
    expect(new Set(downloads().map((entry) => entry.tokenKind))).toEqual(new Set(['download']));

    // Found by a sweep, without a webhook: no download token, the connection's OAuth token.
    bed.emulator.control.setWebhooks({ enabled: false });
    bed.emulator.control.clearRequestLog();
    const swept = await bed.recordMeeting({ hostEmail: emma, topic: 'Sans jeton' });
    await bed.admin.request('POST', '/api/integrations/zoom/imports/sweep');
    await expect
      .poll(async () => (await recordingRow(swept.uuid))?.status, { timeout: 30_000 })
      .toBe('imported');
    bed.emulator.control.setWebhooks({ enabled: true });
    expect(new Set(downloads().map((entry) => entry.tokenKind))).toEqual(new Set(['access']));
  });

  it('processes app_deauthorized as Zoom’s legacy reference shows it (no event_ts)', async () => {
    const { rows } = await bed.app.database.executeSql(
      "SELECT zoom_user_id FROM zoom_connections WHERE status = 'connected'",
      [],
    );
    expect(rows).toHaveLength(1);
    const response = await postSigned({
      event: 'app_deauthorized',
      payload: {
        user_data_retention: 'false',
        account_id: 'acme-sandbox-account',
        user_id: String(rows[0]?.zoom_user_id),
        signature: '827edc3452044f0bc86bdd5684afb7d1e6becfa1a767f24df1b287853cf73000',
        deauthorization_time: new Date(Date.now() + 1000).toISOString(),
        client_id: bed.zoomApp.clientId,
      },
    });
    expect(response.status).toBeLessThan(300);
    await expect
      .poll(
        async () =>
          (await bed.app.database.executeSql('SELECT status FROM zoom_connections', [])).rows.map(
            (r) => r.status,
          ),
        { timeout: 30_000 },
      )
      .toEqual(['uninstalled']);
  });
});
