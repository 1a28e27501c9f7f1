/**
 * Zoom's own Node SDK, `@zoom/rivet` (a dev dependency used only here), against the emulator: a client
 * nobody here wrote, with its own OAuth, request building (it sends `Content-Type: application/json` on
 * every call, body or not), response checks and webhook receiver (signature check and URL validation).
 *
 * rivet has no option for its OAuth host: `OAUTH_BASE_URL = "https://zoom.us"` is a module constant in
 * rivet 0.4.0 (`meetings/meetings.mjs`, the same in `users/` and `accounts/`), used by `Auth.makeOAuthTokenRequest`.
 * It sends that request with the default instance of `axios`, though, so a request interceptor on that
 * instance reroutes `https://zoom.us/...` to the emulator, the way a DNS entry would, while rivet's own code
 * (Basic auth, form body, `account_credentials`, token shape checks, token store, expiry) runs unchanged.
 * Its REST base URL is its documented `baseUrl` option.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccountsS2SAuthClient } from '@zoom/rivet/accounts';
import { MeetingsS2SAuthClient } from '@zoom/rivet/meetings';
import { UsersS2SAuthClient } from '@zoom/rivet/users';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZoomEmulator } from './index.ts';
import { readWriteAdminScopes, sandboxAccountId } from './scenarios.ts';
import { type Json, startTestEmulator } from './test-helpers.ts';

const rivetApp = {
  clientId: 'rivet-s2s-client',
  clientSecret: 'rivet-s2s-secret',
  webhookSecretToken: 'rivet-webhook-secret',
};

let emulator: ZoomEmulator;
let interceptor: number;
let meetings: MeetingsS2SAuthClient;
let users: UsersS2SAuthClient;
let accounts: AccountsS2SAuthClient;
const received: Json[] = [];
let receiverServer: Server | undefined;

beforeAll(async () => {
  emulator = await startTestEmulator();
  interceptor = axios.interceptors.request.use((config) => {
    if (config.url?.startsWith('https://zoom.us/')) config.url = emulator.oauthUrl + config.url.slice(15);
    return config;
  });
  const common = {
    clientId: rivetApp.clientId,
    clientSecret: rivetApp.clientSecret,
    accountId: sandboxAccountId,
    baseUrl: emulator.apiUrl,
  };
  meetings = new MeetingsS2SAuthClient({
    ...common,
    webhooksSecretToken: rivetApp.webhookSecretToken,
    port: 0,
  });
  users = new UsersS2SAuthClient({ ...common, disableReceiver: true });
  accounts = new AccountsS2SAuthClient({ ...common, disableReceiver: true });
  for (const event of ['recording.completed', 'recording.trashed', 'recording.deleted'] as const)
    meetings.webEventConsumer?.event(event, (payload: unknown) => {
      received.push(payload as Json);
    });
  receiverServer = (await meetings.start()) as Server;
  const port = (receiverServer.address() as AddressInfo).port;
  // A Server-to-Server app of the account, its event endpoint being rivet's receiver.
  emulator.control.registerApp({
    ...rivetApp,
    type: 'server_to_server',
    redirectUris: [],
    scopes: readWriteAdminScopes,
    webhookUrl: `http://127.0.0.1:${port}/zoom/events`,
  });
});
afterAll(async () => {
  axios.interceptors.request.eject(interceptor);
  receiverServer?.closeAllConnections();
  await new Promise<void>((resolve) => (receiverServer ? receiverServer.close(() => resolve()) : resolve()));
  await emulator?.close();
});

describe('Zoom’s SDK @zoom/rivet against the emulator', () => {
  it('validates its event endpoint through rivet’s receiver (endpoint.url_validation)', async () => {
    await expect
      .poll(() => emulator.control.getApp(rivetApp.clientId)?.webhookValidation.status, { timeout: 5000 })
      .toBe('validated');
  });

  it('gets an account token by account_credentials from the emulator’s OAuth host', async () => {
    const me = await users.endpoints.users.getUser({ path: { userId: 'me' } });
    expect(me.statusCode).toBe(200);
    expect((me.data as Json).email).toBe('camille.martin@acme.example');
    const issued = emulator.control.listAccessTokensIssued().filter((t) => t.clientId === rivetApp.clientId);
    expect(issued.map((t) => t.grantKind)).toContain('account_credentials');
    expect(emulator.control.requestLog().filter((e) => e.route === '/oauth/token').length).toBeGreaterThan(0);
  });

  it('lists users page by page and reads and changes a user’s settings', async () => {
    const first = await users.endpoints.users.listUsers({ query: { page_size: 4 } });
    const firstPage = first.data as Json;
    expect(firstPage.users).toHaveLength(4);
    expect(firstPage.next_page_token).toBeTruthy();
    const second = await users.endpoints.users.listUsers({
      query: { page_size: 4, next_page_token: firstPage.next_page_token },
    });
    expect((second.data as Json).users[0].email).not.toBe(firstPage.users[0].email);
    const patch = await users.endpoints.users.updateUserSettings({
      path: { userId: 'lea.robert@acme.example' },
      body: { recording: { auto_recording: 'cloud' } } as never,
    });
    expect(patch.statusCode).toBe(204);
    const settings = await users.endpoints.users.getUserSettings({
      path: { userId: 'lea.robert@acme.example' },
    });
    expect((settings.data as Json).recording.auto_recording).toBe('cloud');
    const account = await accounts.endpoints.accounts.getAccountSettings({
      path: { accountId: 'me' },
      query: { custom_query_fields: 'auto_recording' } as never,
    });
    expect((account.data as Json).recording).toHaveProperty('auto_recording');
  });

  it('creates a group, adds members and lists them', async () => {
    const created = await users.endpoints.groups.createGroup({ body: { name: 'Commerciaux (rivet)' } });
    expect(created.statusCode).toBe(201);
    const groupId = (created.data as Json).id as string;
    const added = await users.endpoints.groups.addGroupMembers({
      path: { groupId },
      body: { members: [{ email: 'emma.dubois@acme.example' }, { email: 'hugo.thomas@acme.example' }] },
    });
    expect(added.statusCode).toBe(201);
    const members = await users.endpoints.groups.listGroupMembers({ path: { groupId } });
    expect((members.data as Json).members.map((m: Json) => m.email).sort()).toEqual([
      'emma.dubois@acme.example',
      'hugo.thomas@acme.example',
    ]);
    const groups = await users.endpoints.groups.listGroups({});
    expect((groups.data as Json).groups.map((g: Json) => g.id)).toContain(groupId);
  });

  it('lists, gets, trashes one file and trashes a meeting’s recordings; its receiver verifies the events', async () => {
    const meeting = emulator.control.simulateMeeting({
      hostEmail: 'emma.dubois@acme.example',
      topic: 'Rivet call',
      durationMinutes: 5,
      cloudRecordingManual: true,
      processingSeconds: 0,
    });
    await emulator.control.advanceClock(1);
    await emulator.control.flushWebhooks();
    await expect.poll(() => received.filter((e) => e.event === 'recording.completed').length).toBe(1);

    // Date-times as from/to, as widely used clients send them.
    const list = await meetings.endpoints.cloudRecording.listAllRecordings({
      path: { userId: 'emma.dubois@acme.example' },
      query: { from: '2026-03-09T00:00:00Z', to: '2026-03-10T23:59:59Z' } as never,
    });
    const listed = (list.data as Json).meetings.find((m: Json) => m.uuid === meeting.uuid);
    expect(listed).toBeDefined();
    const meetingId = encodeURIComponent(encodeURIComponent(meeting.uuid));
    const one = await meetings.endpoints.cloudRecording.getMeetingRecordings({ path: { meetingId } });
    const files = (one.data as Json).recording_files as Json[];
    const timeline = files.find((f) => f.file_type === 'TIMELINE');
    expect(timeline?.id).toBeTruthy();

    const m4a = files.find((f) => f.file_type === 'M4A')!;
    const fileTrash = await meetings.endpoints.cloudRecording.deleteRecordingFileForMeetingOrWebinar({
      path: { meetingId, recordingId: m4a.id },
      query: { action: 'trash' },
    });
    expect(fileTrash.statusCode).toBe(204);
    const after = await meetings.endpoints.cloudRecording.getMeetingRecordings({ path: { meetingId } });
    expect(((after.data as Json).recording_files as Json[]).some((f) => f.id === m4a.id)).toBe(false);

    const trash = await meetings.endpoints.cloudRecording.deleteMeetingOrWebinarRecordings({
      path: { meetingId },
      query: { action: 'trash' },
    });
    expect(trash.statusCode).toBe(204);
    await expect(
      meetings.endpoints.cloudRecording.getMeetingRecordings({ path: { meetingId } }),
    ).rejects.toThrow(/3301/);
    await emulator.control.flushWebhooks();
    const trashed = received.filter(
      (e) => e.event === 'recording.trashed' && e.payload.object.uuid === meeting.uuid,
    );
    expect(trashed).toHaveLength(2);
    expect(trashed[0]?.payload.object.recording_files.map((f: Json) => f.id)).toEqual([m4a.id]);
    // Every delivery to rivet's receiver was accepted: it checked each signature.
    const deliveries = emulator.control.webhookLog().filter((d) => d.url.includes('/zoom/events'));
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    expect(deliveries.every((d) => d.attempts.at(-1)?.status === 200)).toBe(true);
  });
});
