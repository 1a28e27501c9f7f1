import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZoomEmulator } from './index.ts';
import { api, startTestEmulator, startWebhookReceiver, testApp } from './test-helpers.ts';

// Meetings held, recorded or not (docs/zoom-platform.md §2.5): what Zoom tells about them and at what cost.

const emma = 'emma.dubois@acme.example';
const hugo = 'hugo.thomas@acme.example';
const paul = { name: 'Paul Girard', email: 'paul.girard@globex.example' };
let emulator: ZoomEmulator;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let token: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver(testApp.webhookSecretToken);
  emulator = await startTestEmulator({ scenario: 'sandbox', webhookUrl: receiver.url });
  token = emulator.control.installApp(testApp.clientId).access_token;
});
afterAll(async () => {
  await emulator?.close();
  await receiver?.close();
});

const day = (offsetDays: number) =>
  new Date(emulator.control.now().getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('meetings held in the emulator', () => {
  it('sends meeting.ended for a meeting Zoom did not record, with Zoom’s shape', async () => {
    const meeting = emulator.control.simulateMeeting({
      hostEmail: hugo,
      topic: 'Not recorded',
      durationMinutes: 20,
      participants: [paul],
    });
    expect(meeting.recorded).toBe(false);
    await emulator.control.flushWebhooks();
    const ended = receiver.events('meeting.ended').find((e) => e.json.payload.object.uuid === meeting.uuid);
    expect(ended?.json.payload.object).toMatchObject({
      id: String(meeting.meetingId),
      uuid: meeting.uuid,
      host_id: emulator.control.getUser(hugo).id,
      topic: 'Not recorded',
      duration: 20,
    });
    const { start_time, end_time } = ended!.json.payload.object as { start_time: string; end_time: string };
    expect(Date.parse(end_time) - Date.parse(start_time)).toBe(20 * 60_000);
  });

  it('lets a host stop the automatic recording only where the settings allow it, and says so', async () => {
    emulator.control.updateAccountSettings({
      recording: { auto_recording: 'cloud', host_pause_stop_recording: false },
    });
    const locked = emulator.control.simulateMeeting({
      hostEmail: emma,
      topic: 'Cannot stop',
      durationMinutes: 10,
      hostStopsRecording: true,
    });
    expect(locked.recorded).toBe(true);
    emulator.control.updateAccountSettings({ recording: { host_pause_stop_recording: true } });
    emulator.control.setHostStopsRecording(emma, true);
    const stopped = emulator.control.simulateMeeting({
      hostEmail: emma,
      topic: 'Stopped',
      durationMinutes: 10,
    });
    emulator.control.setHostStopsRecording(emma, false);
    expect(stopped.recorded).toBe(false);
    await emulator.control.flushWebhooks();
    const events = receiver.received
      .filter((r) => r.json.payload?.object?.uuid === stopped.uuid)
      .map((r) => r.json.event);
    expect(events).toEqual(['recording.started', 'recording.stopped', 'meeting.ended']);
    const stop = receiver.events('recording.stopped').at(-1)?.json.payload.object;
    expect(stop.recording_file.recording_end).not.toBe('');
    emulator.control.updateAccountSettings({
      recording: { auto_recording: 'none', host_pause_stop_recording: false },
    });
  });

  it('reports a user’s meetings of two or more people as a Heavy call, with has_recording', async () => {
    emulator.control.simulateMeeting({ hostEmail: hugo, topic: 'Alone', durationMinutes: 5 });
    const response = await api(
      emulator,
      token,
      `/report/users/${hugo}/meetings?from=${day(-1)}&to=${day(0)}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-category')).toBe('Heavy');
    const topics = response.body.meetings.map((m: { topic: string }) => m.topic);
    expect(topics).toContain('Not recorded');
    // Zoom's reports leave out meetings with fewer than two participants (S2).
    expect(topics).not.toContain('Alone');
    const notRecorded = response.body.meetings.find((m: { topic: string }) => m.topic === 'Not recorded');
    expect(notRecorded).toMatchObject({ has_recording: false, participants_count: 2, user_email: hugo });
  });

  it('refuses reports without dates, over a month, or beyond six months', async () => {
    const missing = await api(emulator, token, `/report/users/${hugo}/meetings`);
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe(300);
    const long = await api(emulator, token, `/report/users/${hugo}/meetings?from=${day(-40)}&to=${day(0)}`);
    expect(long.body.code).toBe(300);
    const old = await api(
      emulator,
      token,
      `/report/users/${hugo}/meetings?from=${day(-200)}&to=${day(-190)}`,
    );
    expect(old.body.code).toBe(300);
  });

  it('lists participants, with e-mails only for the account’s own users', async () => {
    const report = await api(emulator, token, `/report/users/${hugo}/meetings?from=${day(-1)}&to=${day(0)}`);
    const uuid = report.body.meetings.find((m: { topic: string }) => m.topic === 'Not recorded')
      .uuid as string;
    const encoded = encodeURIComponent(encodeURIComponent(uuid));
    const heavy = await api(emulator, token, `/report/meetings/${encoded}/participants`);
    expect(heavy.headers.get('x-ratelimit-category')).toBe('Heavy');
    const medium = await api(emulator, token, `/past_meetings/${encoded}/participants`);
    expect(medium.headers.get('x-ratelimit-category')).toBe('Medium');
    for (const body of [heavy.body, medium.body]) {
      expect(body.participants.map((p: { user_email: string }) => p.user_email)).toEqual([hugo, '']);
      expect(body.participants.map((p: { name: string }) => p.name)).toContain(paul.name);
    }
    const past = await api(emulator, token, `/past_meetings/${encoded}`);
    expect(past.body).toMatchObject({ uuid, participants_count: 2, user_email: hugo });
    const unknown = await api(emulator, token, '/past_meetings/123/participants');
    expect(unknown.body.code).toBe(3001);
  });

  it('needs a paid plan for the reports: code 200 on a free account', async () => {
    // A free plan's Heavy limit is 1 a second: the earlier calls of this file would hit it first.
    emulator.control.setRateLimits({ plan: 'free', enabled: false });
    try {
      const response = await api(
        emulator,
        token,
        `/report/users/${hugo}/meetings?from=${day(-1)}&to=${day(0)}`,
      );
      expect(response.status).toBe(400);
      expect(response.body.code).toBe(200);
      expect(response.body.message).toMatch(/only available for paid account/);
    } finally {
      emulator.control.setRateLimits({ plan: 'business', enabled: true });
    }
  });

  it('needs a report scope', async () => {
    const scopes = testApp.scopes.filter((scope) => scope !== 'report:read:admin');
    emulator.control.registerApp({ ...testApp, clientId: 'no-report-scope', scopes });
    const limited = emulator.control.installApp('no-report-scope').access_token;
    const response = await api(
      emulator,
      limited,
      `/report/users/${hugo}/meetings?from=${day(-1)}&to=${day(0)}`,
    );
    expect(response.body.code).toBe(4700);
  });
});
