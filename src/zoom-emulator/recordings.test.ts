import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoomRecordingLifecycleEventSchema } from '../zoom/wire.ts';
import type { SimulateMeetingOptions, ZoomEmulator } from './index.ts';
import { sandboxRecurringMeetingId, sandboxTrickyUuids } from './scenarios.ts';
import {
  api,
  type Json,
  type ReceivingEmulator,
  recordMeeting,
  startInstalledEmulator,
  startReceivingEmulator,
  startTestEmulator,
  testApp,
  uuidPath,
} from './test-helpers.ts';

const from = '2026-02-10';
const to = '2026-03-10';
/** The events of trashing, recovering then deleting a recording (or one of its files). */
const lifecycle = ['recording.trashed', 'recording.recovered', 'recording.deleted'];

function fileOf(meeting: Json, type: string): Json {
  return meeting.recording_files.find((f: Json) => f.file_type === type);
}

/** Fetches a download URL without following its redirect, sending `bearer` (if any) as the access token. */
function download(url: string, bearer?: string): Promise<Response> {
  return fetch(url, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {}, redirect: 'manual' });
}

describe('Recordings (checklist §8.7, docs/zoom-platform.md §2.3, §7)', () => {
  let zoom: ReceivingEmulator;

  beforeAll(async () => {
    zoom = await startReceivingEmulator();
  });
  afterAll(() => zoom.close());

  const call = (path: string, init?: RequestInit) => api(zoom.emulator, zoom.token, path, init);
  const recordingsOf = async (uuid: string) => (await call(`/meetings/${uuidPath(uuid)}/recordings`)).body;
  const listOf = (user: string, query = '') =>
    call(`/users/${user}/recordings?from=${from}&to=${to}${query}`);
  const recover = (path: string) =>
    call(`${path}/status`, { method: 'PUT', body: JSON.stringify({ action: 'recover' }) });
  /** A meeting of `hostEmail`, 10 minutes long unless `options` say otherwise. */
  const hold = (hostEmail: string, topic: string, options: Partial<SimulateMeetingOptions> = {}) =>
    zoom.control.simulateMeeting({ hostEmail, topic, durationMinutes: 10, ...options });
  const eventsOf = (uuid: string) =>
    zoom.receiver.events().filter((e) => e.json.payload?.object?.uuid === uuid);
  const renewToken = () => {
    zoom.token = zoom.control.installApp(testApp.clientId).access_token;
  };

  it('records only when the host’s effective settings say so, and says why not', () => {
    const lea = 'lea.robert@acme.example';
    const none = hold(lea, 'No recording');
    expect(none.recorded).toBe(false);
    expect(none.reason).toContain('"none"');
    expect(hold(lea, 'Manual', { cloudRecordingManual: true }).recorded).toBe(true);
    const basic = hold('theo.laurent@acme.example', 'Basic user', { cloudRecordingManual: true });
    expect(basic.recorded).toBe(false);
    expect(basic.reason).toContain('Basic');
    zoom.control.updateUserSettings(lea, { recording: { auto_recording: 'cloud' } });
    expect(hold(lea, 'Auto').recorded).toBe(true);
    zoom.control.updateUserSettings(lea, { recording: { cloud_recording: false } });
    const off = hold(lea, 'Off', { cloudRecordingManual: true });
    expect(off.recorded).toBe(false);
    expect(off.reason).toContain('turned off');
    expect(() => hold('lucas.moreau@acme.example', 'x', { durationMinutes: 5 })).toThrow(/inactive/);
  });

  it('records the disclaimer and consent settings in force on each meeting', async () => {
    zoom.control.updateUserSettings('manon.leroy@acme.example', {
      recording: {
        recording_disclaimer: true,
        ask_participants_to_consent_disclaimer: true,
        auto_recording: 'cloud',
      },
    });
    const result = hold('manon.leroy@acme.example', 'Consent', { durationMinutes: 5 });
    const meeting = zoom.control.getMeeting(result.uuid);
    expect(meeting.settingsInForce).toMatchObject({
      recording_disclaimer: true,
      ask_participants_to_consent_disclaimer: true,
      auto_recording: 'cloud',
    });
    const viaHttp = (await (
      await fetch(`${zoom.emulator.url}/_emulator/meetings/by-uuid?uuid=${encodeURIComponent(result.uuid)}`)
    ).json()) as Json;
    expect(viaHttp.settingsInForce.recording_disclaimer).toBe(true);
  });

  it('lists files as processing until the processing delay passes; the transcript comes later', async () => {
    const result = hold('hugo.thomas@acme.example', 'Processing', {
      durationMinutes: 20,
      processingSeconds: 600,
      transcriptSeconds: 120,
      cloudRecordingManual: true,
    });
    let meeting = await recordingsOf(result.uuid);
    // The video still processing comes untyped, as Zoom sends it (docs/zoom-platform.md §2.3).
    const untyped = fileOf(meeting, '');
    expect(untyped).toMatchObject({ status: 'processing', recording_end: '' });
    expect(untyped).not.toHaveProperty('recording_type');
    expect(fileOf(meeting, 'M4A').status).toBe('processing');
    expect(fileOf(meeting, 'TRANSCRIPT')).toBeUndefined();
    const early = await download(untyped.download_url, zoom.token);
    expect(early.status).toBe(200);
    expect(early.headers.get('content-type')).toContain('text/html');
    await zoom.control.advanceClock(600);
    renewToken();
    meeting = await recordingsOf(result.uuid);
    expect(fileOf(meeting, 'MP4').status).toBe('completed');
    expect(fileOf(meeting, 'TRANSCRIPT')).toBeUndefined();
    await zoom.control.advanceClock(120);
    meeting = await recordingsOf(result.uuid);
    expect(fileOf(meeting, 'TRANSCRIPT').recording_type).toBe('audio_transcript');
  });

  it('keeps stop/restart segments under one uuid with distinct recording_start', async () => {
    const list = await listOf('camille.martin@acme.example');
    const board = list.body.meetings.find((m: Json) => m.topic === 'Board preparation');
    const videos = board.recording_files.filter((f: Json) => f.file_type === 'MP4');
    expect(videos).toHaveLength(2);
    expect(new Set(videos.map((f: Json) => f.recording_start)).size).toBe(2);
    expect(new Set(board.recording_files.map((f: Json) => f.meeting_id))).toEqual(new Set([board.uuid]));
  });

  it('omits id, status, file_size, recording_type and play_url on CC files; TIMELINE files carry them, as captured', async () => {
    const result = await recordMeeting(zoom.emulator, 'emma.dubois@acme.example', 'CC', {
      closedCaptions: true,
    });
    const meeting = await recordingsOf(result.uuid);
    const cc = fileOf(meeting, 'CC');
    for (const field of ['id', 'status', 'file_size', 'recording_type', 'play_url'])
      expect(cc).not.toHaveProperty(field);
    expect(cc.download_url).toBeTruthy();
    // Real answers of 2023 and 2024 (docs/zoom-platform.md §2.3, S33, S34).
    const timeline = fileOf(meeting, 'TIMELINE');
    expect(timeline).toMatchObject({
      status: 'completed',
      recording_type: 'timeline',
      file_extension: 'JSON',
    });
    expect(timeline.id).toBeTruthy();
    expect(timeline.file_size).toBeGreaterThan(0);
    const counted = meeting.recording_files.filter((f: Json) => f.file_type !== 'CC');
    expect(meeting.total_size).toBe(counted.reduce((sum: number, f: Json) => sum + f.file_size, 0));
    expect(meeting.total_size).toBeGreaterThan(
      counted
        .filter((f: Json) => f.file_type !== 'TIMELINE')
        .reduce((sum: number, f: Json) => sum + f.file_size, 0),
    );
    expect(fileOf(meeting, 'MP4').id).toBeTruthy();
  });

  it('needs double encoding for a UUID starting with "/" or containing "//"; "+" and "=" survive', async () => {
    const tricky = sandboxTrickyUuids.leadingSlash;
    const single = await call(`/meetings/${encodeURIComponent(tricky)}/recordings`);
    expect(single.status).toBe(404);
    expect(single.body.code).toBe(3301);
    const double = await call(`/meetings/${uuidPath(tricky)}/recordings`);
    expect(double.status).toBe(200);
    expect(double.body.uuid).toBe(tricky);
    const inner = sandboxTrickyUuids.slashAndPlus;
    expect((await call(`/meetings/${encodeURIComponent(inner)}/recordings`)).body.uuid).toBe(inner);
    expect((await recordingsOf(inner)).uuid).toBe(inner);
  });

  it('keeps several instances of one meeting id; the numeric id gives the latest', async () => {
    const instances = await call(`/past_meetings/${sandboxRecurringMeetingId}/instances`);
    expect(instances.body.meetings).toHaveLength(2);
    const [older, newer] = instances.body.meetings;
    expect(older.uuid).not.toBe(newer.uuid);
    const latest = await call(`/meetings/${sandboxRecurringMeetingId}/recordings`);
    expect(latest.body.uuid).toBe(newer.uuid);
    expect(latest.body.id).toBe(sandboxRecurringMeetingId);
    const list = await listOf('hugo.thomas@acme.example');
    expect(list.body.meetings.filter((m: Json) => m.id === sandboxRecurringMeetingId)).toHaveLength(2);
  });

  it('guards from/to: UTC dates at most one month apart; defaults to today', async () => {
    const tooLong = await call('/users/me/recordings?from=2026-01-01&to=2026-02-02');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe(300);
    expect((await call('/users/me/recordings?from=2026-01-01&to=2026-02-01')).status).toBe(200);
    expect((await call('/users/me/recordings?from=2026-02-01&to=2026-01-01')).status).toBe(400);
    expect((await call('/users/me/recordings?from=01/02/2026')).body.errors[0].field).toBe('from');
    const defaults = await call('/users/me/recordings');
    expect(defaults.body.from).toBe('2026-03-10');
    expect(defaults.body.to).toBe('2026-03-11');
  });

  it('takes from/to as date-times too, as Zoom does (the date part counts), and still refuses garbage', async () => {
    const byDate = await listOf('camille.martin@acme.example');
    expect(byDate.body.meetings.length).toBeGreaterThan(0);
    const forms = [
      ['2026-02-10T00:00:00Z', '2026-03-10T23:59:59Z'],
      ['2026-02-10 00:00:00+00:00', '2026-03-10 00:00:00+00:00'],
      ['2026-02-10T00:00:00.000+01:00', '2026-03-10T10:00'],
    ];
    for (const [start, end] of forms) {
      const query = new URLSearchParams({ from: start as string, to: end as string });
      const response = await call(`/users/camille.martin@acme.example/recordings?${query}`);
      expect(response.status, `${start} … ${end}`).toBe(200);
      expect(response.body.from).toBe(from);
      expect(response.body.to).toBe(to);
      expect(response.body.meetings.map((m: Json) => m.uuid)).toEqual(
        byDate.body.meetings.map((m: Json) => m.uuid),
      );
    }
    // A '+' left unencoded arrives as a space.
    expect((await call('/users/me/recordings?from=2026-02-10 00:00:00+00:00')).status).toBe(200);
    for (const bad of ['2026-02-30', '2026-02-10T25:00:00Z', '2026-02-10Tnoon', 'yesterday', '20260210']) {
      const response = await call(`/users/me/recordings?from=${encodeURIComponent(bad)}`);
      expect(response.status, bad).toBe(400);
      expect(response.body.errors[0].field).toBe('from');
    }
  });

  it('pages recordings with next_page_token', async () => {
    const first = await listOf('emma.dubois@acme.example', '&page_size=1');
    expect(first.body.meetings).toHaveLength(1);
    expect(first.body.next_page_token).toBeTruthy();
    const seen = new Set([first.body.meetings[0].uuid]);
    let next = first.body.next_page_token;
    while (next) {
      const page = await listOf('emma.dubois@acme.example', `&page_size=1&next_page_token=${next}`);
      for (const m of page.body.meetings) seen.add(m.uuid);
      next = page.body.next_page_token;
    }
    expect(seen.size).toBe(first.body.total_records);
  });

  it('downloads: 302 to a signed URL serving the bytes; bad auth gets 200 + HTML; ?access_token= works on download URLs', async () => {
    const list = await listOf('emma.dubois@acme.example');
    const meeting = list.body.meetings.find((m: Json) => m.topic === 'Discovery call: Globex');
    const mp4 = fileOf(meeting, 'MP4');
    const redirect = await download(mp4.download_url, zoom.token);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') as string;
    expect(location).toContain('Signature=');
    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(mp4.file_size);
    const info = await zoom.control.getRecording(meeting.uuid);
    const infoFile = info?.files.find((f) => f.id === mp4.id);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(infoFile?.sha256);

    const ranged = await fetch(location, { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${mp4.file_size}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    expect((await fetch(location, { headers: { range: `bytes=${mp4.file_size + 5}-` } })).status).toBe(416);

    const legacy = await download(`${mp4.download_url}?access_token=${zoom.token}`);
    expect(legacy.status).toBe(302);

    const denied = await download(mp4.download_url, 'wrong');
    expect(denied.status).toBe(200);
    expect(denied.headers.get('content-type')).toContain('text/html');
    const anonymous = await download(mp4.download_url);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toContain('<html>');

    const tampered = await fetch(location.replace(/Signature=[^&]+/, 'Signature=abc'));
    expect(tampered.status).toBe(403);
    const log = zoom.control.requestLog().filter((e) => e.route === '/rec/download/:fileKey');
    expect(log.some((e) => e.accessToken === zoom.token && e.status === 302)).toBe(true);
  });

  it('include_fields=download_access_token gives a token for that meeting’s files only', async () => {
    const uuid = sandboxTrickyUuids.slashAndPlus;
    const meeting = (
      await call(`/meetings/${uuidPath(uuid)}/recordings?include_fields=download_access_token&ttl=60`)
    ).body;
    expect(meeting.download_access_token).toBeTruthy();
    const url = fileOf(meeting, 'M4A').download_url;
    expect((await download(url, meeting.download_access_token)).status).toBe(302);
    const other = (await call(`/meetings/${sandboxRecurringMeetingId}/recordings`)).body;
    const foreign = await download(fileOf(other, 'M4A').download_url, meeting.download_access_token);
    expect(foreign.status).toBe(200);
    await zoom.control.advanceClock(61);
    renewToken();
    expect((await download(url, meeting.download_access_token)).status).toBe(200);
    expect(
      (
        await call(
          `/meetings/${sandboxRecurringMeetingId}/recordings?include_fields=download_access_token&ttl=700000`,
        )
      ).status,
    ).toBe(400);
  });

  it('trash, recover and delete through the API, with recording.trashed / recovered / deleted events', async () => {
    const result = await recordMeeting(zoom.emulator, 'nathan.durand@acme.example', 'Trash me');
    const recordings = `/meetings/${uuidPath(result.uuid)}/recordings`;
    expect((await call(recordings, { method: 'DELETE' })).status).toBe(204);
    expect((await call(recordings)).status).toBe(404);
    const trash = await call('/users/nathan.durand@acme.example/recordings?trash=true');
    const trashed = trash.body.meetings.find((m: Json) => m.uuid === result.uuid);
    expect(trashed.recording_files[0].deleted_time).toBeTruthy();
    expect((await recover(recordings)).status).toBe(204);
    expect((await call(recordings)).status).toBe(200);
    expect((await call(`${recordings}?action=delete`, { method: 'DELETE' })).status).toBe(204);
    await zoom.control.flushWebhooks();
    const names = eventsOf(result.uuid).map((e) => e.json.event);
    expect(names).toEqual(['meeting.ended', 'recording.completed', ...lifecycle]);
    for (const name of lifecycle) {
      const parsed = zoomRecordingLifecycleEventSchema.safeParse(zoom.receiver.events(name).at(-1)?.json);
      expect(parsed.success, name).toBe(true);
    }
    const deleted = zoom.receiver.events('recording.deleted').at(-1);
    expect(deleted?.json.payload.operator).toBe('nathan.durand@acme.example');
  });

  it('trashes, recovers and deletes one file (DELETE /meetings/{id}/recordings/{fileId}) with Zoom’s events', async () => {
    const result = await recordMeeting(zoom.emulator, 'hugo.thomas@acme.example', 'One file goes');
    const recordings = `/meetings/${uuidPath(result.uuid)}/recordings`;
    const before = (await call(recordings)).body;
    const m4a = fileOf(before, 'M4A');
    const mp4 = fileOf(before, 'MP4');
    const trash = await call(`${recordings}/${m4a.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
    });
    expect(trash.status).toBe(204);
    const after = (await call(recordings)).body;
    expect(fileOf(after, 'M4A')).toBeUndefined();
    expect(fileOf(after, 'MP4').id).toBe(mp4.id);
    expect(after.recording_count).toBe(before.recording_count - 1);
    expect(after.total_size).toBe(before.total_size - m4a.file_size);
    // The trashed file no longer downloads (Zoom's 200 + HTML failure).
    const trashedDownload = await fetch(m4a.download_url, {
      headers: { authorization: `Bearer ${zoom.token}` },
    });
    expect(trashedDownload.headers.get('content-type')).toContain('text/html');
    // Trashing it again: not found; an unknown file id too.
    expect((await call(`${recordings}/${m4a.id}`, { method: 'DELETE' })).status).toBe(404);
    const unknown = await call(`${recordings}/nope`, { method: 'DELETE' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 3301]);
    expect((await recover(`${recordings}/${m4a.id}`)).status).toBe(204);
    expect(fileOf((await call(recordings)).body, 'M4A').id).toBe(m4a.id);
    const gone = await call(`${recordings}/${m4a.id}?action=delete`, { method: 'DELETE' });
    expect(gone.status).toBe(204);
    expect(fileOf((await call(recordings)).body, 'M4A')).toBeUndefined();
    expect((await call(`${recordings}/${m4a.id}?action=sideways`, { method: 'DELETE' })).body.code).toBe(300);
    await zoom.control.flushWebhooks();
    const events = eventsOf(result.uuid);
    expect(events.map((e) => e.json.event)).toEqual(['meeting.ended', 'recording.completed', ...lifecycle]);
    for (const event of events.slice(2)) {
      expect(event.json.payload.object.recording_files.map((f: Json) => f.id)).toEqual([m4a.id]);
      expect(zoomRecordingLifecycleEventSchema.safeParse(event.json).success).toBe(true);
    }
    expect(events[2]?.json.payload.object.recording_files[0].deleted_time).toBeTruthy();
  });

  it('refuses to delete a file of a recording still processing (code 3303)', async () => {
    const result = hold('hugo.thomas@acme.example', 'Still processing', {
      durationMinutes: 5,
      cloudRecordingManual: true,
      processingSeconds: 600,
    });
    const recordings = `/meetings/${uuidPath(result.uuid)}/recordings`;
    const file = fileOf((await call(recordings)).body, 'M4A');
    const response = await call(`${recordings}/${file.id}`, { method: 'DELETE' });
    expect([response.status, response.body.code]).toEqual([400, 3303]);
  });

  it('takes Content-Type: application/json without a body on body-less methods (as Zoom’s SDK sends it)', async () => {
    const result = await recordMeeting(zoom.emulator, 'hugo.thomas@acme.example', 'SDK headers');
    const recordings = `/meetings/${uuidPath(result.uuid)}/recordings`;
    const json = { 'content-type': 'application/json' };
    expect((await call('/users/me', { headers: json })).status).toBe(200);
    expect((await call(recordings, { headers: json })).status).toBe(200);
    const trashed = await call(`${recordings}?action=trash`, { method: 'DELETE', headers: json });
    expect(trashed.status).toBe(204);
    // A body is still required where the call has one, and must be JSON.
    const noBody = await call('/groups', { method: 'POST', headers: json });
    expect([noBody.status, noBody.body.code]).toEqual([400, 300]);
    const badBody = await call('/groups', { method: 'POST', headers: json, body: '{nope' });
    expect(badBody.body.message).toBe('Request Body should be a valid JSON object.');
  });

  it('auto-deletes after the configured days: trash (30 days), then deletion', async () => {
    zoom.control.updateUserSettings('chloe.petit@acme.example', {
      recording: { auto_delete_cmr: true, auto_delete_cmr_days: 30, auto_recording: 'cloud' },
    });
    // Recorded by auto_recording, not by the host.
    const result = await recordMeeting(zoom.emulator, 'chloe.petit@acme.example', 'Auto delete', {
      durationMinutes: 10,
      cloudRecordingManual: false,
    });
    const info = await zoom.control.getRecording(result.uuid);
    const start = new Date(info?.startTime as string);
    const expected = new Date(start.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(info?.autoDeleteDate).toBe(expected);
    const listed = await recordingsOf(result.uuid);
    expect(listed.auto_delete).toBe(true);
    expect(listed.auto_delete_date).toBe(expected);
    await zoom.control.advanceClock(30 * 86_400);
    expect((await zoom.control.getRecording(result.uuid))?.location).toBe('trash');
    await zoom.control.advanceClock(30 * 86_400);
    expect((await zoom.control.getRecording(result.uuid))?.location).toBe('deleted');
    expect(eventsOf(result.uuid).map((e) => e.json.event)).toEqual([
      'meeting.ended',
      'recording.completed',
      'recording.transcript_completed',
      'recording.trashed',
      'recording.deleted',
    ]);
  });

  it('honours a 7-day retention set in the web portal (the API refuses it)', async () => {
    renewToken();
    const refused = await call('/users/lea.robert@acme.example/settings', {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_delete_cmr: true, auto_delete_cmr_days: 7 } }),
    });
    expect(refused.status).toBe(400);
    zoom.control.updateUserSettings('lea.robert@acme.example', {
      recording: { auto_delete_cmr: true, auto_delete_cmr_days: 7, cloud_recording: true },
    });
    const result = await recordMeeting(zoom.emulator, 'lea.robert@acme.example', 'Seven days', {
      durationMinutes: 10,
    });
    await zoom.control.advanceClock(7 * 86_400);
    expect((await zoom.control.getRecording(result.uuid))?.location).toBe('trash');
  });
});

describe('Synthetic media and download faults', () => {
  let emulator: ZoomEmulator;
  let token: string;

  beforeAll(async () => {
    ({ emulator, token } = await startInstalledEmulator({ scenario: 'empty', seed: 7 }));
    emulator.control.updateAccountSettings({ recording: { auto_recording: 'cloud' } });
  });
  afterAll(() => emulator.close());

  /** A recorded meeting of the owner with a synthetic MP4 of `size` bytes: its uuid and that file's signed URL. */
  async function meetingWithMp4(topic: string, durationMinutes: number, size: number) {
    const { uuid } = await recordMeeting(emulator, 'owner@example.test', topic, {
      durationMinutes,
      fileSizes: { mp4: size },
      cloudRecordingManual: false,
    });
    const meeting = (await api(emulator, token, `/meetings/${uuidPath(uuid)}/recordings`)).body;
    const file = fileOf(meeting, 'MP4');
    const redirect = await download(file.download_url, token);
    return { uuid, url: redirect.headers.get('location') as string, size: file.file_size as number };
  }

  it('serves a 2 GB MP4-typed file with a stable size; any range is consistent with the full stream', async () => {
    const size = 2 * 1024 ** 3;
    const { url, size: listed } = await meetingWithMp4('Huge', 90, size);
    expect(listed).toBe(size);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(size));
    const start = await fetch(url, { headers: { range: 'bytes=0-63' } });
    const header = Buffer.from(await start.arrayBuffer());
    expect(header.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(header.subarray(28, 32).toString('latin1')).toBe('mdat');
    const tail = await fetch(url, { headers: { range: `bytes=${size - 100}-` } });
    expect(tail.status).toBe(206);
    const tailBytes = Buffer.from(await tail.arrayBuffer());
    expect(tailBytes.length).toBe(100);
    const again = Buffer.from(
      await (await fetch(url, { headers: { range: `bytes=${size - 100}-${size - 1}` } })).arrayBuffer(),
    );
    expect(again.equals(tailBytes)).toBe(true);
    const overlap = Buffer.from(
      await (await fetch(url, { headers: { range: `bytes=${size - 150}-${size - 51}` } })).arrayBuffer(),
    );
    expect(overlap.subarray(50).equals(tailBytes.subarray(0, 50))).toBe(true);
  });

  it('streams a large synthetic file with flat memory and the checksum the admin API reports', async () => {
    const size = 192 * 1024 * 1024;
    const { uuid, url } = await meetingWithMp4('Big', 30, size);
    const response = await fetch(url);
    const hash = createHash('sha256');
    let received = 0;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(received).toBe(size);
    // The emulator and this client share the process: a file held in memory would add ≥ 192 MB.
    expect(peak - baseline).toBeLessThan(96 * 1024 * 1024);
    const info = await emulator.control.getRecording(uuid);
    expect(info?.files.find((f) => f.fileType === 'MP4')?.sha256).toBe(hash.digest('hex'));
  });

  it('resets the connection mid-download and truncates bodies on demand', async () => {
    const { url } = await meetingWithMp4('Faults', 10, 4 * 1024 * 1024);
    const readAll = async () => {
      const response = await fetch(url);
      expect(response.headers.get('content-length')).toBe(String(4 * 1024 * 1024));
      let got = 0;
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) got += chunk.length;
        return { got, error: null };
      } catch (error) {
        return { got, error };
      }
    };
    emulator.control.setFaults({ resetDownloadsAfterBytes: 1024 * 1024 });
    const reset = await readAll();
    expect(reset.error).toBeTruthy();
    expect(reset.got).toBeLessThan(4 * 1024 * 1024);
    emulator.control.setFaults({ resetDownloadsAfterBytes: null, truncateDownloadsAfterBytes: 1000 });
    const truncated = await readAll();
    expect(truncated.got).toBeLessThanOrEqual(1000);
    expect(truncated.error).toBeTruthy();
    emulator.control.resetFaults();
    expect((await readAll()).got).toBe(4 * 1024 * 1024);
  });
});

describe('Faults are deterministic given the seed', () => {
  async function statuses(seed: number): Promise<number[]> {
    const emulator = await startTestEmulator({ scenario: 'empty', seed });
    try {
      const token = emulator.control.installApp(testApp.clientId).access_token;
      emulator.control.setFaults({
        errorRates: [{ endpoint: 'GET /v2/users/:userId', rate: 0.5, status: 503 }],
      });
      const out: number[] = [];
      for (let i = 0; i < 16; i++) out.push((await api(emulator, token, '/users/me')).status);
      // other endpoints are untouched
      expect((await api(emulator, token, '/users')).status).toBe(200);
      return out;
    } finally {
      await emulator.close();
    }
  }

  it('fails the same requests for the same seed, different ones for another seed', async () => {
    const a = await statuses(42);
    const b = await statuses(42);
    const c = await statuses(43);
    expect(a).toEqual(b);
    expect(a).toContain(503);
    expect(a).toContain(200);
    expect(c).not.toEqual(a);
  });

  it('slows responses down', async () => {
    const emulator = await startTestEmulator({ scenario: 'empty' });
    try {
      const token = emulator.control.installApp(testApp.clientId).access_token;
      emulator.control.setFaults({ slowResponses: [{ endpoint: '/v2/users/:userId', delayMs: 300 }] });
      const started = Date.now();
      const response = await api(emulator, token, '/users/me');
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
      expect(emulator.control.requestLog().at(-1)?.fault).toBe('slow 300 ms');
    } finally {
      await emulator.close();
    }
  });
});
