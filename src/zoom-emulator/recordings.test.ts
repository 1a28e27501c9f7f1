import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoomRecordingLifecycleEventSchema } from '../zoom/wire.ts';
import type { ZoomEmulator } from './index.ts';
import { sandboxRecurringMeetingId, sandboxTrickyUuids } from './scenarios.ts';
import { api, type Json, startTestEmulator, startWebhookReceiver, testApp } from './test-helpers.ts';

const from = '2026-02-10';
const to = '2026-03-10';

function fileOf(meeting: Json, type: string): Json {
  return meeting.recording_files.find((f: Json) => f.file_type === type);
}

describe('Recordings (checklist §8.7, docs/zoom-platform.md §2.3, §7)', () => {
  let emulator: ZoomEmulator;
  let token: string;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(testApp.webhookSecretToken);
    emulator = await startTestEmulator({ webhookUrl: receiver.url });
    token = emulator.control.installApp(testApp.clientId).access_token;
  });
  afterAll(async () => {
    await emulator.close();
    await receiver.close();
  });

  it('records only when the host’s effective settings say so, and says why not', () => {
    const none = emulator.control.simulateMeeting({
      hostEmail: 'lea.robert@acme.example',
      topic: 'No recording',
      durationMinutes: 10,
    });
    expect(none.recorded).toBe(false);
    expect(none.reason).toContain('"none"');
    const manual = emulator.control.simulateMeeting({
      hostEmail: 'lea.robert@acme.example',
      topic: 'Manual',
      durationMinutes: 10,
      cloudRecordingManual: true,
    });
    expect(manual.recorded).toBe(true);
    const basic = emulator.control.simulateMeeting({
      hostEmail: 'theo.laurent@acme.example',
      topic: 'Basic user',
      durationMinutes: 10,
      cloudRecordingManual: true,
    });
    expect(basic.recorded).toBe(false);
    expect(basic.reason).toContain('Basic');
    emulator.control.updateUserSettings('lea.robert@acme.example', {
      recording: { auto_recording: 'cloud' },
    });
    expect(
      emulator.control.simulateMeeting({
        hostEmail: 'lea.robert@acme.example',
        topic: 'Auto',
        durationMinutes: 10,
      }).recorded,
    ).toBe(true);
    emulator.control.updateUserSettings('lea.robert@acme.example', { recording: { cloud_recording: false } });
    const off = emulator.control.simulateMeeting({
      hostEmail: 'lea.robert@acme.example',
      topic: 'Off',
      durationMinutes: 10,
      cloudRecordingManual: true,
    });
    expect(off.recorded).toBe(false);
    expect(off.reason).toContain('turned off');
    expect(() =>
      emulator.control.simulateMeeting({
        hostEmail: 'lucas.moreau@acme.example',
        topic: 'x',
        durationMinutes: 5,
      }),
    ).toThrow(/inactive/);
  });

  it('records the disclaimer and consent settings in force on each meeting', async () => {
    emulator.control.updateUserSettings('manon.leroy@acme.example', {
      recording: {
        recording_disclaimer: true,
        ask_participants_to_consent_disclaimer: true,
        auto_recording: 'cloud',
      },
    });
    const result = emulator.control.simulateMeeting({
      hostEmail: 'manon.leroy@acme.example',
      topic: 'Consent',
      durationMinutes: 5,
    });
    const meeting = emulator.control.getMeeting(result.uuid);
    expect(meeting.settingsInForce).toMatchObject({
      recording_disclaimer: true,
      ask_participants_to_consent_disclaimer: true,
      auto_recording: 'cloud',
    });
    const viaHttp = (await (
      await fetch(`${emulator.url}/_emulator/meetings/by-uuid?uuid=${encodeURIComponent(result.uuid)}`)
    ).json()) as Json;
    expect(viaHttp.settingsInForce.recording_disclaimer).toBe(true);
  });

  it('lists files as processing until the processing delay passes; the transcript comes later', async () => {
    const result = emulator.control.simulateMeeting({
      hostEmail: 'hugo.thomas@acme.example',
      topic: 'Processing',
      durationMinutes: 20,
      processingSeconds: 600,
      transcriptSeconds: 120,
      cloudRecordingManual: true,
    });
    const get = () =>
      api(emulator, token, `/meetings/${encodeURIComponent(encodeURIComponent(result.uuid))}/recordings`);
    let meeting = (await get()).body;
    // The video still processing comes untyped, as Zoom sends it (docs/zoom-platform.md §2.3).
    const untyped = fileOf(meeting, '');
    expect(untyped).toMatchObject({ status: 'processing', recording_end: '' });
    expect(untyped).not.toHaveProperty('recording_type');
    expect(fileOf(meeting, 'M4A').status).toBe('processing');
    expect(fileOf(meeting, 'TRANSCRIPT')).toBeUndefined();
    const early = await fetch(untyped.download_url, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    expect(early.status).toBe(200);
    expect(early.headers.get('content-type')).toContain('text/html');
    await emulator.control.advanceClock(600);
    token = emulator.control.installApp(testApp.clientId).access_token;
    meeting = (await get()).body;
    expect(fileOf(meeting, 'MP4').status).toBe('completed');
    expect(fileOf(meeting, 'TRANSCRIPT')).toBeUndefined();
    await emulator.control.advanceClock(120);
    meeting = (await get()).body;
    expect(fileOf(meeting, 'TRANSCRIPT').recording_type).toBe('audio_transcript');
  });

  it('keeps stop/restart segments under one uuid with distinct recording_start', async () => {
    const list = await api(
      emulator,
      token,
      `/users/camille.martin@acme.example/recordings?from=${from}&to=${to}`,
    );
    const board = list.body.meetings.find((m: Json) => m.topic === 'Board preparation');
    const videos = board.recording_files.filter((f: Json) => f.file_type === 'MP4');
    expect(videos).toHaveLength(2);
    expect(new Set(videos.map((f: Json) => f.recording_start)).size).toBe(2);
    expect(new Set(board.recording_files.map((f: Json) => f.meeting_id))).toEqual(new Set([board.uuid]));
  });

  it('omits id, status, file_size, recording_type and play_url on CC files; TIMELINE files carry them, as captured', async () => {
    const result = emulator.control.simulateMeeting({
      hostEmail: 'emma.dubois@acme.example',
      topic: 'CC',
      durationMinutes: 5,
      closedCaptions: true,
      cloudRecordingManual: true,
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(1);
    const meeting = (
      await api(
        emulator,
        token,
        `/meetings/${encodeURIComponent(encodeURIComponent(result.uuid))}/recordings`,
      )
    ).body;
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
    const single = await api(emulator, token, `/meetings/${encodeURIComponent(tricky)}/recordings`);
    expect(single.status).toBe(404);
    expect(single.body.code).toBe(3301);
    const double = await api(
      emulator,
      token,
      `/meetings/${encodeURIComponent(encodeURIComponent(tricky))}/recordings`,
    );
    expect(double.status).toBe(200);
    expect(double.body.uuid).toBe(tricky);
    const inner = sandboxTrickyUuids.slashAndPlus;
    expect((await api(emulator, token, `/meetings/${encodeURIComponent(inner)}/recordings`)).body.uuid).toBe(
      inner,
    );
    expect(
      (await api(emulator, token, `/meetings/${encodeURIComponent(encodeURIComponent(inner))}/recordings`))
        .body.uuid,
    ).toBe(inner);
  });

  it('keeps several instances of one meeting id; the numeric id gives the latest', async () => {
    const instances = await api(emulator, token, `/past_meetings/${sandboxRecurringMeetingId}/instances`);
    expect(instances.body.meetings).toHaveLength(2);
    const [older, newer] = instances.body.meetings;
    expect(older.uuid).not.toBe(newer.uuid);
    const latest = await api(emulator, token, `/meetings/${sandboxRecurringMeetingId}/recordings`);
    expect(latest.body.uuid).toBe(newer.uuid);
    expect(latest.body.id).toBe(sandboxRecurringMeetingId);
    const list = await api(
      emulator,
      token,
      `/users/hugo.thomas@acme.example/recordings?from=${from}&to=${to}`,
    );
    expect(list.body.meetings.filter((m: Json) => m.id === sandboxRecurringMeetingId)).toHaveLength(2);
  });

  it('guards from/to: UTC dates at most one month apart; defaults to today', async () => {
    const tooLong = await api(emulator, token, '/users/me/recordings?from=2026-01-01&to=2026-02-02');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe(300);
    expect((await api(emulator, token, '/users/me/recordings?from=2026-01-01&to=2026-02-01')).status).toBe(
      200,
    );
    expect((await api(emulator, token, '/users/me/recordings?from=2026-02-01&to=2026-01-01')).status).toBe(
      400,
    );
    expect((await api(emulator, token, '/users/me/recordings?from=01/02/2026')).body.errors[0].field).toBe(
      'from',
    );
    const defaults = await api(emulator, token, '/users/me/recordings');
    expect(defaults.body.from).toBe('2026-03-10');
    expect(defaults.body.to).toBe('2026-03-11');
  });

  it('takes from/to as date-times too, as Zoom does (the date part counts), and still refuses garbage', async () => {
    const byDate = await api(
      emulator,
      token,
      `/users/camille.martin@acme.example/recordings?from=${from}&to=${to}`,
    );
    expect(byDate.body.meetings.length).toBeGreaterThan(0);
    const forms = [
      ['2026-02-10T00:00:00Z', '2026-03-10T23:59:59Z'],
      ['2026-02-10 00:00:00+00:00', '2026-03-10 00:00:00+00:00'],
      ['2026-02-10T00:00:00.000+01:00', '2026-03-10T10:00'],
    ];
    for (const [start, end] of forms) {
      const query = new URLSearchParams({ from: start as string, to: end as string });
      const response = await api(emulator, token, `/users/camille.martin@acme.example/recordings?${query}`);
      expect(response.status, `${start} … ${end}`).toBe(200);
      expect(response.body.from).toBe(from);
      expect(response.body.to).toBe(to);
      expect(response.body.meetings.map((m: Json) => m.uuid)).toEqual(
        byDate.body.meetings.map((m: Json) => m.uuid),
      );
    }
    // A '+' left unencoded arrives as a space.
    expect((await api(emulator, token, '/users/me/recordings?from=2026-02-10 00:00:00+00:00')).status).toBe(
      200,
    );
    for (const bad of ['2026-02-30', '2026-02-10T25:00:00Z', '2026-02-10Tnoon', 'yesterday', '20260210']) {
      const response = await api(emulator, token, `/users/me/recordings?from=${encodeURIComponent(bad)}`);
      expect(response.status, bad).toBe(400);
      expect(response.body.errors[0].field).toBe('from');
    }
  });

  it('pages recordings with next_page_token', async () => {
    const first = await api(
      emulator,
      token,
      `/users/emma.dubois@acme.example/recordings?from=${from}&to=${to}&page_size=1`,
    );
    expect(first.body.meetings).toHaveLength(1);
    expect(first.body.next_page_token).toBeTruthy();
    const seen = new Set([first.body.meetings[0].uuid]);
    let next = first.body.next_page_token;
    while (next) {
      const page = await api(
        emulator,
        token,
        `/users/emma.dubois@acme.example/recordings?from=${from}&to=${to}&page_size=1&next_page_token=${next}`,
      );
      for (const m of page.body.meetings) seen.add(m.uuid);
      next = page.body.next_page_token;
    }
    expect(seen.size).toBe(first.body.total_records);
  });

  it('downloads: 302 to a signed URL serving the bytes; bad auth gets 200 + HTML; ?access_token= works on download URLs', async () => {
    const list = await api(
      emulator,
      token,
      `/users/emma.dubois@acme.example/recordings?from=${from}&to=${to}`,
    );
    const meeting = list.body.meetings.find((m: Json) => m.topic === 'Discovery call: Globex');
    const mp4 = fileOf(meeting, 'MP4');
    const redirect = await fetch(mp4.download_url, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') as string;
    expect(location).toContain('Signature=');
    const file = await fetch(location);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(mp4.file_size);
    const info = await emulator.control.getRecording(meeting.uuid);
    const infoFile = info?.files.find((f) => f.id === mp4.id);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(infoFile?.sha256);

    const ranged = await fetch(location, { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${mp4.file_size}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    expect((await fetch(location, { headers: { range: `bytes=${mp4.file_size + 5}-` } })).status).toBe(416);

    const legacy = await fetch(`${mp4.download_url}?access_token=${token}`, { redirect: 'manual' });
    expect(legacy.status).toBe(302);

    const denied = await fetch(mp4.download_url, {
      headers: { authorization: 'Bearer wrong' },
      redirect: 'manual',
    });
    expect(denied.status).toBe(200);
    expect(denied.headers.get('content-type')).toContain('text/html');
    const anonymous = await fetch(mp4.download_url, { redirect: 'manual' });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toContain('<html>');

    const tampered = await fetch(location.replace(/Signature=[^&]+/, 'Signature=abc'));
    expect(tampered.status).toBe(403);
    const log = emulator.control.requestLog().filter((e) => e.route === '/rec/download/:fileKey');
    expect(log.some((e) => e.accessToken === token && e.status === 302)).toBe(true);
  });

  it('include_fields=download_access_token gives a token for that meeting’s files only', async () => {
    const uuid = sandboxTrickyUuids.slashAndPlus;
    const meeting = (
      await api(
        emulator,
        token,
        `/meetings/${encodeURIComponent(encodeURIComponent(uuid))}/recordings?include_fields=download_access_token&ttl=60`,
      )
    ).body;
    expect(meeting.download_access_token).toBeTruthy();
    const url = fileOf(meeting, 'M4A').download_url;
    expect(
      (
        await fetch(url, {
          headers: { authorization: `Bearer ${meeting.download_access_token}` },
          redirect: 'manual',
        })
      ).status,
    ).toBe(302);
    const other = (await api(emulator, token, `/meetings/${sandboxRecurringMeetingId}/recordings`)).body;
    const foreign = await fetch(fileOf(other, 'M4A').download_url, {
      headers: { authorization: `Bearer ${meeting.download_access_token}` },
      redirect: 'manual',
    });
    expect(foreign.status).toBe(200);
    await emulator.control.advanceClock(61);
    token = emulator.control.installApp(testApp.clientId).access_token;
    expect(
      (
        await fetch(url, {
          headers: { authorization: `Bearer ${meeting.download_access_token}` },
          redirect: 'manual',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api(
          emulator,
          token,
          `/meetings/${sandboxRecurringMeetingId}/recordings?include_fields=download_access_token&ttl=700000`,
        )
      ).status,
    ).toBe(400);
  });

  it('trash, recover and delete through the API, with recording.trashed / recovered / deleted events', async () => {
    const result = emulator.control.simulateMeeting({
      hostEmail: 'nathan.durand@acme.example',
      topic: 'Trash me',
      durationMinutes: 5,
      cloudRecordingManual: true,
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(1);
    const encoded = encodeURIComponent(encodeURIComponent(result.uuid));
    expect((await api(emulator, token, `/meetings/${encoded}/recordings`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await api(emulator, token, `/meetings/${encoded}/recordings`)).status).toBe(404);
    const trash = await api(emulator, token, '/users/nathan.durand@acme.example/recordings?trash=true');
    const trashed = trash.body.meetings.find((m: Json) => m.uuid === result.uuid);
    expect(trashed.recording_files[0].deleted_time).toBeTruthy();
    const recover = await api(emulator, token, `/meetings/${encoded}/recordings/status`, {
      method: 'PUT',
      body: JSON.stringify({ action: 'recover' }),
    });
    expect(recover.status).toBe(204);
    expect((await api(emulator, token, `/meetings/${encoded}/recordings`)).status).toBe(200);
    expect(
      (await api(emulator, token, `/meetings/${encoded}/recordings?action=delete`, { method: 'DELETE' }))
        .status,
    ).toBe(204);
    await emulator.control.flushWebhooks();
    const names = receiver
      .events()
      .filter((e) => e.json.payload?.object?.uuid === result.uuid)
      .map((e) => e.json.event);
    expect(names).toEqual([
      'meeting.ended',
      'recording.completed',
      'recording.trashed',
      'recording.recovered',
      'recording.deleted',
    ]);
    for (const name of ['recording.trashed', 'recording.recovered', 'recording.deleted']) {
      const parsed = zoomRecordingLifecycleEventSchema.safeParse(receiver.events(name).at(-1)?.json);
      expect(parsed.success, name).toBe(true);
    }
    const deleted = receiver.events('recording.deleted').at(-1);
    expect(deleted?.json.payload.operator).toBe('nathan.durand@acme.example');
  });

  it('trashes, recovers and deletes one file (DELETE /meetings/{id}/recordings/{fileId}) with Zoom’s events', async () => {
    const result = emulator.control.simulateMeeting({
      hostEmail: 'hugo.thomas@acme.example',
      topic: 'One file goes',
      durationMinutes: 5,
      cloudRecordingManual: true,
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(1);
    const encoded = encodeURIComponent(encodeURIComponent(result.uuid));
    const before = (await api(emulator, token, `/meetings/${encoded}/recordings`)).body;
    const m4a = fileOf(before, 'M4A');
    const mp4 = fileOf(before, 'MP4');
    const trash = await api(emulator, token, `/meetings/${encoded}/recordings/${m4a.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
    });
    expect(trash.status).toBe(204);
    const after = (await api(emulator, token, `/meetings/${encoded}/recordings`)).body;
    expect(fileOf(after, 'M4A')).toBeUndefined();
    expect(fileOf(after, 'MP4').id).toBe(mp4.id);
    expect(after.recording_count).toBe(before.recording_count - 1);
    expect(after.total_size).toBe(before.total_size - m4a.file_size);
    // The trashed file no longer downloads (Zoom's 200 + HTML failure).
    const download = await fetch(m4a.download_url, { headers: { authorization: `Bearer ${token}` } });
    expect(download.headers.get('content-type')).toContain('text/html');
    // Trashing it again: not found; an unknown file id too.
    expect(
      (await api(emulator, token, `/meetings/${encoded}/recordings/${m4a.id}`, { method: 'DELETE' })).status,
    ).toBe(404);
    const unknown = await api(emulator, token, `/meetings/${encoded}/recordings/nope`, { method: 'DELETE' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 3301]);
    const recover = await api(emulator, token, `/meetings/${encoded}/recordings/${m4a.id}/status`, {
      method: 'PUT',
      body: JSON.stringify({ action: 'recover' }),
    });
    expect(recover.status).toBe(204);
    expect(fileOf((await api(emulator, token, `/meetings/${encoded}/recordings`)).body, 'M4A').id).toBe(
      m4a.id,
    );
    const gone = await api(emulator, token, `/meetings/${encoded}/recordings/${m4a.id}?action=delete`, {
      method: 'DELETE',
    });
    expect(gone.status).toBe(204);
    expect(
      fileOf((await api(emulator, token, `/meetings/${encoded}/recordings`)).body, 'M4A'),
    ).toBeUndefined();
    expect(
      (
        await api(emulator, token, `/meetings/${encoded}/recordings/${m4a.id}?action=sideways`, {
          method: 'DELETE',
        })
      ).body.code,
    ).toBe(300);
    await emulator.control.flushWebhooks();
    const events = receiver.events().filter((e) => e.json.payload?.object?.uuid === result.uuid);
    expect(events.map((e) => e.json.event)).toEqual([
      'meeting.ended',
      'recording.completed',
      'recording.trashed',
      'recording.recovered',
      'recording.deleted',
    ]);
    for (const event of events.slice(2)) {
      expect(event.json.payload.object.recording_files.map((f: Json) => f.id)).toEqual([m4a.id]);
      expect(zoomRecordingLifecycleEventSchema.safeParse(event.json).success).toBe(true);
    }
    expect(events[2]?.json.payload.object.recording_files[0].deleted_time).toBeTruthy();
  });

  it('refuses to delete a file of a recording still processing (code 3303)', async () => {
    const result = emulator.control.simulateMeeting({
      hostEmail: 'hugo.thomas@acme.example',
      topic: 'Still processing',
      durationMinutes: 5,
      cloudRecordingManual: true,
      processingSeconds: 600,
    });
    const encoded = encodeURIComponent(encodeURIComponent(result.uuid));
    const file = fileOf((await api(emulator, token, `/meetings/${encoded}/recordings`)).body, 'M4A');
    const response = await api(emulator, token, `/meetings/${encoded}/recordings/${file.id}`, {
      method: 'DELETE',
    });
    expect([response.status, response.body.code]).toEqual([400, 3303]);
  });

  it('takes Content-Type: application/json without a body on body-less methods (as Zoom’s SDK sends it)', async () => {
    const result = emulator.control.simulateMeeting({
      hostEmail: 'hugo.thomas@acme.example',
      topic: 'SDK headers',
      durationMinutes: 5,
      cloudRecordingManual: true,
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(1);
    const encoded = encodeURIComponent(encodeURIComponent(result.uuid));
    const json = { 'content-type': 'application/json' };
    expect((await api(emulator, token, '/users/me', { headers: json })).status).toBe(200);
    expect((await api(emulator, token, `/meetings/${encoded}/recordings`, { headers: json })).status).toBe(
      200,
    );
    const trashed = await api(emulator, token, `/meetings/${encoded}/recordings?action=trash`, {
      method: 'DELETE',
      headers: json,
    });
    expect(trashed.status).toBe(204);
    // A body is still required where the call has one, and must be JSON.
    const noBody = await api(emulator, token, '/groups', { method: 'POST', headers: json });
    expect([noBody.status, noBody.body.code]).toEqual([400, 300]);
    const badBody = await api(emulator, token, '/groups', { method: 'POST', headers: json, body: '{nope' });
    expect(badBody.body.message).toBe('Request Body should be a valid JSON object.');
  });

  it('auto-deletes after the configured days: trash (30 days), then deletion', async () => {
    emulator.control.updateUserSettings('chloe.petit@acme.example', {
      recording: { auto_delete_cmr: true, auto_delete_cmr_days: 30, auto_recording: 'cloud' },
    });
    const result = emulator.control.simulateMeeting({
      hostEmail: 'chloe.petit@acme.example',
      topic: 'Auto delete',
      durationMinutes: 10,
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(1);
    const info = await emulator.control.getRecording(result.uuid);
    const start = new Date(info?.startTime as string);
    const expected = new Date(start.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(info?.autoDeleteDate).toBe(expected);
    const listed = (
      await api(
        emulator,
        token,
        `/meetings/${encodeURIComponent(encodeURIComponent(result.uuid))}/recordings`,
      )
    ).body;
    expect(listed.auto_delete).toBe(true);
    expect(listed.auto_delete_date).toBe(expected);
    await emulator.control.advanceClock(30 * 86_400);
    expect((await emulator.control.getRecording(result.uuid))?.location).toBe('trash');
    await emulator.control.advanceClock(30 * 86_400);
    expect((await emulator.control.getRecording(result.uuid))?.location).toBe('deleted');
    const events = receiver
      .events()
      .filter((e) => e.json.payload?.object?.uuid === result.uuid)
      .map((e) => e.json.event);
    expect(events).toEqual([
      'meeting.ended',
      'recording.completed',
      'recording.transcript_completed',
      'recording.trashed',
      'recording.deleted',
    ]);
  });

  it('honours a 7-day retention set in the web portal (the API refuses it)', async () => {
    token = emulator.control.installApp(testApp.clientId).access_token;
    const refused = await api(emulator, token, '/users/lea.robert@acme.example/settings', {
      method: 'PATCH',
      body: JSON.stringify({ recording: { auto_delete_cmr: true, auto_delete_cmr_days: 7 } }),
    });
    expect(refused.status).toBe(400);
    emulator.control.updateUserSettings('lea.robert@acme.example', {
      recording: { auto_delete_cmr: true, auto_delete_cmr_days: 7, cloud_recording: true },
    });
    const result = emulator.control.simulateMeeting({
      hostEmail: 'lea.robert@acme.example',
      topic: 'Seven days',
      durationMinutes: 10,
      processingSeconds: 0,
      cloudRecordingManual: true,
    });
    await emulator.control.advanceClock(1);
    await emulator.control.advanceClock(7 * 86_400);
    expect((await emulator.control.getRecording(result.uuid))?.location).toBe('trash');
  });
});

describe('Synthetic media and download faults', () => {
  let emulator: ZoomEmulator;
  let token: string;

  beforeAll(async () => {
    emulator = await startTestEmulator({ scenario: 'empty', seed: 7 });
    token = emulator.control.installApp(testApp.clientId).access_token;
    emulator.control.updateAccountSettings({ recording: { auto_recording: 'cloud' } });
  });
  afterAll(() => emulator.close());

  async function signedUrlOf(uuid: string, type: string): Promise<{ url: string; size: number }> {
    const meeting = (
      await api(emulator, token, `/meetings/${encodeURIComponent(encodeURIComponent(uuid))}/recordings`)
    ).body;
    const file = fileOf(meeting, type);
    const redirect = await fetch(file.download_url, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    return { url: redirect.headers.get('location') as string, size: file.file_size };
  }

  it('serves a 2 GB MP4-typed file with a stable size; any range is consistent with the full stream', async () => {
    const size = 2 * 1024 ** 3;
    const result = emulator.control.simulateMeeting({
      hostEmail: 'owner@example.test',
      topic: 'Huge',
      durationMinutes: 90,
      fileSizes: { mp4: size },
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(1);
    const { url, size: listed } = await signedUrlOf(result.uuid, 'MP4');
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
    const result = emulator.control.simulateMeeting({
      hostEmail: 'owner@example.test',
      topic: 'Big',
      durationMinutes: 30,
      fileSizes: { mp4: size },
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(1);
    const { url } = await signedUrlOf(result.uuid, 'MP4');
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
    const info = await emulator.control.getRecording(result.uuid);
    expect(info?.files.find((f) => f.fileType === 'MP4')?.sha256).toBe(hash.digest('hex'));
  });

  it('resets the connection mid-download and truncates bodies on demand', async () => {
    const result = emulator.control.simulateMeeting({
      hostEmail: 'owner@example.test',
      topic: 'Faults',
      durationMinutes: 10,
      fileSizes: { mp4: 4 * 1024 * 1024 },
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(1);
    const { url } = await signedUrlOf(result.uuid, 'MP4');
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
