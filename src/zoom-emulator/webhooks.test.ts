import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zoomRecordingCompletedEventSchema, zoomUserEventSchema } from '../zoom/wire.ts';
import type { ZoomEmulator } from './index.ts';
import { type Json, startTestEmulator, startWebhookReceiver, testApp } from './test-helpers.ts';

describe('Webhooks (checklist §8.8, docs/zoom-platform.md §4)', () => {
  let emulator: ZoomEmulator;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeEach(async () => {
    receiver = await startWebhookReceiver(testApp.webhookSecretToken);
    emulator = await startTestEmulator({ webhookUrl: receiver.url, scenario: 'empty' });
    await emulator.control.flushWebhooks();
    emulator.control.installApp(testApp.clientId);
    emulator.control.updateAccountSettings({ recording: { auto_recording: 'cloud' } });
    await emulator.control.flushWebhooks();
    receiver.received.length = 0;
  });
  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  const record = (extra: Record<string, unknown> = {}) =>
    emulator.control.simulateMeeting({
      hostEmail: 'owner@example.test',
      topic: 'Webhook call',
      durationMinutes: 15,
      processingSeconds: 60,
      transcriptSeconds: 30,
      ...extra,
    });

  it('validates the endpoint at registration and again every 72 hours', async () => {
    const other = await startWebhookReceiver('second-secret');
    try {
      const app = emulator.control.registerApp({
        ...testApp,
        clientId: 'second',
        webhookSecretToken: 'second-secret',
        webhookUrl: other.url,
      });
      expect(app.webhookValidation.status).toBe('pending');
      await emulator.control.flushWebhooks();
      expect(emulator.control.getApp('second').webhookValidation.status).toBe('validated');
      const first = other.received[0];
      expect(first?.json.event).toBe('endpoint.url_validation');
      expect(typeof first?.json.payload.plainToken).toBe('string');
      await emulator.control.advanceClock(72 * 3600 - 10);
      expect(other.received).toHaveLength(1);
      await emulator.control.advanceClock(10);
      expect(other.received).toHaveLength(2);
      other.behaviour.validate = false;
      await emulator.control.validateWebhookEndpoint('second');
      expect(emulator.control.getApp('second').webhookValidation.status).toBe('failed');
    } finally {
      await other.close();
    }
  });

  it('signs recording.completed over the exact body; timestamp header in seconds, event_ts in ms', async () => {
    record();
    await emulator.control.advanceClock(60);
    const [event] = receiver.events('recording.completed');
    if (!event) throw new Error('no recording.completed');
    const timestamp = event.headers['x-zm-request-timestamp'] as string;
    expect(timestamp).toMatch(/^\d{10}$/);
    const expected = `v0=${createHmac('sha256', testApp.webhookSecretToken).update(`v0:${timestamp}:${event.body}`).digest('hex')}`;
    expect(event.headers['x-zm-signature']).toBe(expected);
    expect(event.headers['user-agent']).toBe('Zoom Marketplace/1.0a');
    expect(event.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(event.headers['x-zm-trackingid']).toBeTruthy();
    expect(event.json.event_ts).toBe(Number(timestamp) * 1000);
    const parsed = zoomRecordingCompletedEventSchema.parse(event.json);
    expect(
      parsed.payload.object.recording_files?.every((f) => f.download_url?.includes('/rec/webhook_download/')),
    ).toBe(true);
    const withStatus = parsed.payload.object.recording_files?.filter((f) => f.id !== undefined) ?? [];
    expect(withStatus.length).toBeGreaterThan(0);
    expect(withStatus.every((f) => f.status === 'completed')).toBe(true);
  });

  it('makes no transcript while "Create audio transcript" is off (a new account, here)', async () => {
    const meeting = record();
    await emulator.control.advanceClock(120);
    // meeting.ended as the meeting ends (docs/zoom-platform.md §2.5), then the recording, without transcript.
    expect(receiver.events().map((e) => e.json.event)).toEqual(['meeting.ended', 'recording.completed']);
    const files = (await emulator.control.getRecording(meeting.uuid))!.files.map((f) => f.fileType);
    expect(files).not.toContain('TRANSCRIPT');
  });

  it('sends recording.transcript_completed after recording.completed', async () => {
    emulator.control.updateAccountSettings({ recording: { recording_audio_transcript: true } });
    await emulator.control.flushWebhooks();
    receiver.received.length = 0;
    record();
    await emulator.control.advanceClock(60);
    expect(receiver.events('recording.transcript_completed')).toHaveLength(0);
    await emulator.control.advanceClock(30);
    const names = receiver.events().map((e) => e.json.event);
    expect(names).toEqual(['meeting.ended', 'recording.completed', 'recording.transcript_completed']);
    const transcript = receiver.events('recording.transcript_completed')[0]?.json;
    expect(transcript.payload.object.recording_files.map((f: Json) => f.file_type)).toEqual(['TRANSCRIPT']);
  });

  it('download_token opens the webhook download URLs for 24 hours', async () => {
    record();
    await emulator.control.advanceClock(60);
    const event = receiver.events('recording.completed')[0]?.json;
    const url = event.payload.object.recording_files[0].download_url as string;
    const withHeader = await fetch(url, {
      headers: { authorization: `Bearer ${event.download_token}` },
      redirect: 'manual',
    });
    expect(withHeader.status).toBe(302);
    const withQuery = await fetch(`${url}?access_token=${event.download_token}`, { redirect: 'manual' });
    expect(withQuery.status).toBe(302);
    await emulator.control.advanceClock(24 * 3600);
    const expired = await fetch(url, {
      headers: { authorization: `Bearer ${event.download_token}` },
      redirect: 'manual',
    });
    expect(expired.status).toBe(200);
    expect(expired.headers.get('content-type')).toContain('text/html');
  });

  it('retries at +5, +20 and +60 minutes when not acknowledged, then gives up', async () => {
    receiver.behaviour.status = 500;
    record({ transcript: [] });
    await emulator.control.advanceClock(60);
    await emulator.control.advanceClock(2 * 3600);
    const attempts = receiver
      .events('recording.completed')
      .map((e) => Number(e.headers['x-zm-request-timestamp']));
    expect(attempts).toHaveLength(4);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    expect(gaps).toEqual([300, 1200, 3600]);
    // same event, same body on every attempt
    expect(new Set(receiver.events('recording.completed').map((e) => e.body)).size).toBe(1);
    const delivery = emulator.control.webhookLog().find((d) => d.event === 'recording.completed');
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attempts).toHaveLength(4);
  });

  it('treats a reply slower than the ack window (3 s) as a failure and retries', async () => {
    emulator.control.setWebhooks({ ackTimeoutMs: 200 });
    receiver.behaviour.delayMs = 500;
    record({ transcript: [] });
    await emulator.control.advanceClock(60);
    const delivery = emulator.control.webhookLog().find((d) => d.event === 'recording.completed');
    expect(delivery?.state).toBe('retrying');
    expect(delivery?.attempts[0]?.error).toMatch(/Timeout|abort/i);
    receiver.behaviour.delayMs = 0;
    await emulator.control.advanceClock(300);
    expect(emulator.control.webhookLog().find((d) => d.event === 'recording.completed')?.state).toBe(
      'delivered',
    );
  });

  it('duplicates events on demand; copies differ only in download_token and download URLs', async () => {
    emulator.control.setWebhooks({ duplicate: true });
    record({ transcript: [] });
    await emulator.control.advanceClock(60);
    const copies = receiver.events('recording.completed');
    expect(copies).toHaveLength(2);
    const [a, b] = copies.map((c) => c.json);
    expect(a.download_token).not.toBe(b.download_token);
    expect(a.payload.object.recording_files[0].download_url).not.toBe(
      b.payload.object.recording_files[0].download_url,
    );
    expect(a.payload.object.uuid).toBe(b.payload.object.uuid);
    expect(a.payload.object.recording_files.map((f: Json) => f.id)).toEqual(
      b.payload.object.recording_files.map((f: Json) => f.id),
    );
  });

  it('can list only the first segment in recording.completed (Zoom quirk), while the API lists all', async () => {
    emulator.control.setWebhooks({ firstSegmentOnly: true });
    const result = record({
      transcript: [],
      segments: [
        { startMinute: 0, endMinute: 5 },
        { startMinute: 8, endMinute: 15 },
      ],
    });
    await emulator.control.advanceClock(60);
    const event = receiver.events('recording.completed')[0]?.json;
    const starts = new Set(event.payload.object.recording_files.map((f: Json) => f.recording_start));
    expect(starts.size).toBe(1);
    const info = await emulator.control.getRecording(result.uuid);
    expect(new Set(info?.files.map((f) => f.recordingStart)).size).toBe(2);
  });

  it('drops, disables and delays events on demand', async () => {
    emulator.control.setWebhooks({ dropRate: 1 });
    emulator.control.createUser({ email: 'dropped@example.test', firstName: 'Drop', lastName: 'Ped' });
    await emulator.control.flushWebhooks();
    expect(receiver.events()).toHaveLength(0);
    emulator.control.setWebhooks({ dropRate: 0, enabled: false });
    emulator.control.createUser({ email: 'disabled@example.test', firstName: 'Dis', lastName: 'Abled' });
    await emulator.control.flushWebhooks();
    expect(receiver.events()).toHaveLength(0);
    expect(emulator.control.webhookLog().map((d) => d.state)).toEqual(
      expect.arrayContaining(['dropped', 'disabled']),
    );
    emulator.control.setWebhooks({ enabled: true, delaySeconds: 600 });
    emulator.control.createUser({ email: 'delayed@example.test', firstName: 'De', lastName: 'Layed' });
    await emulator.control.advanceClock(599);
    expect(receiver.events()).toHaveLength(0);
    await emulator.control.advanceClock(1);
    expect(receiver.events('user.created')).toHaveLength(1);
  });

  it('delivers out of order on demand', async () => {
    emulator.control.setWebhooks({ outOfOrder: true });
    emulator.control.createUser({ email: 'first@example.test', firstName: 'First', lastName: 'One' });
    emulator.control.createUser({ email: 'second@example.test', firstName: 'Second', lastName: 'Two' });
    await emulator.control.flushWebhooks();
    expect(receiver.events()).toHaveLength(0);
    await emulator.control.deliverPendingWebhooks();
    expect(receiver.events().map((e) => e.json.payload.object.email)).toEqual([
      'second@example.test',
      'first@example.test',
    ]);
  });

  it('sends user.created, user.updated (changed fields only) and user.deactivated', async () => {
    const user = emulator.control.createUser({
      email: 'new.rep@example.test',
      firstName: 'New',
      lastName: 'Rep',
    });
    emulator.control.updateUser(user.id, { lastName: 'Representative', dept: 'Sales' });
    emulator.control.deactivateUser('new.rep@example.test');
    await emulator.control.flushWebhooks();
    const events = receiver.events().map((e) => zoomUserEventSchema.parse(e.json));
    expect(events.map((e) => e.event)).toEqual(['user.created', 'user.updated', 'user.deactivated']);
    expect(events[0]?.payload.object).toMatchObject({ id: user.id, email: 'new.rep@example.test', type: 2 });
    expect(events[0]?.payload.operator).toBe('owner@example.test');
    expect(events[1]?.payload.object).toEqual({ id: user.id, last_name: 'Representative', dept: 'Sales' });
    expect(events[2]?.payload.object).toMatchObject({ id: user.id, email: 'new.rep@example.test' });
  });

  it('sends events only to installed apps', async () => {
    emulator.control.revokeAllTokens(testApp.clientId);
    await emulator.control.flushWebhooks();
    receiver.received.length = 0;
    emulator.control.createUser({ email: 'unseen@example.test', firstName: 'Un', lastName: 'Seen' });
    await emulator.control.flushWebhooks();
    expect(receiver.events()).toHaveLength(0);
  });
});
