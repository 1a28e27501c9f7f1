import { describe, expect, it } from 'vitest';
import {
  oauthTokenResponseSchema,
  zoomAddGroupMembersBodySchema,
  zoomAppDeauthorizedEventSchema,
  zoomRecordingCompletedEventSchema,
  zoomRecordingMeetingSchema,
  zoomUserListResponseSchema,
  zoomUserRecordingsResponseSchema,
  zoomWebhookEnvelopeSchema,
} from './wire.ts';

describe('Zoom wire schemas', () => {
  it('accept the meeting type as Zoom sends it (integer) and as the 2024 spec declares it (string)', () => {
    const base = {
      uuid: 'a/b+c==',
      id: 1,
      host_id: 'h',
      topic: 't',
      start_time: '2026-01-01T00:00:00Z',
      duration: 1,
    };
    expect(zoomRecordingMeetingSchema.parse({ ...base, type: 2 }).type).toBe(2);
    expect(zoomRecordingMeetingSchema.parse({ ...base, type: '8' }).type).toBe(8);
    expect(zoomRecordingMeetingSchema.safeParse({ ...base, type: 'recurring' }).success).toBe(false);
  });

  it('accept pending users without id and unknown extra fields', () => {
    const parsed = zoomUserListResponseSchema.parse({
      next_page_token: '',
      users: [{ email: 'p@example.test', type: 2, status: 'pending', brand_new_field: true }],
    });
    expect(parsed.users[0]?.id).toBeUndefined();
    expect((parsed.users[0] as Record<string, unknown>).brand_new_field).toBe(true);
  });

  it('limit group member additions to 30 per call', () => {
    const members = (n: number) => ({
      members: Array.from({ length: n }, (_, i) => ({ email: `u${i}@x.test` })),
    });
    expect(zoomAddGroupMembersBodySchema.safeParse(members(30)).success).toBe(true);
    expect(zoomAddGroupMembersBodySchema.safeParse(members(31)).success).toBe(false);
  });

  it('describe token responses with and without refresh token', () => {
    expect(
      oauthTokenResponseSchema.safeParse({
        access_token: 'a',
        token_type: 'bearer',
        expires_in: 3599,
        scope: 'x y',
      }).success,
    ).toBe(true);
    expect(
      oauthTokenResponseSchema.safeParse({
        access_token: '',
        token_type: 'bearer',
        expires_in: 3599,
        scope: '',
      }).success,
    ).toBe(false);
  });

  it('require event and payload in the webhook envelope; event_ts is optional but numeric', () => {
    // Documented app_deauthorized examples carry no event_ts (docs/zoom-platform.md §4.2).
    expect(zoomWebhookEnvelopeSchema.safeParse({ event: 'x', payload: {} }).success).toBe(true);
    expect(zoomWebhookEnvelopeSchema.safeParse({ event_ts: 1700000000000, payload: {} }).success).toBe(false);
    expect(zoomWebhookEnvelopeSchema.safeParse({ event: 'x', event_ts: 1 }).success).toBe(false);
    expect(zoomWebhookEnvelopeSchema.safeParse({ event: 'x', event_ts: 'soon', payload: {} }).success).toBe(
      false,
    );
    expect(
      zoomWebhookEnvelopeSchema.parse({ event: 'x', event_ts: '1700000000000', payload: {} }).event_ts,
    ).toBe(1700000000000);
  });

  // Shapes of real Zoom traffic captured in public projects (docs/zoom-platform.md §2.3, §4.2, S32–S37).
  const capturedFile = {
    id: '58dae725-86b7-4432-9233-f4d0c55edb07',
    meeting_id: 'LjtP8z2jS0qmRJIIb1WuBg==',
    recording_start: '2023-11-16T16:59:57Z',
    recording_end: '2023-11-16T18:07:05Z',
    file_type: 'TIMELINE',
    file_extension: 'JSON',
    file_size: 686420,
    download_url: 'https://us06web.zoom.us/rec/webhook_download/x/y',
    status: 'completed',
    recording_type: 'timeline',
  };
  const capturedMeeting = {
    uuid: 'LjtP8z2jS0qmRJIIb1WuBg==',
    id: 85392858403,
    account_id: 'n9D1u_kRQhe-GBbRTpT4mQ',
    host_id: 'c7qNTbLwTU6CzokdhwEjkg',
    topic: 'Unity_4',
    type: 8,
    start_time: '2023-11-03T16:59:56Z',
    timezone: 'Europe/Moscow',
    host_email: 'host@example.test',
    duration: 67,
    total_size: 310615812,
    recording_count: 4,
    recording_files: [capturedFile],
    password: 'x',
    recording_play_passcode: 'y',
    on_prem: false,
  };

  it('read TIMELINE files with id (2023/2024 captures) and without (older captures)', () => {
    const withId = zoomRecordingMeetingSchema.parse(capturedMeeting);
    expect(withId.recording_files[0]).toMatchObject({ id: capturedFile.id, file_size: 686420 });
    const { id: _id, file_size: _size, status: _status, recording_type: _type, ...old } = capturedFile;
    const withoutId = zoomRecordingMeetingSchema.parse({ ...capturedMeeting, recording_files: [old] });
    expect(withoutId.recording_files[0]?.id).toBeUndefined();
    expect(withoutId.unreadable_files).toBeUndefined();
  });

  it('read a file still processing with an empty type and end and no recording_type', () => {
    const parsed = zoomRecordingMeetingSchema.parse({
      ...capturedMeeting,
      recording_files: [
        {
          id: 'v',
          file_type: '',
          recording_start: '2023-11-16T16:59:57Z',
          recording_end: '',
          status: 'processing',
        },
      ],
    });
    expect(parsed.recording_files[0]).toMatchObject({ id: 'v', file_type: '', status: 'processing' });
    expect(parsed.recording_files[0]?.recording_end).toBeUndefined();
  });

  it('read nulls and a string meeting id leniently; set an unreadable file aside with its reason', () => {
    const parsed = zoomRecordingMeetingSchema.parse({
      ...capturedMeeting,
      id: '85392858403',
      host_email: null,
      timezone: null,
      password: null,
      recording_play_passcode: null,
      type: null,
      recording_files: [
        { ...capturedFile, recording_type: null, file_size: null },
        { ...capturedFile, id: 'mp4', file_type: 'MP4', file_size: '245838669' },
        { id: 'broken', file_type: 42 },
      ],
    });
    expect(parsed.id).toBe(85392858403);
    expect(parsed.host_email).toBeUndefined();
    expect(parsed.recording_files.map((f) => f.id)).toEqual([capturedFile.id, 'mp4']);
    expect(parsed.recording_files[1]?.file_size).toBe(245838669);
    expect(parsed.unreadable_files).toEqual([expect.stringMatching(/^file broken: file_type/)]);
  });

  it('skip one unreadable meeting of a listing page with its reason; the rest of the page stays', () => {
    const page = zoomUserRecordingsResponseSchema.parse({
      next_page_token: '',
      meetings: [capturedMeeting, { uuid: 'odd==', id: 1, topic: 't', start_time: '2023-11-16T16:59:57Z' }],
    });
    expect(page.meetings.map((m) => m.uuid)).toEqual([capturedMeeting.uuid]);
    expect(page.unreadable_meetings).toEqual([expect.stringMatching(/^meeting odd==: host_id/)]);
  });

  it('read the captured recording.completed webhook body', () => {
    const event = zoomRecordingCompletedEventSchema.parse({
      event: 'recording.completed',
      event_ts: 1700160240202,
      download_token: 'eyJ.eyJ.sig',
      payload: { account_id: 'n9D1u_kRQhe-GBbRTpT4mQ', object: capturedMeeting },
    });
    expect(event.payload.object.start_time).toBe('2023-11-03T16:59:56Z');
  });

  it('accept every documented app_deauthorized shape', () => {
    const payload = {
      account_id: 'EabCDEFghiLHMA',
      user_id: 'z9jkdsfsdfjhdkfjQ',
      signature: '827edc34',
      deauthorization_time: '2019-06-17T13:52:28.632Z',
      client_id: 'ADZ9k9bTWmGUoUbECUKU_a',
    };
    const sdk = { event: 'app_deauthorized', event_ts: 1740439732278, payload };
    const legacy = { event: 'app_deauthorized', payload: { ...payload, user_data_retention: 'false' } };
    const tsInPayload = { event: 'app_deauthorized', payload: { ...payload, event_ts: '1560779548632' } };
    for (const body of [sdk, legacy, tsInPayload]) {
      expect(zoomWebhookEnvelopeSchema.safeParse(body).success).toBe(true);
      expect(zoomAppDeauthorizedEventSchema.safeParse(body).success).toBe(true);
    }
    expect(zoomAppDeauthorizedEventSchema.parse(legacy).payload.user_data_retention).toBe(false);
    expect(zoomAppDeauthorizedEventSchema.parse(tsInPayload).payload.event_ts).toBe(1560779548632);
    expect(zoomAppDeauthorizedEventSchema.safeParse({ event: 'app_deauthorized', payload: {} }).success).toBe(
      false,
    );
  });
});
